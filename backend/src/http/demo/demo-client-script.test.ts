// The demo helpdesk's browser script in jsdom against a fake JSON API: live re-rendering as text,
// the composer's report and draft ids, single-page navigation and the new-customer form.
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_CLIENT_SCRIPT } from './demo-client-script.js';
import type { DemoThread } from './demo-inbox-queries.js';
import { renderDemoPage } from './demo-page.js';

/** The little of jsdom's API used here (the package ships no type declarations). */
interface JSDOM {
  window: Window & typeof globalThis & { eval(source: string): unknown; close(): void };
}
const { JSDOM } = createRequire(import.meta.url)('jsdom') as { JSDOM: new (html: string, options: { url: string; runScripts: 'outside-only' }) => JSDOM };

const AT = '2025-01-06T14:00:00.000Z';
const ATTACK = '<img src=x onerror=alert(1)>';

function threadOf(externalId: string, name: string, bodies: string[]): DemoThread {
  return {
    externalId,
    lead: { name, phone: '+1 555 0100', email: null },
    channel: 'sms',
    messages: bodies.map((body, index) => ({ id: `${externalId}-m${index}`, author: index % 2 ? 'ai' : 'customer', authorName: index % 2 ? 'AI' : 'Customer', channel: 'sms', body, at: AT })),
  };
}

interface Request {
  method: string;
  path: string;
  body: Record<string, unknown> | null;
}

let dom: JSDOM | null = null;
afterEach(() => {
  dom?.window.close();
  dom = null;
});

/** Loads the server-rendered page at `url` in jsdom, with `threads` behind a fake /demo/api/acme. */
function open(url: string, threads: Record<string, DemoThread>, rememberedAgent?: string) {
  const requests: Request[] = [];
  const conversations = () => Object.values(threads).map((thread) => ({ externalId: thread.externalId, leadName: thread.lead.name, lastMessage: thread.messages.at(-1)?.body ?? '', updatedAt: AT }));
  const openId = /\/c\/([^/?]+)/.exec(url)?.[1] ?? null;
  const html = renderDemoPage({
    tenantSlug: 'acme',
    agent: { email: 'dana@acme.test', name: 'Dana Smith', role: 'agent' },
    conversations: conversations(),
    openExternalId: openId,
    thread: openId ? threads[openId]! : null,
    draftId: '00000000-0000-4000-8000-000000000001',
  });
  dom = new JSDOM(html, { url, runScripts: 'outside-only' });
  const window = dom.window;
  if (rememberedAgent) window.localStorage.setItem('hd-agent:acme', rememberedAgent);
  const reply = (status: number, json: unknown) => Promise.resolve({ ok: status < 400, status, json: () => Promise.resolve(json) });
  (window as unknown as { fetch: unknown }).fetch = (input: string, init: { method?: string; body?: string } = {}) => {
    const path = input.replace('/demo/api/acme/', '');
    const request = { method: init.method ?? 'GET', path, body: init.body ? (JSON.parse(init.body) as Record<string, unknown>) : null };
    requests.push(request);
    if (path === 'conversations') return reply(200, { conversations: conversations() });
    if (path.startsWith('threads/')) {
      const thread = threads[decodeURIComponent(path.slice('threads/'.length))];
      return thread ? reply(200, thread) : reply(404, { error: 'No conversation', field: 'externalId' });
    }
    if (path === 'agents') return reply(200, { agents: [{ email: 'dana@acme.test', name: 'Dana Smith', role: 'agent' }, { email: 'sam@acme.test', name: 'Sam Okafor', role: 'agent' }] });
    if (path === 'agent-message') return reply(200, { ok: true, report: 'accepted' });
    if (path === 'customer-message') {
      const externalId = (request.body?.externalId as string | undefined) ?? 'DEMO-3';
      threads[externalId] ??= threadOf(externalId, String(request.body?.name), [String(request.body?.body)]);
      return reply(200, { externalId });
    }
    return reply(404, { error: 'unknown' });
  };
  window.eval(DEMO_CLIENT_SCRIPT);
  return { window, document: window.document, requests };
}

async function until<T>(read: () => T | null | undefined | false): Promise<T> {
  const deadline = Date.now() + 3000;
  for (;;) {
    const value = read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const messageBodies = (document: Document) => [...document.querySelectorAll('.hd-messages .hd-message-body')].map((node) => node.textContent);

describe('the demo helpdesk script', () => {
  it('re-renders the thread from the API, as text', async () => {
    const threads = { 'DEMO-1': threadOf('DEMO-1', 'Jane Doe', ['Hello']) };
    const { document } = open('http://127.0.0.1:8787/demo/acme/c/DEMO-1', threads);
    threads['DEMO-1'] = threadOf('DEMO-1', 'Jane Doe', ['Hello', 'Hi! How can I help?', ATTACK]);
    await until(() => document.querySelectorAll('.hd-messages .hd-message').length === 3);
    expect(messageBodies(document)).toEqual(['Hello', 'Hi! How can I help?', ATTACK]);
    expect(document.querySelector('.hd-messages img')).toBeNull();
    expect([...document.querySelectorAll('.hd-messages .hd-message')].map((node) => node.className)).toEqual(['hd-message hd-message--customer', 'hd-message hd-message--ai', 'hd-message hd-message--customer']);
    expect(document.querySelector('.hd-message--ai .hd-message-author')?.textContent).toBe('AI');
  });

  it.each([
    ['', true],
    ['?connectorReports=off', false],
  ])('the composer posts agent-message (query %j → reportToBaton %s) and takes a fresh draft id after the send', async (query, reportToBaton) => {
    const { document, requests, window } = open(`http://127.0.0.1:8787/demo/acme/c/DEMO-1${query}`, { 'DEMO-1': threadOf('DEMO-1', 'Jane Doe', ['Hello']) });
    const composer = document.querySelector<HTMLFormElement>('form.hd-composer')!;
    const draftId = composer.dataset.draftId;
    composer.querySelector('textarea')!.value = '  See you Friday  ';
    composer.requestSubmit();
    const sent = await until(() => requests.find((request) => request.path === 'agent-message'));
    expect(sent.body).toEqual({ externalId: 'DEMO-1', agentEmail: 'dana@acme.test', channel: 'sms', body: 'See you Friday', draftId, reportToBaton });
    await until(() => composer.dataset.draftId !== draftId);
    expect(composer.dataset.draftId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(composer.querySelector('textarea')!.value).toBe('');
    expect(window.location.search).toBe(query);
  });

  it('follows single-page navigation: a list click pushes the thread URL and swaps the thread; Back returns', async () => {
    const threads = { 'DEMO-1': threadOf('DEMO-1', 'Jane Doe', ['Hello']), 'DEMO-2': threadOf('DEMO-2', 'Sam Lee', ['Refund please', ATTACK]) };
    const { document, window } = open('http://127.0.0.1:8787/demo/acme/c/DEMO-1?agent=dana@acme.test', threads);
    document.querySelector<HTMLAnchorElement>('a[data-external-id="DEMO-2"]')!.click();
    await until(() => document.querySelector('section.hd-thread[data-external-id="DEMO-2"]'));
    expect(window.location.pathname + window.location.search).toBe('/demo/acme/c/DEMO-2?agent=dana@acme.test');
    for (const selector of ['header.hd-thread-header h1.hd-thread-title', '.hd-thread-header .hd-thread-meta', '.hd-thread-header .hd-thread-tools', 'ol.hd-messages', 'form.hd-composer[data-draft-id] select[name="channel"]', 'form.hd-composer textarea[name="body"]', 'form.hd-composer button.hd-send', 'form.hd-customer-sim textarea[name="body"]']) {
      expect(document.querySelector(selector), selector).not.toBeNull();
    }
    expect(document.querySelector('.hd-thread-title')!.textContent).toBe('Sam Lee');
    expect(messageBodies(document)).toEqual(['Refund please', ATTACK]);
    expect(document.querySelector('.hd-conversation-item.is-active a')?.getAttribute('data-external-id')).toBe('DEMO-2');
    expect(document.querySelectorAll('section.hd-thread')).toHaveLength(1);

    window.history.back();
    await until(() => document.querySelector('section.hd-thread[data-external-id="DEMO-1"]'));
    expect(window.location.pathname).toBe('/demo/acme/c/DEMO-1');
  });

  it('the simulator writes as the customer in the open thread; a new customer opens their new thread', async () => {
    const { document, requests, window } = open('http://127.0.0.1:8787/demo/acme/c/DEMO-1', { 'DEMO-1': threadOf('DEMO-1', 'Jane Doe', ['Hello']) });
    const simulator = document.querySelector<HTMLFormElement>('form.hd-customer-sim')!;
    simulator.querySelector('textarea')!.value = 'Are you there?';
    simulator.requestSubmit();
    expect((await until(() => requests.find((request) => request.path === 'customer-message'))).body).toEqual({ externalId: 'DEMO-1', channel: 'sms', body: 'Are you there?' });

    const form = document.querySelector<HTMLFormElement>('form.hd-new-customer')!;
    (form.elements.namedItem('name') as HTMLInputElement).value = 'Priya Raman';
    (form.elements.namedItem('phone') as HTMLInputElement).value = '+1 555 0142';
    (form.elements.namedItem('body') as HTMLTextAreaElement).value = 'My order arrived damaged';
    form.requestSubmit();
    await until(() => document.querySelector('section.hd-thread[data-external-id="DEMO-3"]'));
    expect(requests.filter((request) => request.path === 'customer-message')[1]!.body).toEqual({ name: 'Priya Raman', phone: '+1 555 0142', channel: 'sms', body: 'My order arrived damaged' });
    expect(window.location.pathname).toBe('/demo/acme/c/DEMO-3');
    await until(() => document.querySelector('a[data-external-id="DEMO-3"]'));
  });

  it('on the list page shows the empty state and opens a thread without a reload', async () => {
    const { document } = open('http://127.0.0.1:8787/demo/acme', { 'DEMO-1': threadOf('DEMO-1', 'Jane Doe', ['Hello']) });
    expect(document.querySelector('.hd-empty')?.textContent).toBe('Pick a conversation');
    document.querySelector<HTMLAnchorElement>('a[data-external-id="DEMO-1"]')!.click();
    await until(() => document.querySelector('section.hd-thread[data-external-id="DEMO-1"]'));
    expect(document.querySelector('.hd-empty')).toBeNull();
  });

  it('?agent= is remembered per tenant; without it the remembered agent is signed in and sends as them', async () => {
    const first = open('http://127.0.0.1:8787/demo/acme?agent=dana@acme.test', {});
    expect(first.window.localStorage.getItem('hd-agent:acme')).toBe('dana@acme.test');
    const { document, requests } = open('http://127.0.0.1:8787/demo/acme/c/DEMO-1', { 'DEMO-1': threadOf('DEMO-1', 'Jane Doe', ['Hello']) }, 'sam@acme.test');
    await until(() => document.querySelector('.hd-signed-in b')?.textContent === 'Sam Okafor');
    const composer = document.querySelector<HTMLFormElement>('form.hd-composer')!;
    composer.querySelector('textarea')!.value = 'Hi';
    composer.requestSubmit();
    expect((await until(() => requests.find((request) => request.path === 'agent-message'))).body).toMatchObject({ agentEmail: 'sam@acme.test' });
  });
});
