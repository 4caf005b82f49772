// The built-in responder of the embedded default and the demo: keyword rules, no network.
import type { Drafter, ThreadMessage } from './drafter.js';

const RULES: { keywords: RegExp; reply: string }[] = [
  { keywords: /\b(hours?|open|close[ds]?)\b/i, reply: 'We are open Monday to Friday, 9 AM to 5 PM. How else can I help?' },
  { keywords: /\b(order|shipping|deliver(y|ed)?|track(ing)?)\b/i, reply: 'Thanks for reaching out about your order. Could you share your order number so I can check on it?' },
  { keywords: /\b(price|cost|quote|how much)\b/i, reply: 'Happy to help with pricing. Which product or service are you interested in?' },
  { keywords: /\b(cancel|refund)\b/i, reply: 'I can help with that. Could you tell me a bit more so I can route this to the right person?' },
];

export const ruleBasedResponder: Drafter = {
  name: 'rule-based',
  async draft(thread: ThreadMessage[]): Promise<string> {
    const customerText = thread.filter((message) => message.author === 'customer').slice(-3).map((message) => message.body).join(' ');
    return RULES.find((rule) => rule.keywords.test(customerText))?.reply ?? 'Thanks for your message! Let me look into this and get back to you shortly.';
  },
};
