// The "Test on the current tab" probe on a saved helpdesk page (jsdom stands in for the tab).
import { beforeEach, describe, expect, it } from 'vitest';
import { deskConfig } from '../adapters/fixtures/desk-config';
import { showFixture } from '../adapters/fixtures/load-fixture';
import { probeHelpdeskPage, type ProbeInput } from './adapter-probe';

/** The fixture desk's probe input; `overrides` replace whole fields (no validation: the probe must cope). */
function inputFrom(overrides: Partial<ProbeInput> = {}): ProbeInput {
  const { urlPattern, conversationId, selectors } = deskConfig();
  return { urlPattern, conversationId, selectors, ...overrides };
}

/** jsdom's address is fixed per file; the URL pattern is written for it. */
const HERE = '^http://localhost(:\\d+)?/';

describe('adapter probe', () => {
  beforeEach(() => {
    showFixture('fixture-desk-ticket.html');
  });

  it('counts and outlines what each selector finds, reads the id from an attribute, and reports no problem', () => {
    const result = probeHelpdeskPage(inputFrom({ urlPattern: HERE, conversationId: { from: 'selector', selector: 'main.ticket-page', attribute: 'data-ticket-id' } }));
    expect(result).toEqual({
      url: location.href,
      urlMatches: true,
      conversationId: 'T-1001',
      found: { threadHeader: 1, mount: 1, composer: 1, sendButton: 1, conversationId: 1 },
      problems: [],
    });
    const marked = Array.from(document.querySelectorAll<HTMLElement>('[data-baton-test]'), (element) => [element.dataset.batonTest, element.style.outline !== '']);
    expect(marked).toEqual([
      ['conversationId', true],
      ['threadHeader', true],
      ['mount', true],
      ['composer', true],
      ['sendButton', true],
    ]);
  });

  it('reports each problem in words: a URL the pattern misses, an id captured from nowhere, missing, invalid and ambiguous selectors', () => {
    const result = probeHelpdeskPage(
      inputFrom({ selectors: { threadHeader: '#nowhere', mount: 'p.entry', composer: 'textarea[', sendButton: '.no-send' } }),
    );
    expect(result.urlMatches).toBe(false);
    expect(result.found).toEqual({ threadHeader: 0, mount: 2, composer: 0, sendButton: 0, conversationId: null });
    expect(result.problems).toEqual([
      `URL pattern does not match this tab's address (${location.href})`,
      'Thread header: no element matches "#nowhere"',
      'Banner mount: 2 elements match "p.entry"; Baton uses the first',
      'Composer: "textarea[" is not a valid CSS selector',
      'Send button: no element matches ".no-send" (optional)',
      "Conversation id: the id pattern captures nothing from this tab's address",
    ]);
  });

  it('refuses an id Baton would not accept, and an element without the attribute', () => {
    document.querySelector('main')!.setAttribute('data-ticket-id', 'T 1 <b>');
    expect(probeHelpdeskPage(inputFrom({ urlPattern: HERE, conversationId: { from: 'selector', selector: 'main', attribute: 'data-ticket-id' } })).problems).toEqual([
      'Conversation id: "T 1 <b>" is not an id Baton accepts (letters, digits, . _ : - only)',
    ]);
    expect(probeHelpdeskPage(inputFrom({ urlPattern: HERE, conversationId: { from: 'selector', selector: 'main', attribute: 'data-nope' } })).problems).toEqual([
      'Conversation id: the element has no "data-nope" attribute',
    ]);
  });

  it('labels each outline with what it is', () => {
    probeHelpdeskPage(inputFrom({ urlPattern: HERE }));
    expect(Array.from(document.querySelectorAll('[data-baton-test-label]'), (label) => label.textContent)).toEqual([
      'Baton: Thread header',
      'Baton: Banner mount',
      'Baton: Composer',
      'Baton: Send button',
    ]);
  });

  it('removes the outlines and labels of an earlier test before outlining again', () => {
    probeHelpdeskPage(inputFrom({ urlPattern: HERE }));
    probeHelpdeskPage(inputFrom({ urlPattern: HERE, selectors: { threadHeader: '#ticket-head', mount: '.reply-box', composer: null, sendButton: null } }));
    const marked = Array.from(document.querySelectorAll<HTMLElement>('[data-baton-test]'), (element) => `${element.dataset.batonTest}:${element.className || element.id}`);
    expect(marked).toEqual(['threadHeader:ticket-head', 'mount:reply-box']);
    expect(document.querySelector<HTMLElement>('article.conversation')!.style.outline).toBe('');
    expect(document.querySelectorAll('[data-baton-test-label]')).toHaveLength(2);
  });
});
