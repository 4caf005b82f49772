// A draft that runs out of retries is visible, not silent (issue 11 item 7): a `reply.draft_failed`
// event, the view's failedDraft, a /metrics counter, nothing sent; and the sweep's view of such messages.
// The AI is an OpenAI-compatible endpoint on 127.0.0.1 that answers 500. MariaDB + Redis + Agenda.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConversationEntity, MessageEntity, ScheduledReplyEntity } from '../../backend/src/db/entities/conversation.entities.js';
import { DRAFT_RETRY_DELAYS_MS, refs } from '../../backend/src/features/replies/replies.jobs.js';
import { unansweredMessagesSweepSource } from '../../backend/src/features/replies/reply-sweep-source.js';
import { createSweep } from '../../backend/src/jobs/sweep.js';
import { createLogger } from '../../backend/src/logger.js';
import type { CreatedTenant } from '../../backend/src/features/admin/tenants.service.js';
import { startTestBackend, type TestBackend } from '../support/in-process-server.js';
import { updateSettings } from '../support/settings.js';
import { postSignedWebhook } from '../support/signed-webhook.js';
import { createTestClient, type TestClient } from '../support/trpc-client.js';
import { storedTimeline } from './stored-timeline.js';

let backend: TestBackend;
let acme: CreatedTenant;
let admin: TestClient;
let sam: TestClient;
let aiServer: http.Server;
let aiCalls = 0;

beforeAll(async () => {
  aiServer = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      aiCalls += 1;
      res.statusCode = 500;
      res.end('{"error":"model overloaded"}');
    });
  });
  await new Promise<void>((resolve) => aiServer.listen(0, '127.0.0.1', resolve));
  backend = await startTestBackend('draft-failures', { dialect: 'mysql', redis: true });
  acme = await backend.createTenant('acme');
  admin = createTestClient(backend.server.url, acme.apiKey);
  const agent = await admin.agents.create.mutate({ email: 'sam@acme.test', name: 'Sam' });
  sam = createTestClient(backend.server.url, (await admin.apiKeys.create.mutate({ name: 'sam', role: 'agent', agentId: agent.id })).key);
  const url = `http://127.0.0.1:${(aiServer.address() as { port: number }).port}/v1`;
  await updateSettings(admin, { replyCadence: { enabled: false, minDelaySeconds: 30, maxDelaySeconds: 120 }, ai: { provider: 'openai_compatible', url, model: 'down-model' } });
});

afterAll(async () => {
  await backend?.stop();
  aiServer?.close();
});

async function customerWrites(thread: string, body = 'Is my order on its way?') {
  const response = await postSignedWebhook(backend.server.url, '/webhooks/inbound', acme.webhookSecret, {
    tenant: 'acme', connector: 'sms-gateway', externalConversationId: thread, externalMessageId: randomUUID(), lead: { phone: '+15550177' }, channel: 'sms', body,
  });
  expect(response.status).toBe(202);
  return response.body as { conversationId: string; messageId: string };
}

async function waitFor<T>(probe: () => Promise<T>, accept: (value: T) => boolean, what: string, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const exhaustedDrafts = async () => {
  const text = await (await fetch(`${backend.server.url}/metrics`)).text();
  return Number(/^baton_job_retries_exhausted_total\{job="ai\.draft"\} (\d+)$/m.exec(text)?.[1] ?? 0);
};
/** The sweep's source as it would read two minutes from now (past the grace period). */
const sweepSourceLater = () => {
  const { infra } = backend.server.services;
  return unansweredMessagesSweepSource({ ...infra, clock: { now: () => new Date(Date.now() + 120_000) } });
};

describe('a draft that exhausts its retries', () => {
  let conversationId: string;
  let messageId: string;

  it('records reply.draft_failed, shows failedDraft, counts it on /metrics and sends nothing', async () => {
    const metricBefore = await exhaustedDrafts();
    ({ conversationId, messageId } = await customerWrites(`t-${randomUUID()}`));
    const attempts = DRAFT_RETRY_DELAYS_MS.length + 1;
    const timeline = await waitFor(() => storedTimeline(backend.server.db, conversationId), (stored) => stored.events.some((event) => event.type === 'reply.draft_failed'), 'reply.draft_failed', 40_000);

    const failed = timeline.events.filter((event) => event.type === 'reply.draft_failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ actor: 'system', after: { inReplyToMessageId: messageId, error: 'AI endpoint answered 500', attempts } });
    expect(aiCalls).toBe(attempts);
    expect(await exhaustedDrafts()).toBe(metricBefore + 1);

    const view = await sam.conversations.get.query({ id: conversationId });
    expect(view.failedDraft).toEqual({ messageId, error: 'AI endpoint answered 500', attempts, failedAt: failed[0]!.at });
    expect(view.pendingReply).toBeNull();
    expect(view.failedReply).toBeNull();

    // Nothing was drafted, scheduled or sent.
    expect(timeline.messages.map((message) => message.author)).toEqual(['customer']);
    expect(await backend.server.db.getRepository(ScheduledReplyEntity).countBy({ conversationId })).toBe(0);
    expect(timeline.events.map((event) => event.type)).not.toContain('reply.scheduled');

    const words = await sam.conversations.timeline.query({ id: conversationId, limit: 50 });
    expect(words.entries.map((entry) => entry.text)).toContain('The AI could not draft a reply: AI endpoint answered 500');
  }, 60_000);

  it('is not re-armed by the sweep once its failure is recorded', async () => {
    const needs = await sweepSourceLater().findNeeds(1000);
    expect(needs.map((need) => need.ref)).not.toContain(refs.draft(messageId));
  });

  it('leaves the view once an agent takes over', async () => {
    const view = await sam.conversations.takeOver.mutate({ id: conversationId });
    expect(view.failedDraft).toBeNull();
    expect((await sam.conversations.get.query({ id: conversationId })).failedDraft).toBeNull();
  });

  it('leaves the view once the customer writes again', async () => {
    const { conversationId: other, messageId: first } = await customerWrites(`t-${randomUUID()}`);
    await waitFor(() => storedTimeline(backend.server.db, other), (stored) => stored.events.some((event) => event.type === 'reply.draft_failed'), 'reply.draft_failed', 40_000);
    expect((await sam.conversations.get.query({ id: other })).failedDraft).toMatchObject({ messageId: first });
    // A newer customer message, stored without its draft job (as if the job row were lost).
    const at = new Date(Date.now() + 1);
    const lost = randomUUID();
    await backend.server.db.getRepository(MessageEntity).insert({ id: lost, tenantId: acme.tenant.id, conversationId: other, author: 'customer', agentId: null, channel: 'sms', body: 'Hello?', externalMessageId: null, deliveryStatus: null, createdAt: at });
    await backend.server.db.getRepository(ConversationEntity).update({ id: other }, { lastCustomerMessageAt: at });
    expect((await sam.conversations.get.query({ id: other })).failedDraft).toBeNull();

    // The sweep finds the message with no job, reply or recorded outcome, and re-arms its draft job.
    const needs = await sweepSourceLater().findNeeds(1000);
    expect(needs.filter((need) => need.ref.endsWith(other) || need.payload.conversationId === other).map((need) => need.ref)).toEqual([refs.draft(lost)]);
    const sweep = createSweep(backend.server.jobs, [sweepSourceLater()], createLogger('silent'));
    expect((await sweep.runOnce()).rearmed).toBeGreaterThanOrEqual(1);
    // The re-armed job runs against the same failing AI and ends in its own recorded failure.
    await waitFor(
      () => storedTimeline(backend.server.db, other),
      (stored) => stored.events.some((event) => event.type === 'reply.draft_failed' && event.after?.inReplyToMessageId === lost),
      'the re-armed draft to fail',
      40_000,
    );
    expect((await sam.conversations.get.query({ id: other })).failedDraft).toMatchObject({ messageId: lost });
    expect((await sweepSourceLater().findNeeds(1000)).map((need) => need.ref)).not.toContain(refs.draft(lost));
    expect((await storedTimeline(backend.server.db, other)).messages.map((message) => message.author)).toEqual(['customer', 'customer']);
  }, 120_000);
});
