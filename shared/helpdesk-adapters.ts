// Generic helpdesk adapters (issue 10): an admin describes a helpdesk's pages in options; the backend
// keeps the list as a tenant setting and every agent's extension overlays those pages with it.
import { z } from 'zod';
import { hasNestedRepetition } from './nested-repetition.js';

const MAX_ADAPTERS = 20;
const MAX_SELECTOR_LENGTH = 300;
const MAX_PATTERN_LENGTH = 500;

const text = (field: string, max: number) =>
  z
    .string({ error: `${field} is required` })
    .trim()
    .min(1, { error: `${field} is required` })
    .max(max, { error: `${field} must be at most ${max} characters` });

/** A JavaScript regular expression (no flags); a bad one is a field error naming the engine's reason. */
const regularExpression = (field: string) =>
  text(field, MAX_PATTERN_LENGTH).superRefine((pattern, ctx) => {
    try {
      new RegExp(pattern);
    } catch (error) {
      const reason = error instanceof Error ? error.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, '') : String(error);
      ctx.addIssue({ code: 'custom', message: `${field} is not a valid regular expression: ${reason}` });
      return;
    }
    // Evaluated on every page an agent opens (and on sampleUrl by the backend): no catastrophic backtracking.
    if (hasNestedRepetition(pattern)) ctx.addIssue({ code: 'custom', message: `${field} has a nested repetition (such as (a+)+) that could hang the helpdesk page; simplify it` });
  });

/** A CSS selector (checked for syntax by the options page, which has a DOM; the backend checks length only). */
const selector = (field: string) => text(field, MAX_SELECTOR_LENGTH);
const optionalSelector = (field: string) => selector(field).nullable().default(null);

/** `http(s)://host[:port]` with nothing after it: what the extension asks host permission for. */
export const ZHelpdeskOrigin = z
  .string({ error: 'origin is required' })
  .trim()
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value.replace(/\/$/, '');
    } catch {
      return false;
    }
  }, { error: 'origin must be an http(s) origin such as https://helpdesk.example.com (no path)' })
  .transform((value) => value.replace(/\/$/, ''));

/** Where a thread page's conversation id comes from: a capture group of a URL pattern, or an element. */
export const ZConversationIdSource = z.discriminatedUnion(
  'from',
  [
    z.object({ from: z.literal('url'), pattern: regularExpression('conversationId.pattern') }),
    z.object({
      from: z.literal('selector'),
      selector: selector('conversationId.selector'),
      /** The attribute holding the id; null: the element's text. */
      attribute: text('conversationId.attribute', 100).nullable().default(null),
    }),
  ],
  { error: 'conversationId.from must be "url" or "selector"' },
);

/** One configured helpdesk page family. */
export const ZHelpdeskAdapterConfig = z.object({
  /** Stable id chosen by the options page (a UUID). */
  id: z.uuid({ error: 'id must be a UUID' }),
  /** What admins call it (`Acme Desk`). */
  name: text('name', 60),
  /** The helpdesk's origin: permission, content-script registration and matching start here. */
  origin: ZHelpdeskOrigin,
  /** Full-URL regular expression for thread pages (e.g. `^https://desk\.example\.com/tickets/\d+`). */
  urlPattern: regularExpression('urlPattern'),
  /** A thread page URL the admin copied from the helpdesk: urlPattern (and a URL id pattern) must match it. */
  sampleUrl: z.url({ protocol: /^https?$/, error: 'sampleUrl must be an http(s) URL of one thread page' }).max(2048),
  conversationId: ZConversationIdSource,
  selectors: z.object({
    /** The thread header: the Take Over button is appended to it. */
    threadHeader: selector('selectors.threadHeader'),
    /** The banner stack mounts as the first child of this element. */
    mount: selector('selectors.mount'),
    /** The compose area: the scheduled-reply banner mounts before it; null: none. */
    composer: optionalSelector('selectors.composer'),
    /** The send button inside or near the composer: its clicks are reported as agent replies; null: not reported. */
    sendButton: optionalSelector('selectors.sendButton'),
  }),
  /** The connector name the helpdesk's conversations arrive with (`/webhooks/inbound` `connector`). */
  connector: text('connector', 64),
  /** The channel an agent's reply from this helpdesk is recorded as. */
  channel: z.enum(['sms', 'email'], { error: 'channel must be "sms" or "email"' }).default('email'),
}).superRefine((config, ctx) => {
  if (!safeMatches(config.urlPattern, config.sampleUrl)) ctx.addIssue({ code: 'custom', path: ['urlPattern'], message: 'urlPattern does not match sampleUrl' });
  else if (!config.sampleUrl.startsWith(`${config.origin}/`) && config.sampleUrl !== config.origin) ctx.addIssue({ code: 'custom', path: ['sampleUrl'], message: 'sampleUrl must be on the origin' });
  if (config.conversationId.from === 'url' && !conversationIdFromUrl(config.conversationId.pattern, config.sampleUrl)) {
    ctx.addIssue({ code: 'custom', path: ['conversationId', 'pattern'], message: 'conversationId.pattern must capture the id from sampleUrl in its first group' });
  }
});
export type HelpdeskAdapterConfig = z.output<typeof ZHelpdeskAdapterConfig>;
export type HelpdeskAdapterConfigInput = z.input<typeof ZHelpdeskAdapterConfig>;

/** The tenant setting: at most 20 adapters, distinct ids. */
export const ZHelpdeskAdapters = z
  .array(ZHelpdeskAdapterConfig, { error: 'helpdeskAdapters must be a list' })
  .max(MAX_ADAPTERS, { error: `at most ${MAX_ADAPTERS} helpdesk adapters` })
  .superRefine((adapters, ctx) => {
    const seen = new Set<string>();
    adapters.forEach((adapter, index) => {
      if (seen.has(adapter.id)) ctx.addIssue({ code: 'custom', path: [index, 'id'], message: 'id is used twice' });
      seen.add(adapter.id);
    });
  });

/** The conversation id a URL pattern's first capture group takes from `url`; null when it does not match. */
export function conversationIdFromUrl(pattern: string, url: string): string | null {
  if (hasNestedRepetition(pattern)) return null; // refused on save; never run one that could hang
  try {
    const match = new RegExp(pattern).exec(url);
    const id = match?.[1]?.trim();
    return id ? decodeURIComponent(id) : null;
  } catch {
    return null;
  }
}

function safeMatches(pattern: string, url: string): boolean {
  if (hasNestedRepetition(pattern)) return false; // refused on save; never run one that could hang
  try {
    return new RegExp(pattern).test(url);
  } catch {
    return false;
  }
}
