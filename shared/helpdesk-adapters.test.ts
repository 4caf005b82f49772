// The generic adapter's configuration is validated where an admin saves it: field errors with paths,
// and no pattern that could hang an agent's helpdesk page (or the backend, which checks sampleUrl).
import { describe, expect, it } from 'vitest';
import { conversationIdFromUrl, ZHelpdeskAdapterConfig, type HelpdeskAdapterConfigInput } from './helpdesk-adapters.js';

const valid: HelpdeskAdapterConfigInput = {
  id: '6f1d2c3b-4a5e-4f60-8a71-92b3c4d5e6f7',
  name: 'Acme Desk',
  origin: 'https://desk.example.com',
  urlPattern: '^https://desk\\.example\\.com/tickets/\\d+',
  sampleUrl: 'https://desk.example.com/tickets/4711',
  conversationId: { from: 'url', pattern: '/tickets/(\\d+)' },
  selectors: { threadHeader: '#ticket-head', mount: 'article.conversation', composer: null, sendButton: null },
  connector: 'acme-desk',
};

/** The first issue's path and message, or null when the config is accepted. */
function problem(config: unknown): { path: string; message: string } | null {
  const parsed = ZHelpdeskAdapterConfig.safeParse(config);
  if (parsed.success) return null;
  const issue = parsed.error.issues[0]!;
  return { path: issue.path.join('.'), message: issue.message };
}

describe('ZHelpdeskAdapterConfig', () => {
  it('accepts a complete configuration and fills the defaults', () => {
    expect(ZHelpdeskAdapterConfig.parse(valid)).toMatchObject({ channel: 'email', origin: 'https://desk.example.com' });
  });

  it.each([
    ['an origin with a path', { origin: 'https://desk.example.com/app' }, 'origin', /no path/],
    ['a malformed sample URL', { sampleUrl: 'desk.example.com/tickets/1' }, 'sampleUrl', /http\(s\) URL/],
    ['an invalid regular expression', { urlPattern: '(tickets' }, 'urlPattern', /not a valid regular expression/],
    ['a nested repetition in the URL pattern', { urlPattern: '^https://desk\\.example\\.com/(a+)+$' }, 'urlPattern', /nested repetition/],
    ['a nested repetition in the id pattern', { conversationId: { from: 'url', pattern: '/tickets/((\\d+)*)' } }, 'conversationId.pattern', /nested repetition/],
    ['a URL pattern that does not match the sample', { urlPattern: '^https://desk\\.example\\.com/issues/' }, 'urlPattern', /does not match sampleUrl/],
    ['an id pattern that captures nothing from the sample', { conversationId: { from: 'url', pattern: '/issues/(\\d+)' } }, 'conversationId.pattern', /must capture the id/],
    ['a blank selector', { selectors: { ...valid.selectors, mount: '  ' } }, 'selectors.mount', /selectors.mount is required/],
  ])('refuses %s, naming the field', (_what, change, path, message) => {
    const found = problem({ ...valid, ...change });
    expect(found?.path).toBe(path);
    expect(found?.message).toMatch(message);
  });

  it('never evaluates a catastrophic pattern against a long sample URL (it is refused first)', () => {
    const sampleUrl = `https://desk.example.com/${'a'.repeat(2000)}!`;
    expect(problem({ ...valid, sampleUrl, urlPattern: '^https://desk\\.example\\.com/(a+)+$' })?.message).toMatch(/nested repetition/);
  });
});

describe('conversationIdFromUrl', () => {
  it.each([
    ['/tickets/(\\d+)', 'https://desk.example.com/tickets/4711?tab=reply', '4711'],
    ['/t/([^/?#]+)', 'https://desk.example.com/t/FD%2D100', 'FD-100'],
    ['/tickets/(\\d+)', 'https://desk.example.com/inbox', null],
    ['(unclosed', 'https://desk.example.com/tickets/1', null],
  ])('%s on %s → %s', (pattern, url, id) => {
    expect(conversationIdFromUrl(pattern, url)).toBe(id);
  });
});
