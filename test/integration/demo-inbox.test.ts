// The demo helpdesk at /demo on MariaDB + Redis (issue 9): markup contract, customer messages through the
// signed inbound webhook, agent sends reported once, input validation, escaping, and 404 in production.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedTenant } from '../../backend/src/features/admin/tenants.service.js';
import { collectEvents } from '../support/event-collector.js';
import { startTestBackend, type TestBackend } from '../support/in-process-server.js';
import { createTestClient, type TestClient } from '../support/trpc-client.js';

let backend: TestBackend;
let acme: CreatedTenant;
let admin: TestClient;
let base: string;

interface ThreadJson {
  externalId: string;
  lead: { name: string; phone: string | null; email: string | null };
  messages: { id: string; author: 'customer' | 'ai' | 'agent'; authorName: string; channel: string; body: string; at: string }[];
}

beforeAll(async () => {
  backend = await startTestBackend('demoinbox', { dialect: 'mysql', redis: true });
  base = backend.server.url;
  acme = await backend.createTenant('acme');
  admin = createTestClient(base, acme.apiKey);
  await admin.agents.create.mutate({ email: 'dana@acme.test', name: 'Dana Smith' });
});

afterAll(() => backend?.stop());

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${base}/demo/api/acme/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function page(path: string) {
  const response = await fetch(`${base}${path}`, { redirect: 'manual' });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

const thread = async (externalId: string) => (await (await fetch(`${base}/demo/api/acme/threads/${externalId}`)).json()) as ThreadJson;

/** Polls the thread API until `done` holds (the AI reply leaves by its own jobs). */
async function threadWhen(externalId: string, done: (value: ThreadJson) => boolean): Promise<ThreadJson> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await thread(externalId);
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const authors = (value: ThreadJson) => value.messages.map((message) => message.author);

describe('the demo inbox pages', () => {
  it('redirects /demo to the seeded tenant and serves the list with the contract markup, a strict CSP and nothing of Baton', async () => {
    const redirect = await page('/demo?agent=dana@acme.test');
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('/demo/demo?agent=dana@acme.test');

    const list = await page('/demo/acme');
    expect(list.status).toBe(200);
    expect(list.headers.get('content-type')).toContain('text/html');
    expect(list.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(list.headers.get('content-security-policy')).toContain("default-src 'none'");
    for (const marker of ['id="hd-app"', 'class="hd-topbar"', 'class="hd-brand">Acme Helpdesk (demo)<', 'class="hd-signed-in"', 'class="hd-sidebar"', 'class="hd-conversation-list"', 'class="hd-new-customer"', 'class="hd-main"', 'class="hd-empty">Pick a conversation<']) {
      expect(list.text).toContain(marker);
    }
    expect(list.text).toContain('Signed in as <b>Admin acme</b>');
    expect(list.text).not.toContain('hd-thread');
    // A third-party page: no Baton markup or wording, and no inline script.
    expect(list.text).not.toMatch(/baton/i);
    expect([...list.text.matchAll(/<script\b[^>]*>/g)].every(([tag]) => / src="\/demo\/assets\/demo\.js"/.test(tag))).toBe(true);

    expect((await page('/demo/acme?agent=DANA@acme.test')).text).toContain('Signed in as <b>Dana Smith</b>');
    expect((await page('/demo/acme?agent=nobody@acme.test')).text).toContain('Signed in as <b>Admin acme</b>');
    expect((await page('/demo/nope')).status).toBe(404);
  });

  it('serves the client script and stylesheet as files; the script never parses text as HTML', async () => {
    const script = await page('/demo/assets/demo.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toContain('application/javascript');
    expect(script.text).toContain('textContent');
    expect(script.text).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/);
    const styles = await page('/demo/assets/demo.css');
    expect(styles.headers.get('content-type')).toContain('text/css');
    expect(styles.text).toContain('.hd-message--ai');
  });
});

describe('customer and agent messages', () => {
  let externalId: string;

  it('a new customer goes through the signed inbound webhook: message.received, then the AI answers through the normal pipeline', async () => {
    const collector = collectEvents(admin, { lastEventId: await admin.events.latestId.query() });
    await collector.started;
    const created = await post('customer-message', { name: 'Jane Doe', phone: '+1 555 0100', channel: 'sms', body: 'Can I move my appointment?' });
    expect(created).toEqual({ status: 200, body: { externalId: 'DEMO-1' } });
    externalId = created.body.externalId as string;
    const events = await collector.waitFor((seen) => seen.some((event) => event.type === 'message.received'));
    collector.stop();
    expect(events.find((event) => event.type === 'message.received')?.after).toMatchObject({ channel: 'sms', body: 'Can I move my appointment?' });
    const view = await admin.conversations.byExternalRef.query({ connector: 'demo', externalId });
    expect(view.id).toBeTruthy();

    const answered = await threadWhen(externalId, (value) => authors(value).includes('ai'));
    expect(answered.lead).toEqual({ name: 'Jane Doe', phone: '+1 555 0100', email: null });
    expect(authors(answered)).toEqual(['customer', 'ai']);
    expect(answered.messages.map((message) => message.authorName)).toEqual(['Customer', 'AI']);

    // The next new customer gets the next number; a customer writing in an existing thread stays in it.
    expect((await post('customer-message', { name: 'Sam Lee', email: 'sam@example.com', channel: 'email', body: 'Hello' })).body).toEqual({ externalId: 'DEMO-2' });
    expect((await post('customer-message', { externalId, channel: 'sms', body: 'Friday would be great' })).body).toEqual({ externalId });
    const again = await threadWhen(externalId, (value) => authors(value).length === 4);
    expect(authors(again)).toEqual(['customer', 'ai', 'customer', 'ai']);
    const list = (await (await fetch(`${base}/demo/api/acme/conversations`)).json()) as { conversations: { externalId: string; leadName: string; lastMessage: string }[] };
    expect(list.conversations.find((conversation) => conversation.externalId === externalId)).toMatchObject({ leadName: 'Jane Doe', lastMessage: again.messages[3]!.body });
    expect(list.conversations.map((conversation) => conversation.externalId).sort()).toEqual(['DEMO-1', 'DEMO-2']);
  });

  it('the thread page renders the thread contract', async () => {
    const { status, text } = await page(`/demo/acme/c/${externalId}`);
    expect(status).toBe(200);
    for (const marker of [
      `<section class="hd-thread" data-external-id="${externalId}"`,
      '<header class="hd-thread-header">',
      '<h1 class="hd-thread-title">Jane Doe</h1>',
      '<span class="hd-thread-meta">+1 555 0100 · SMS</span>',
      '<div class="hd-thread-tools"></div>',
      '<ol class="hd-messages">',
      'class="hd-message hd-message--customer"',
      'class="hd-message hd-message--ai"',
      '<span class="hd-message-author">AI</span>',
      '<select name="channel"',
      '<textarea name="body"',
      '<button type="submit" class="hd-send">Send</button>',
      '<form class="hd-customer-sim">',
      'Customer writes…',
      '>Send as customer</button>',
    ]) {
      expect(text).toContain(marker);
    }
    expect(text).toMatch(/<form class="hd-composer" data-draft-id="[0-9a-f-]{36}">/);
    expect(text).not.toContain('hd-empty');
    expect(text).not.toMatch(/baton/i);
    expect((await page('/demo/acme/c/DEMO-99')).status).toBe(404);
  });

  it('agent-message with reportToBaton records once (SMS takes the thread over); the same draft id again is a duplicate', async () => {
    const send = { externalId, agentEmail: 'dana@acme.test', channel: 'sms', body: 'Friday at 10 works.', draftId: '6f1c1f4e-0b43-4d0f-9d5e-2d4a0f3c9a11', reportToBaton: true };
    expect(await post('agent-message', send)).toEqual({ status: 200, body: { ok: true, report: 'accepted' } });
    expect(await post('agent-message', send)).toEqual({ status: 200, body: { ok: true, report: 'duplicate' } });
    const value = await thread(externalId);
    expect(value.messages.filter((message) => message.author === 'agent')).toEqual([expect.objectContaining({ authorName: 'Dana Smith', body: 'Friday at 10 works.', channel: 'sms' })]);
    expect(authors(value)).toEqual(['customer', 'ai', 'customer', 'ai', 'agent']);
    const view = await admin.conversations.byExternalRef.query({ connector: 'demo', externalId });
    expect(view.takeover).toMatchObject({ holder: { name: 'Dana Smith' } });
    const [row] = await backend.server.db.query('SELECT COUNT(*) AS n FROM messages WHERE external_message_id = ?', [`demo:${send.draftId}`]);
    expect(Number(row.n)).toBe(1);
  });

  it('agent-message without reportToBaton records nothing (only the extension would report it)', async () => {
    const before = (await thread(externalId)).messages.length;
    const draftId = '0d7e8a52-3b7c-4d34-8a4e-8a8f7f2b6c01';
    const sent = await post('agent-message', { externalId, agentEmail: 'dana@acme.test', channel: 'sms', body: 'Not reported', draftId, reportToBaton: false });
    expect(sent).toEqual({ status: 200, body: { ok: true, report: 'skipped' } });
    expect((await thread(externalId)).messages.length).toBe(before);
    const [row] = await backend.server.db.query('SELECT COUNT(*) AS n FROM messages WHERE external_message_id = ?', [`demo:${draftId}`]);
    expect(Number(row.n)).toBe(0);
  });

  it('text from customers comes back as text and is escaped in the server-rendered HTML', async () => {
    const attack = '<img src=x onerror=alert(1)>';
    const { body } = await post('customer-message', { name: '<script>alert(1)</script>', phone: '+1 555 0199', channel: 'sms', body: attack });
    const id = body.externalId as string;
    const value = await thread(id);
    expect(value.lead.name).toBe('<script>alert(1)</script>');
    expect(value.messages[0]).toMatchObject({ author: 'customer', body: attack });
    const { text } = await page(`/demo/acme/c/${id}`);
    expect(text).toContain('<div class="hd-message-body">&lt;img src=x onerror=alert(1)&gt;</div>');
    expect(text).toContain('<h1 class="hd-thread-title">&lt;script&gt;alert(1)&lt;/script&gt;</h1>');
    expect(text).not.toContain('<img src=x');
    expect(text).not.toContain('<script>alert(1)');
  });
});

describe('bad input', () => {
  it.each([
    ['customer-message', { channel: 'fax', body: 'hi' }, 'channel'],
    ['customer-message', { channel: 'sms', body: '   ' }, 'body'],
    ['customer-message', { channel: 'sms', body: 'hi', email: 'not-an-email' }, 'email'],
    ['customer-message', { channel: 'sms', body: 'hi', externalId: 'DEMO 1' }, 'externalId'],
    ['customer-message', { channel: 'sms', body: 'x'.repeat(20_001) }, 'body'],
    ['agent-message', { externalId: 'DEMO-1', agentEmail: 'dana@acme.test', channel: 'sms', body: 'hi', reportToBaton: true }, 'draftId'],
    ['agent-message', { externalId: 'DEMO-1', agentEmail: 'dana', channel: 'sms', body: 'hi', draftId: 'd1', reportToBaton: true }, 'agentEmail'],
    ['agent-message', { externalId: 'DEMO-1', agentEmail: 'dana@acme.test', channel: 'sms', body: 'hi', draftId: 'd1', reportToBaton: 'yes' }, 'reportToBaton'],
    ['agent-message', { externalId: 'DEMO-1', agentEmail: 'dana@acme.test', channel: 'sms', body: 'hi', draftId: 'no spaces', reportToBaton: true }, 'draftId'],
  ])('%s %j → 400 naming %s', async (path, input, field) => {
    const { status, body } = await post(path, input);
    expect(status).toBe(400);
    expect(body.field).toBe(field);
    expect(body.error).toContain(`${field}: `);
  });

  it('unknown agent or thread → 404 naming the field; wrong content type, oversized and cross-site bodies are refused', async () => {
    const send = { externalId: 'DEMO-1', agentEmail: 'dana@acme.test', channel: 'sms', body: 'hi', draftId: 'd2', reportToBaton: true };
    expect(await post('agent-message', { ...send, agentEmail: 'ghost@acme.test' })).toMatchObject({ status: 404, body: { field: 'agentEmail' } });
    expect(await post('agent-message', { ...send, externalId: 'DEMO-404' })).toMatchObject({ status: 404, body: { field: 'externalId' } });
    expect(await post('agent-message', { ...send, externalId: 'DEMO-404', reportToBaton: false })).toMatchObject({ status: 404, body: { field: 'externalId' } });
    const plain = await fetch(`${base}/demo/api/acme/agent-message`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify(send) });
    expect(plain.status).toBe(415);
    const huge = await post('customer-message', { channel: 'sms', body: 'x'.repeat(70_000) });
    expect(huge.status).toBe(413);
    expect(await post('agent-message', send, { origin: 'http://evil.example' })).toMatchObject({ status: 403 });
    expect((await fetch(`${base}/demo/api/nope/conversations`)).status).toBe(404);
    expect((await fetch(`${base}/demo/api/acme/threads/DEMO%201`)).status).toBe(400);
  });
});

describe('in production', () => {
  let production: TestBackend;
  beforeAll(async () => {
    production = await startTestBackend('demoprod', { dialect: 'sqlite', env: { BATON_ENV: 'production' } });
    await production.createTenant('demo');
  });
  afterAll(() => production?.stop());

  it.each(['/demo', '/demo/demo', '/demo/demo/c/DEMO-1', '/demo/assets/demo.js', '/demo/api/demo/conversations'])('GET %s → 404', async (path) => {
    expect((await fetch(`${production.server.url}${path}`, { redirect: 'manual' })).status).toBe(404);
  });

  it('POST customer-message → 404', async () => {
    const response = await fetch(`${production.server.url}/demo/api/demo/customer-message`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ channel: 'sms', body: 'hi' }) });
    expect(response.status).toBe(404);
  });
});
