// The helpdesk form's check: malformed URLs, patterns that match nothing and bad selectors are field errors; a good draft is the config.
import { describe, expect, it } from 'vitest';
import { deskConfig } from '../adapters/fixtures/desk-config';
import { checkHelpdeskDraft, configInputFrom, draftFrom, emptyDraft, formErrorsFromServer, helpdeskReadable, type HelpdeskDraft } from './helpdesk-draft';

const GOOD: HelpdeskDraft = draftFrom(deskConfig());

describe('helpdesk draft', () => {
  it('round-trips a saved configuration', () => {
    expect(checkHelpdeskDraft(GOOD)).toEqual({ ok: true, config: deskConfig() });
    const byElement = deskConfig({ conversationId: { from: 'selector', selector: 'main', attribute: null } });
    expect(configInputFrom(draftFrom(byElement))).toMatchObject({ conversationId: { from: 'selector', selector: 'main', attribute: null } });
  });

  it('turns blank optional selectors into none', () => {
    const checked = checkHelpdeskDraft({ ...GOOD, composer: ' ', sendButton: '' });
    expect(checked.ok && checked.config.selectors).toEqual({ threadHeader: '#ticket-head', mount: 'article.conversation', composer: null, sendButton: null });
  });

  it.each([
    ['a malformed origin', { origin: 'desk.example.com' }, { origin: 'origin must be an http(s) origin such as https://helpdesk.example.com (no path)' }],
    ['an origin with a path', { origin: 'https://desk.example.com/tickets' }, { origin: 'origin must be an http(s) origin such as https://helpdesk.example.com (no path)' }],
    ['a malformed sample URL', { sampleUrl: 'not a url' }, { sampleUrl: 'sampleUrl must be an http(s) URL of one thread page' }],
    ['a URL pattern that does not match the sample', { urlPattern: '^https://desk\\.example\\.com/inbox/' }, { urlPattern: 'urlPattern does not match sampleUrl' }],
    ['an id pattern that captures nothing', { idPattern: '/tickets/[^/]+' }, { 'conversationId.pattern': 'conversationId.pattern must capture the id from sampleUrl in its first group' }],
    ['a broken regular expression', { urlPattern: '^https://(desk' }, { urlPattern: 'urlPattern is not a valid regular expression: Unterminated group' }],
    ['a selector the CSS engine refuses', { mount: 'article[' }, { 'selectors.mount': 'selectors.mount is not a valid CSS selector' }],
    ['an empty required selector', { threadHeader: '' }, { 'selectors.threadHeader': 'selectors.threadHeader is required' }],
    ['a sample URL on another origin', { sampleUrl: 'https://elsewhere.example.com/tickets/T-1001', urlPattern: 'tickets' }, { sampleUrl: 'sampleUrl must be on the origin' }],
  ] as const)('refuses %s with an error at its field', (_case, change, expected) => {
    expect(checkHelpdeskDraft({ ...GOOD, ...change })).toEqual({ ok: false, fieldErrors: expected });
  });

  it('names every missing field of a blank form', () => {
    const checked = checkHelpdeskDraft(emptyDraft('0b8e1f2a-3c4d-4e5f-8a6b-7c8d9e0f1a2b'));
    expect(checked.ok).toBe(false);
    expect(Object.keys(checked.ok ? {} : checked.fieldErrors).sort()).toEqual(
      ['connector', 'conversationId.pattern', 'name', 'origin', 'sampleUrl', 'selectors.mount', 'selectors.threadHeader', 'urlPattern'].sort(),
    );
  });

  it('checks the id element selector when the id comes from the page', () => {
    expect(checkHelpdeskDraft({ ...GOOD, idFrom: 'selector', idSelector: 'main[' })).toEqual({ ok: false, fieldErrors: { 'conversationId.selector': 'conversationId.selector is not a valid CSS selector' } });
  });

  it('labels API field names and maps server errors of the edited entry to its fields', () => {
    expect(helpdeskReadable('urlPattern does not match sampleUrl')).toBe('Thread URL pattern does not match sample thread URL');
    expect(helpdeskReadable('selectors.mount is required')).toBe('Banner mount selector is required');
    expect(helpdeskReadable('origin must be an http(s) origin such as https://x.example')).toBe('Origin must be an http(s) origin such as https://x.example');
    expect(helpdeskReadable('sampleUrl must be on the origin')).toBe('sample thread URL must be on the origin');
    expect(formErrorsFromServer({ 'helpdeskAdapters.2.urlPattern': 'bad', 'helpdeskAdapters.1.name': 'other', expectedVersion: 'x' }, 2)).toEqual({
      urlPattern: 'bad',
      'helpdeskAdapters.1.name': 'other',
      expectedVersion: 'x',
    });
  });
});
