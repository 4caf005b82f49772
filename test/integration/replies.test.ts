// AI replies, cadence, the scheduled-reply banner's actions, manual messages and the safety rail,
// through the HTTP API on MariaDB + Redis + Agenda (SPEC §2.2, §3, §4).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScheduledReplyEntity } from '../../backend/src/db/entities/conversation.entities.js';
import { postSignedWebhook } from '../support/signed-webhook.js';
import { refs } from '../../backend/src/features/replies/replies.jobs.js';
import type { CreatedTenant } from '../../backend/src/features/admin/tenants.service.js';
import { startTestBackend, type TestBackend } from '../support/in-process-server.js';
import { createServices } from '../../backend/src/features/index.js';
import { outboxConnector } from '../../backend/src/connectors/outbox.connector.js';
import { ruleBasedResponder } from '../../backend/src/ai/rule-based-responder.js';
import type { Connector } from '../../backend/src/connectors/connector.js';
import type { Principal } from '../../backend/src/auth/principal.js';
import { createTestClient, expectTrpcError, type TestClient } from '../support/trpc-client.js';
import { storedTimeline } from './stored-timeline.js';
import { updateSettings } from '../support/settings.js';

let backend: TestBackend;
let acme: CreatedTenant;
let admin: TestClient;
let sam: TestClient;
let samId: string;

beforeAll(async () => {
  backend = await startTestBackend('replies', { dialect: 'mysql', redis: true });
  acme = await backend.createTenant('acme');
  admin = createTestClient(backend.server.url, acme.apiKey);
  const agent = await admin.agents.create.mutate({ email: 'sam@acme.test', name: 'Sam' });
  samId = agent.id;
  sam = createTestClient(backend.server.url, (await admin.apiKeys.create.mutate({ name: 'sam', role: 'agent', agentId: agent.id })).key);
});

afterAll(() => backend?.stop());

const setCadence = (enabled: boolean, minDelaySeconds = 30, maxDelaySeconds = 120) => updateSettings(admin, { replyCadence: { enabled, minDelaySeconds, maxDelaySeconds } });

async function customerWrites(thread: string, body = 'What are your opening hours?', channel: 'sms' | 'email' = 'sms') {
  const response = await postSignedWebhook(backend.server.url, '/webhooks/inbound', acme.webhookSecret, {
    tenant: 'acme', connector: 'sms-gateway', externalConversationId: thread, externalMessageId: randomUUID(), lead: { phone: '+15550111', email: 'cus@example.test' }, channel, body,
  });
  expect(response.status).toBe(202);
  return response.body as { conversationId: string; messageId: string };
}

async function waitFor<T>(probe: () => Promise<T>, accept: (value: T) => boolean, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const timeline = (id: string) => storedTimeline(backend.server.db, id);
const messagesOf = async (id: string) => (await timeline(id)).messages.map((message) => `${message.author}: ${message.body}`);
const repliesTo = (messageId: string) => backend.server.db.getRepository(ScheduledReplyEntity).findBy({ inReplyToMessageId: messageId });
const pendingReply = (conversationId: string) => waitFor(() => sam.replies.pending.query({ conversationId }), (replies) => replies.length === 1, 'a pending reply').then((replies) => replies[0]!);

describe('AI replies', () => {
  it('with cadence off, answers a customer message at once', async () => {
    await setCadence(false);
    const { conversationId } = await customerWrites(`t-${randomUUID()}`);
    const messages = await waitFor(() => messagesOf(conversationId), (list) => list.length === 2, 'the AI reply');
    expect(messages).toEqual(['customer: What are your opening hours?', 'ai: We are open Monday to Friday, 9 AM to 5 PM. How else can I help?']);
  });

  it('with cadence on, holds the reply for a delay drawn within [min, max] and then sends it by its job', async () => {
    await setCadence(true, 2, 3);
    const { conversationId } = await customerWrites(`t-${randomUUID()}`);
    const reply = await pendingReply(conversationId);
    const events = (await timeline(conversationId)).events;
    const scheduledAt = Date.parse(events.find((event) => event.type === 'reply.scheduled')!.at);
    const delayMs = Date.parse(reply.dueAt) - scheduledAt;
    expect(delayMs).toBeGreaterThanOrEqual(2000);
    expect(delayMs).toBeLessThanOrEqual(3000);
    expect((await sam.conversations.get.query({ id: conversationId })).pendingReply).toMatchObject({ id: reply.id, dueAt: reply.dueAt });
    await waitFor(() => messagesOf(conversationId), (list) => list.length === 2, 'the held reply to go out', 15_000);
    const sent = (await timeline(conversationId)).events.find((event) => event.type === 'reply.sent')!;
    expect(Date.parse(sent.at)).toBeGreaterThanOrEqual(Date.parse(reply.dueAt));
  });

  it('a customer writing in several quick parts gets one reply', async () => {
    await setCadence(true, 2, 2);
    const thread = `t-${randomUUID()}`;
    const first = await customerWrites(thread, 'Hi');
    await pendingReply(first.conversationId);
    await customerWrites(thread, 'I have a question');
    const last = await customerWrites(thread, 'about my order');
    await waitFor(() => messagesOf(last.conversationId), (list) => list.filter((line) => line.startsWith('ai:')).length === 1 && list.length === 4, 'one reply', 15_000);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const messages = await messagesOf(last.conversationId);
    expect(messages.filter((line) => line.startsWith('ai:'))).toEqual(['ai: Thanks for reaching out about your order. Could you share your order number so I can check on it?']);
    expect((await repliesTo(first.messageId))[0]!.status).toBe('superseded');
  });
});

describe('the scheduled-reply banner', () => {
  beforeAll(() => setCadence(true, 600, 600));

  it('Send Now sends at once, exactly once', async () => {
    const { conversationId } = await customerWrites(`t-${randomUUID()}`);
    const reply = await pendingReply(conversationId);
    expect(await sam.replies.sendNow.mutate({ id: reply.id })).toMatchObject({ status: 'sent' });
    expect(await expectTrpcError(sam.replies.sendNow.mutate({ id: reply.id }))).toMatchObject({ code: 'CONFLICT', message: 'This reply was already sent' });
    expect((await messagesOf(conversationId)).filter((line) => line.startsWith('ai:'))).toHaveLength(1);
    expect(Number((await backend.server.db.query('SELECT COUNT(*) AS n FROM jobs WHERE ref_key IN (?, ?)', [refs.reply(reply.id), refs.replyDelivery(reply.id)]))[0].n)).toBe(0);
  });

  it('Edit & Send sends the edited text and records the editing agent; bad bodies change nothing', async () => {
    const { conversationId } = await customerWrites(`t-${randomUUID()}`);
    const reply = await pendingReply(conversationId);
    expect(await expectTrpcError(sam.replies.editAndSend.mutate({ id: reply.id, body: '   ' }))).toMatchObject({ code: 'BAD_REQUEST', field: 'body' });
    expect(await expectTrpcError(sam.replies.editAndSend.mutate({ id: reply.id, body: 'x'.repeat(1601) }))).toMatchObject({ code: 'BAD_REQUEST', field: 'body' });
    expect((await sam.replies.pending.query({ conversationId }))[0]).toMatchObject({ id: reply.id, body: reply.body });
    const sent = await sam.replies.editAndSend.mutate({ id: reply.id, body: '  We open at 9 tomorrow.  ' });
    expect(sent).toMatchObject({ status: 'sent', body: 'We open at 9 tomorrow.', editedByAgentId: samId });
    const last = (await timeline(conversationId)).messages.at(-1)!;
    expect(last).toMatchObject({ author: 'agent', agentId: samId, body: 'We open at 9 tomorrow.' });
  });

  it('Cancel means never sent', async () => {
    const { conversationId } = await customerWrites(`t-${randomUUID()}`);
    const reply = await pendingReply(conversationId);
    expect(await sam.replies.cancel.mutate({ id: reply.id })).toMatchObject({ status: 'cancelled', endReason: 'agent' });
    expect(await expectTrpcError(sam.replies.sendNow.mutate({ id: reply.id }))).toMatchObject({ code: 'CONFLICT', message: 'This reply was cancelled by an agent' });
    expect((await messagesOf(conversationId)).filter((line) => line.startsWith('ai:'))).toEqual([]);
  });
});

describe('takeover and the safety rail', () => {
  beforeAll(() => setCadence(false));

  it('generates no AI reply while taken over; other conversations keep going; release sends nothing; the next customer message is answered', async () => {
    const thread = `t-${randomUUID()}`;
    const first = await customerWrites(thread, 'hello');
    await waitFor(() => messagesOf(first.conversationId), (list) => list.length === 2, 'the first AI reply');
    await sam.conversations.takeOver.mutate({ id: first.conversationId });
    const whileHeld = await customerWrites(thread, 'are you there?');
    const other = await customerWrites(`t-${randomUUID()}`, 'hours?');
    await waitFor(() => messagesOf(other.conversationId), (list) => list.length === 2, 'the other conversation to be answered');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await repliesTo(whileHeld.messageId)).toEqual([]);
    expect(await messagesOf(first.conversationId)).toHaveLength(3);

    await sam.conversations.release.mutate({ id: first.conversationId });
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(await messagesOf(first.conversationId)).toHaveLength(3);
    await customerWrites(thread, 'still need the hours');
    const messages = await waitFor(() => messagesOf(first.conversationId), (list) => list.length === 5, 'the AI to answer the next message');
    expect(messages.at(-1)).toMatch(/^ai: We are open/);
  });

  it('never answers a customer message older than the last takeover or release, even from a draft already under way', async () => {
    const thread = `t-${randomUUID()}`;
    const first = await customerWrites(thread, 'hello');
    await waitFor(() => messagesOf(first.conversationId), (list) => list.length === 2, 'the first AI reply');
    await sam.conversations.takeOver.mutate({ id: first.conversationId });
    const whileHeld = await customerWrites(thread, 'anyone?');
    await sam.conversations.release.mutate({ id: first.conversationId });
    // A draft of the message that arrived while a human held the conversation, finishing after the release.
    const late = await backend.server.services.drafting.draftReply({ dueAt: new Date().toISOString(), ref: 'test', tenantId: acme.tenant.id, conversationId: first.conversationId, messageId: whileHeld.messageId });
    expect(late).toBeNull();
    expect(await repliesTo(whileHeld.messageId)).toEqual([]);
  });

  it('a manual SMS takes over before it is delivered; a manual email does not unless autoTakeoverOnEmail', async () => {
    await setCadence(true, 600, 600);
    const { conversationId } = await customerWrites(`t-${randomUUID()}`);
    const reply = await pendingReply(conversationId);
    const result = await sam.messages.sendManual.mutate({ conversationId, channel: 'sms', body: 'Hi, Sam here.' });
    if (result.status !== 'accepted') throw new Error('expected the message to be accepted');
    expect(result.autoTakeover).toBe(true);
    const events = (await timeline(conversationId)).events;
    const takeover = events.find((event) => event.type === 'takeover.started')!;
    const delivered = events.find((event) => event.type === 'message.sent' && event.after?.messageId === result.messageId)!;
    expect(takeover.after).toMatchObject({ heldByAgentId: samId, source: 'auto_sms' });
    expect(BigInt(takeover.id) < BigInt(delivered.id)).toBe(true);
    expect((await backend.server.db.getRepository(ScheduledReplyEntity).findOneByOrFail({ id: reply.id })).status).toBe('cancelled');
    // Delivered after the commit, right away (the outbox connector), and its deliver job removed with the acknowledgement.
    expect((await timeline(conversationId)).messages.find((message) => message.id === result.messageId)).toMatchObject({ author: 'agent', deliveryStatus: 'delivered' });
    expect(Number((await backend.server.db.query('SELECT COUNT(*) AS n FROM jobs WHERE ref_key = ?', [refs.messageDelivery(result.messageId)]))[0].n)).toBe(0);

    const emailThread = await customerWrites(`t-${randomUUID()}`, 'hi by email', 'email');
    const emailResult = await sam.messages.sendManual.mutate({ conversationId: emailThread.conversationId, channel: 'email', body: 'Hello from Sam' });
    expect(emailResult).toMatchObject({ status: 'accepted', autoTakeover: false });
    expect((await sam.conversations.get.query({ id: emailThread.conversationId })).takeover).toBeNull();
    await updateSettings(admin, { autoTakeoverOnEmail: true });
    try {
      expect(await sam.messages.sendManual.mutate({ conversationId: emailThread.conversationId, channel: 'email', body: 'And again' })).toMatchObject({ autoTakeover: true });
      expect((await sam.conversations.get.query({ id: emailThread.conversationId })).takeover).toMatchObject({ source: 'auto_email' });
    } finally {
      await updateSettings(admin, { autoTakeoverOnEmail: false });
    }
  });

  it('no AI reply on top of a human: a reply held when an agent answers is cancelled at send time', async () => {
    await setCadence(true, 2, 2);
    const { conversationId, messageId } = await customerWrites(`t-${randomUUID()}`, 'hi', 'email');
    const reply = await pendingReply(conversationId);
    // An agent answers by email in the helpdesk (no takeover for email by default).
    await sam.messages.recordAgentReply.mutate({ conversationId, channel: 'email', body: 'Answered by hand', externalMessageId: `hd-${randomUUID()}` });
    const ended = await waitFor(() => repliesTo(messageId), (rows) => rows[0]?.status !== 'pending', 'the held reply to be checked', 15_000);
    expect(ended[0]).toMatchObject({ id: reply.id, status: 'cancelled', endReason: 'human_replied' });
    expect((await messagesOf(conversationId)).filter((line) => line.startsWith('ai:'))).toEqual([]);
  });

  it('records a helpdesk agent reply once per external id', async () => {
    await setCadence(false);
    const { conversationId } = await customerWrites(`t-${randomUUID()}`, 'hello', 'email');
    const externalMessageId = `hd-${randomUUID()}`;
    const first = await sam.messages.recordAgentReply.mutate({ conversationId, channel: 'email', body: 'Hi!', externalMessageId });
    const again = await sam.messages.recordAgentReply.mutate({ conversationId, channel: 'email', body: 'Hi!', externalMessageId });
    expect(again).toEqual({ status: 'duplicate', messageId: first.messageId, autoTakeover: false, resolvedEscalationId: null });
    expect(await expectTrpcError(sam.messages.sendManual.mutate({ conversationId: randomUUID(), channel: 'sms', body: 'x' }))).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('POST /webhooks/agent-reply records the reply through the same command: an SMS takes over for that agent', async () => {
    await setCadence(false);
    const thread = `t-${randomUUID()}`;
    const { conversationId } = await customerWrites(thread, 'hello');
    // The AI answers at once (cadence off); the agent writes after it, so the agent's message is the last.
    await waitFor(() => messagesOf(conversationId), (list) => list.length === 2, 'the AI reply');
    const post = (body: Record<string, unknown>, secret = acme.webhookSecret) =>
      postSignedWebhook(backend.server.url, '/webhooks/agent-reply', secret, {
        tenant: 'acme', connector: 'sms-gateway', externalConversationId: thread, channel: 'sms', body: 'Sam here, by phone app', externalMessageId: `gw-${randomUUID()}`, agentEmail: 'sam@acme.test', ...body,
      });
    expect((await post({}, 'whsec_wrong')).status).toBe(401);
    expect(await post({ agentEmail: 'nobody@acme.test' })).toMatchObject({ status: 404, body: { field: 'agentEmail' } });
    expect(await post({})).toMatchObject({ status: 202, body: { status: 'accepted', autoTakeover: true } });
    const view = await sam.conversations.get.query({ id: conversationId });
    expect(view.takeover).toMatchObject({ holder: { agentId: samId }, source: 'auto_sms' });
    expect((await messagesOf(conversationId)).at(-1)).toBe('agent: Sam here, by phone app');
  });
});

describe('delivery failures', () => {
  /** Services wired to a gateway that fails the first `failures` deliveries. */
  function servicesWithFlakyGateway(failures: number, maxAttempts: number) {
    let calls = 0;
    const connector: Connector = {
      name: 'flaky',
      timeoutMs: 0,
      async deliver(message) {
        calls += 1;
        if (calls <= failures) throw new Error(`gateway timeout (call ${calls})`);
        return outboxConnector.deliver(message);
      },
    };
    const { infra } = backend.server.services;
    return createServices(infra, { batonEnv: 'development', jwt: { issuer: null, audience: null, jwksUrl: null, groupsClaim: 'cognito:groups' } }, backend.server.jobs, {
      connector,
      drafter: ruleBasedResponder,
      delivery: { maxAttempts, retryDelayMs: () => 300 },
    });
  }
  const samPrincipal = (): Principal => ({ tenantId: acme.tenant.id, tenantSlug: 'acme', via: 'api_key', agentId: samId, apiKeyId: null, role: 'agent', groups: [], displayName: 'Sam', actor: `agent:${samId}` });

  it('retries a failed delivery with backoff (by its deliver job) and sends it once; past the cut-off it stays sending, shown on the banner', async () => {
    await setCadence(true, 600, 600);
    const { conversationId } = await customerWrites(`t-${randomUUID()}`);
    const reply = await pendingReply(conversationId);
    const flaky = servicesWithFlakyGateway(1, 3);
    const afterFailure = await flaky.replies.sendNow(samPrincipal(), reply.id);
    // Issue 11: the Send Now committed the cut-off; the failed attempt leaves it `sending` (no longer `pending`).
    expect(afterFailure).toMatchObject({ status: 'sending', attempts: 1, lastError: 'gateway timeout (call 1)' });
    const view = await sam.conversations.get.query({ id: conversationId });
    expect(view.pendingReply).toBeNull();
    expect(view.replyInFlight).toMatchObject({ id: reply.id, status: 'sending', attempts: 1, lastError: 'gateway timeout (call 1)' });
    // The re-armed deliver job (run by the backend's own engine, 300 ms later) delivers it.
    const messages = await waitFor(() => messagesOf(conversationId), (list) => list.length === 2, 'the retried delivery');
    expect(messages.filter((line) => line.startsWith('ai:'))).toHaveLength(1);
    const events = (await timeline(conversationId)).events;
    const retry = events.find((event) => event.type === 'reply.retry_scheduled')!;
    expect(retry.after).toMatchObject({ replyId: reply.id, status: 'sending', attempts: 1, error: 'gateway timeout (call 1)' });
    expect(Date.parse(String(retry.after?.retryAt)) - Date.parse(retry.at)).toBe(300);
    expect(events.map((event) => event.type).filter((type) => type === 'reply.sent')).toHaveLength(1);
    expect(await backend.server.db.getRepository(ScheduledReplyEntity).findOneByOrFail({ id: reply.id })).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
  });

  it('marks the reply failed after the last attempt and shows it on the banner; nothing is dropped silently', async () => {
    await setCadence(true, 600, 600);
    const { conversationId } = await customerWrites(`t-${randomUUID()}`);
    const reply = await pendingReply(conversationId);
    const failed = await servicesWithFlakyGateway(5, 1).replies.sendNow(samPrincipal(), reply.id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, lastError: 'gateway timeout (call 1)' });
    const view = await sam.conversations.get.query({ id: conversationId });
    expect(view.pendingReply).toBeNull();
    expect(view.failedReply).toMatchObject({ id: reply.id, error: 'gateway timeout (call 1)' });
    expect((await timeline(conversationId)).events.map((event) => event.type)).toContain('reply.failed');
    expect((await messagesOf(conversationId)).filter((line) => line.startsWith('ai:'))).toEqual([]);
  });
});

describe('AI drafting through an OpenAI-compatible endpoint', () => {
  it('uses the configured URL, model and key; the key is never returned', async () => {
    const http = await import('node:http');
    const requests: { authorization?: string; body: { model: string; messages: { role: string; content: string }[] } }[] = [];
    const server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk) => (raw += chunk));
      req.on('end', () => {
        requests.push({ authorization: req.headers.authorization, body: JSON.parse(raw) });
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'Hello from the model' } }] }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/v1`;
    try {
      await setCadence(false);
      expect(await expectTrpcError(updateSettings(admin, { ai: { provider: 'openai_compatible' } }))).toMatchObject({ code: 'BAD_REQUEST', field: 'ai.url' });
      const saved = await updateSettings(admin, { ai: { provider: 'openai_compatible', url, model: 'tiny-model', apiKey: 'sk-test-secret' } });
      expect(saved.ai).toEqual({ provider: 'openai_compatible', url, model: 'tiny-model', hasApiKey: true });
      expect(JSON.stringify(await sam.settings.get.query())).not.toContain('sk-test-secret');
      const { conversationId } = await customerWrites(`t-${randomUUID()}`, 'Can you help?');
      const messages = await waitFor(() => messagesOf(conversationId), (list) => list.length === 2, 'the model reply');
      expect(messages[1]).toBe('ai: Hello from the model');
      expect(requests[0]).toMatchObject({ authorization: 'Bearer sk-test-secret', body: { model: 'tiny-model' } });
      expect(requests[0]!.body.messages.at(-1)).toEqual({ role: 'user', content: 'Can you help?' });
      const events = JSON.stringify(await admin.conversations.timeline.query({ id: conversationId, limit: 200 }));
      expect(events).not.toContain('sk-test-secret');
      const leaked = await backend.server.db.query("SELECT COUNT(*) AS n FROM events WHERE `after` LIKE '%sk-test-secret%' OR `before` LIKE '%sk-test-secret%'");
      expect(Number(leaked[0].n)).toBe(0);
    } finally {
      await updateSettings(admin, { ai: { provider: 'built_in', apiKey: null } });
      server.close();
    }
  });
});
