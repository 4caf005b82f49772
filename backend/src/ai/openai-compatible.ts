// An OpenAI-compatible chat-completions client (URL, model and key configured per deployment).
import type { Drafter, ThreadMessage } from './drafter.js';

export interface OpenAiCompatibleConfig {
  /** Base URL, e.g. https://api.openai.com/v1 or a local server. */
  url: string;
  model: string;
  apiKey: string | null;
  systemPrompt?: string;
  timeoutMs?: number;
}

export function createOpenAiCompatibleDrafter(config: OpenAiCompatibleConfig, fetchImpl: typeof fetch = fetch): Drafter {
  return {
    name: `openai:${config.model}`,
    async draft(thread: ThreadMessage[]): Promise<string> {
      const response = await fetchImpl(`${config.url.replace(/\/$/, '')}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {}) },
        body: JSON.stringify({
          model: config.model,
          messages: [
            { role: 'system', content: config.systemPrompt ?? 'You are a helpful, concise customer-support assistant. Reply in plain text.' },
            ...thread.map((message) => ({ role: message.author === 'customer' ? 'user' : 'assistant', content: message.body })),
          ],
        }),
        signal: AbortSignal.timeout(config.timeoutMs ?? 20_000),
      });
      if (!response.ok) throw new Error(`AI endpoint answered ${response.status}`);
      const body = (await response.json()) as { choices?: { message?: { content?: string } }[] };
      const text = body.choices?.[0]?.message?.content?.trim();
      if (!text) throw new Error('AI endpoint returned no text');
      return text;
    },
  };
}
