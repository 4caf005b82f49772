// The configured (generic) adapter on saved pages of a helpdesk unlike the demo inbox (jsdom).
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { HelpdeskAdapterConfigInput } from '../../shared/helpdesk-adapters';
import { createGenericAdapter } from './generic';
import { DESK_ORIGIN as ORIGIN, deskConfig } from './fixtures/desk-config';
import { loadFixture, showFixture } from './fixtures/load-fixture';

const TICKET_URL = new URL(`${ORIGIN}/tickets/T-1001`);

describe('generic adapter', () => {
  it.each([
    ['https://desk.example.com/tickets/T-1001', true],
    ['https://desk.example.com/', true],
    ['https://desk.example.com:8443/tickets/T-1001', false],
    ['http://desk.example.com/tickets/T-1001', false],
    ['https://other.example.com/tickets/T-1001', false],
  ])('matches(%s) is %s (the whole origin: single-page navigation is followed)', (url, expected) => {
    expect(createGenericAdapter(deskConfig()).matches(new URL(url))).toBe(expected);
  });

  it.each([
    ['the ticket URL', 'fixture-desk-ticket.html', TICKET_URL, { connector: 'fixture-desk', externalId: 'T-1001' }],
    ['a URL the pattern does not match', 'fixture-desk-ticket.html', new URL(`${ORIGIN}/tickets`), null],
    ['the list page', 'fixture-desk-list.html', new URL(`${ORIGIN}/tickets`), null],
    ['an id with characters no helpdesk id has', 'fixture-desk-ticket.html', new URL(`${ORIGIN}/tickets/%3Cimg%3E`), null],
  ])('conversationRef from the URL on %s', (_case, fixture, url, expected) => {
    expect(createGenericAdapter(deskConfig()).conversationRef(loadFixture(fixture), url)).toEqual(expected);
  });

  it.each([
    ['an attribute', { from: 'selector', selector: 'main.ticket-page', attribute: 'data-ticket-id' }, { connector: 'fixture-desk', externalId: 'T-1001' }],
    ['an element text (trimmed)', { from: 'selector', selector: '.ticket-ref', attribute: null }, { connector: 'fixture-desk', externalId: 'T-1001' }],
    ['a missing element', { from: 'selector', selector: '.no-such-thing', attribute: null }, null],
    ['a missing attribute', { from: 'selector', selector: 'main.ticket-page', attribute: 'data-nope' }, null],
    ['an empty text', { from: 'selector', selector: '.reply-box textarea', attribute: null }, null],
    ['a selector the engine refuses', { from: 'selector', selector: 'main[', attribute: null }, null],
  ] as const)('conversationRef from %s', (_case, conversationId, expected) => {
    const adapter = createGenericAdapter(deskConfig({ conversationId }));
    expect(adapter.conversationRef(loadFixture('fixture-desk-ticket.html'), TICKET_URL)).toEqual(expected);
  });

  it('observes the id attribute when the id comes from one', () => {
    expect(createGenericAdapter(deskConfig({ conversationId: { from: 'selector', selector: 'main', attribute: 'data-ticket-id' } })).observedAttributes).toEqual(['data-ticket-id']);
    expect(createGenericAdapter(deskConfig()).observedAttributes).toEqual([]);
  });

  it('places the banners first in the mount element, the Take Over button in the header, the reply banner at the composer', () => {
    const page = loadFixture('fixture-desk-ticket.html');
    const adapter = createGenericAdapter(deskConfig());
    expect(adapter.mountPoint(page)).toEqual({ anchor: page.querySelector('article.conversation'), append: 'first' });
    expect(adapter.headerSlot(page)).toBe(page.querySelector('#ticket-head'));
    expect(adapter.composer(page)).toBe(page.querySelector('.reply-box textarea'));
  });

  it.each([
    ['the list page', 'fixture-desk-list.html', {}],
    ['a selector the engine refuses', 'fixture-desk-ticket.html', { selectors: { threadHeader: '#ticket-head[', mount: '>>>', composer: ':nope(', sendButton: null } }],
  ])('finds no slots on %s (and does not throw)', (_case, fixture, overrides) => {
    const page = loadFixture(fixture);
    const adapter = createGenericAdapter(deskConfig(overrides as Partial<HelpdeskAdapterConfigInput>));
    expect([adapter.mountPoint(page), adapter.headerSlot(page), adapter.composer(page)]).toEqual([null, null, null]);
  });

  it('has no composer when none is configured', () => {
    const adapter = createGenericAdapter(deskConfig({ selectors: { threadHeader: '#ticket-head', mount: 'article.conversation', composer: null, sendButton: null } }));
    expect(adapter.composer(loadFixture('fixture-desk-ticket.html'))).toBeNull();
  });
});

describe('generic adapter: onAgentSend', () => {
  const teardowns: Array<() => void> = [];
  afterEach(() => teardowns.splice(0).forEach((stop) => stop()));

  function listen(overrides: Partial<HelpdeskAdapterConfigInput> = {}) {
    const page = showFixture('fixture-desk-ticket.html');
    let key = 0;
    const onSend = vi.fn();
    const stop = createGenericAdapter(deskConfig(overrides), () => `key-${++key}`).onAgentSend(page, onSend);
    teardowns.push(stop);
    const reply = page.querySelector<HTMLTextAreaElement>('.reply-box textarea')!;
    const send = page.querySelector<HTMLButtonElement>('button.reply-send')!;
    return { page, onSend, stop, reply, send };
  }

  it('reports a click on the send button with the composer text, the configured channel and a key per send', () => {
    const { onSend, reply, send } = listen();
    reply.value = '  We open at 9 tomorrow.\n';
    send.click();
    reply.value = 'See you then';
    send.click();
    expect(onSend.mock.calls).toEqual([
      [{ channel: 'email', body: 'We open at 9 tomorrow.', idempotencyKey: 'generic:7d1f5a52-0f7e-4f0e-9a57-0c5b5d7e1a01:key-1' }],
      [{ channel: 'email', body: 'See you then', idempotencyKey: 'generic:7d1f5a52-0f7e-4f0e-9a57-0c5b5d7e1a01:key-2' }],
    ]);
  });

  it('reads the text before the page clears the composer (capture phase)', () => {
    const { page, onSend, reply, send } = listen();
    page.querySelector('.reply-box')!.addEventListener('click', (event) => {
      event.stopPropagation();
      reply.value = '';
    });
    reply.value = 'Sent';
    send.click();
    expect(onSend).toHaveBeenCalledWith(expect.objectContaining({ body: 'Sent' }));
  });

  it('reads a contenteditable composer and a click on an element inside the button', () => {
    const { page, onSend, send } = listen({ selectors: { threadHeader: '#ticket-head', mount: 'article.conversation', composer: '.editor', sendButton: 'button.reply-send' } });
    const editor = page.createElement('div');
    editor.className = 'editor';
    editor.setAttribute('contenteditable', 'true');
    editor.textContent = 'Rich text reply';
    page.body.append(editor);
    const icon = page.createElement('span');
    send.append(icon);
    icon.click();
    expect(onSend).toHaveBeenCalledWith(expect.objectContaining({ body: 'Rich text reply' }));
  });

  it('reports a form submitted without the button (Enter), and a submit by the button only once', () => {
    const { page, onSend } = listen({ selectors: { threadHeader: '#ticket-head', mount: 'article.conversation', composer: 'form.reply-form input', sendButton: 'button.quick-send' } });
    const form = page.querySelector<HTMLFormElement>('form.reply-form')!;
    form.addEventListener('submit', (event) => event.preventDefault());
    (form.elements.namedItem('quick') as HTMLInputElement).value = 'By Enter';
    form.requestSubmit();
    (form.elements.namedItem('quick') as HTMLInputElement).value = 'By button';
    page.querySelector<HTMLButtonElement>('button.quick-send')!.click();
    expect(onSend.mock.calls.map(([send]) => send.body)).toEqual(['By Enter', 'By button']);
  });

  it.each([
    ['a blank composer', (reply: HTMLTextAreaElement, send: HTMLButtonElement, page: Document) => { reply.value = '  '; send.click(); void page; }],
    ['a click elsewhere', (reply: HTMLTextAreaElement, _send: HTMLButtonElement, page: Document) => { reply.value = 'Hello'; page.querySelector<HTMLElement>('.desk-nav')!.click(); }],
  ])('reports nothing for %s', (_case, act) => {
    const { page, onSend, reply, send } = listen();
    act(reply, send, page);
    expect(onSend).not.toHaveBeenCalled();
  });

  it('reports nothing without a send button in the configuration, and nothing after teardown', () => {
    const none = listen({ selectors: { threadHeader: '#ticket-head', mount: 'article.conversation', composer: '.reply-box textarea', sendButton: null } });
    none.reply.value = 'Hello';
    none.send.click();
    expect(none.onSend).not.toHaveBeenCalled();

    const stopped = listen();
    stopped.stop();
    stopped.reply.value = 'Hello';
    stopped.send.click();
    expect(stopped.onSend).not.toHaveBeenCalled();
  });
});
