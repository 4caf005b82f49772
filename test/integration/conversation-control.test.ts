// Conversation control through the HTTP API on MariaDB + Redis + Agenda (SPEC §2, §3.5, §7 inbound).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConversationEntity, ScheduledReplyEntity } from '../../backend/src/db/entities/conversation.entities.js';
import { signWebhook } from '../../backend/src/http/webhook-signature.js';
import { refs as takeoverRefs } from '../../backend/src/features/conversations/conversations.jobs.js';
import { REPLY_SEND_JOB, refs } from '../../backend/src/features/replies/replies.jobs.js';
import type { CreatedTenant } from '../../backend/src/features/admin/tenants.service.js';
import { postSignedWebhook } from '../support/signed-webhook.js';
import { startTestBackend, type TestBackend } from '../support/in-process-server.js';
import { createTestClient, expectTrpcError, type TestClient } from '../support/trpc-client.js';
import { storedTimeline } from './stored-timeline.js';
import { updateSettings } from '../support/settings.js';

let backend: TestBackend;
let acme: CreatedTenant;
let globex: CreatedTenant;
let admin: TestClient;
let sam: TestClient;
let samId: string;
let pat: TestClient;

beforeAll(async () => {
  backend = await startTestBackend('control', { dialect: 'mysql', redis: true });
  acme = await backend.createTenant('acme');
  globex = await backend.createTenant('globex');
  admin = createTestClient(backend.server.url, acme.apiKey);
  const agent = async (email: string) => {
    const created = await admin.agents.create.mutate({ email, name: email.split('@')[0]! });
    const { key } = await admin.apiKeys.create.mutate({ name: email, role: 'agent', agentId: created.id });
    return { id: created.id, client: createTestClient(backend.server.url, key) };
  };
  const samAgent = await agent('sam@acme.test');
  samId = samAgent.id;
  sam = samAgent.client;
  pat = (await agent('pat@acme.test')).client;
});

afterAll(() => backend?.stop());

let messageCounter = 0;
async function postInbound(tenant: CreatedTenant, body: Record<string, unknown>, signature?: string) {
  const payload = { tenant: tenant.tenant.slug, connector: 'sms-gateway', channel: 'sms', lead: { phone: '+15550100' }, externalMessageId: `m-${++messageCounter}-${randomUUID()}`, body: 'Hi there', ...body };
  return postSignedWebhook(backend.server.url, '/webhooks/inbound', tenant.webhookSecret, payload, signature);
}

/**
 * A conversation whose first message the AI has already answered (its draft job done, the reply no
 * longer pending), so the tests' own pending replies are the only ones — the drafter runs for real.
 */
async function newConversation(): Promise<string> {
  const result = await postInbound(acme, { externalConversationId: `thread-${randomUUID()}` });
  expect(result.status).toBe(202);
  const conversationId = result.body.conversationId as string;
  await waitForDraftToSettle(conversationId, result.body.messageId as string);
  return conversationId;
}

/** Until the AI's draft of `messageId` has finished and no reply of the conversation is pending or leaving. */
async function waitForDraftToSettle(conversationId: string, messageId: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  const settled = async () => {
    const [row] = await backend.server.db.query(
      "SELECT (SELECT COUNT(*) FROM jobs WHERE ref_key = ? AND (next_run_at IS NOT NULL OR locked_at IS NOT NULL)) AS drafts, (SELECT COUNT(*) FROM scheduled_replies WHERE conversation_id = ? AND status IN ('pending', 'sending')) AS open",
      [refs.draft(messageId), conversationId],
    );
    return Number(row.drafts) === 0 && Number(row.open) === 0;
  };
  while (!(await settled())) {
    if (Date.now() > deadline) throw new Error(`the AI draft of conversation ${conversationId} did not settle in 20 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A pending AI reply with its send job, as the drafting step will create them. */
async function insertPendingReply(conversationId: string): Promise<string> {
  const id = randomUUID();
  const due = new Date(Date.now() + 3_600_000);
  await backend.server.db.transaction(async (manager) => {
    await manager.getRepository(ScheduledReplyEntity).insert({
      id, tenantId: acme.tenant.id, conversationId, inReplyToMessageId: randomUUID(), channel: 'sms', body: 'AI says hi', status: 'pending', dueAt: due,
      endReason: null, editedByAgentId: null, sentMessageId: null, attempts: 0, lastError: null, createdAt: new Date(), updatedAt: new Date(),
    });
    await backend.server.jobs.scheduleInTransaction(manager, REPLY_SEND_JOB, due, { dueAt: due.toISOString(), ref: refs.reply(id), tenantId: acme.tenant.id, replyId: id });
  });
  return id;
}

const jobCount = async (ref: string) => Number((await backend.server.db.query('SELECT COUNT(*) AS n FROM jobs WHERE ref_key = ?', [ref]))[0].n);
const eventTypes = async (conversationId: string) => (await storedTimeline(backend.server.db, conversationId)).events.map((event) => event.type);

describe('inbound webhook', () => {
  it('stores a signed customer message once; a replayed external id is ignored', async () => {
    const externalConversationId = `thread-${randomUUID()}`;
    const first = await postInbound(acme, { externalConversationId, externalMessageId: 'dup-1', body: 'Where is my order?' });
    expect(first).toMatchObject({ status: 202, body: { status: 'accepted' } });
    const again = await postInbound(acme, { externalConversationId, externalMessageId: 'dup-1', body: 'Where is my order?' });
    expect(again).toMatchObject({ status: 200, body: { status: 'duplicate', messageId: first.body.messageId } });
    const view = await sam.conversations.byExternalRef.query({ connector: 'sms-gateway', externalId: externalConversationId });
    expect(view.id).toBe(first.body.conversationId);
    const page = await sam.conversations.timeline.query({ id: view.id });
    expect(page.entries.filter((entry) => entry.kind === 'message').map((entry) => [entry.actor.name, entry.text])).toEqual([['Customer', 'Where is my order?']]);
    const timeline = await storedTimeline(backend.server.db, view.id);
    expect(timeline.messages.map((message) => [message.author, message.body])).toEqual([['customer', 'Where is my order?']]);
    expect(timeline.events.map((event) => event.type).filter((type) => type.startsWith('conversation.') || type === 'message.received')).toEqual(['conversation.created', 'message.received']);
  });

  it('rejects a bad signature, an unknown tenant and a bad body, changing nothing', async () => {
    const externalConversationId = `thread-${randomUUID()}`;
    expect((await postInbound(acme, { externalConversationId }, `sha256=${'0'.repeat(64)}`)).status).toBe(401);
    expect((await postInbound(acme, { externalConversationId }, signWebhook(globex.webhookSecret, Math.floor(Date.now() / 1000), 'x'))).status).toBe(401);
    expect((await postInbound({ ...acme, tenant: { ...acme.tenant, slug: 'nope' } }, { externalConversationId })).status).toBe(401);
    const bad = await postInbound(acme, { externalConversationId, channel: 'fax', body: '' });
    expect(bad.status).toBe(400);
    expect(bad.body.fieldErrors).toMatchObject({ channel: 'must be "sms" or "email"', body: expect.stringMatching(/required/) });
    expect((await expectTrpcError(sam.conversations.byExternalRef.query({ connector: 'sms-gateway', externalId: externalConversationId }))).code).toBe('NOT_FOUND');
  });

  it('supersedes a pending AI reply when the customer writes again', async () => {
    const externalConversationId = `thread-${randomUUID()}`;
    const first = await postInbound(acme, { externalConversationId });
    const replyId = await insertPendingReply(first.body.conversationId as string);
    await postInbound(acme, { externalConversationId, body: 'and another thing' });
    const reply = await backend.server.db.getRepository(ScheduledReplyEntity).findOneByOrFail({ id: replyId });
    expect(reply).toMatchObject({ status: 'superseded', endReason: 'superseded' });
    expect(await jobCount(refs.reply(replyId))).toBe(0);
  });

  it('keeps the newest customer time when an older-stamped message commits last: only the newest gets an AI reply', async () => {
    const id = await newConversation();
    // A message stamped a minute later committed first (two processes racing on one thread).
    const later = new Date(Date.now() + 60_000);
    await backend.server.db.getRepository(ConversationEntity).update({ id }, { lastCustomerMessageAt: later });
    const [{ external_id: externalConversationId }] = await backend.server.db.query('SELECT external_id FROM conversation_refs WHERE conversation_id = ?', [id]);
    const older = await postInbound(acme, { externalConversationId, body: 'sent a moment earlier' });
    expect(older.status).toBe(202);
    await waitForDraftToSettle(id, older.body.messageId as string);
    expect((await backend.server.db.getRepository(ConversationEntity).findOneByOrFail({ id })).lastCustomerMessageAt).toEqual(later);
    expect(await backend.server.db.getRepository(ScheduledReplyEntity).countBy({ inReplyToMessageId: older.body.messageId as string })).toBe(0);
  });

  it('supersedes a reply whose draft commits while the new message waits for the conversation (not in its snapshot)', async () => {
    const externalConversationId = `thread-${randomUUID()}`;
    const first = await postInbound(acme, { externalConversationId });
    const conversationId = first.body.conversationId as string;
    await waitForDraftToSettle(conversationId, first.body.messageId as string);
    // A draft's transaction: it holds the conversation and writes its pending reply…
    const draft = backend.server.db.createQueryRunner();
    await draft.connect();
    await draft.startTransaction();
    const replyId = randomUUID();
    try {
      await draft.query('SELECT id FROM conversations WHERE id = ? FOR UPDATE', [conversationId]);
      const due = new Date(Date.now() + 3_600_000);
      await draft.manager.getRepository(ScheduledReplyEntity).insert({
        id: replyId, tenantId: acme.tenant.id, conversationId, inReplyToMessageId: first.body.messageId as string, channel: 'sms', body: 'AI says hi', status: 'pending', dueAt: due,
        endReason: null, editedByAgentId: null, sentMessageId: null, attempts: 0, lastError: null, createdAt: new Date(), updatedAt: new Date(),
      });
      // …while the customer's next message has begun (its snapshot taken) and waits for that lock.
      const next = postInbound(acme, { externalConversationId, body: 'and another thing' });
      const deadline = Date.now() + 10_000;
      const waitsForDraft = async () =>
        Number((await backend.server.db.query("SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE INFO LIKE ?", [`UPDATE \`conversations\`%${conversationId}%`]))[0].n) > 0;
      while (!(await waitsForDraft())) {
        if (Date.now() > deadline) throw new Error('the second message never waited for the conversation');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await draft.commitTransaction();
      expect((await next).status).toBe(202);
    } finally {
      if (draft.isTransactionActive) await draft.rollbackTransaction();
      await draft.release();
    }
    expect(await backend.server.db.getRepository(ScheduledReplyEntity).findOneByOrFail({ id: replyId })).toMatchObject({ status: 'superseded', endReason: 'superseded' });
  });
});

describe('takeover', () => {
  it('takes over, cancels pending AI replies and their jobs in the same transaction, and shows when the AI resumes', async () => {
    const id = await newConversation();
    const replyId = await insertPendingReply(id);
    expect((await sam.conversations.get.query({ id })).pendingReply?.id).toBe(replyId);
    const view = await sam.conversations.takeOver.mutate({ id });
    expect(view.takeover).toMatchObject({ holder: { agentId: samId, name: 'sam' }, source: 'manual' });
    expect(view.takeover!.warning).toMatch(/^AI resumes at \d{1,2}:\d{2} (AM|PM) C[SD]T$/);
    expect(Date.parse(view.takeover!.autoReleaseAt!)).toBeGreaterThan(Date.now());
    expect(view.pendingReply).toBeNull();
    expect(await backend.server.db.getRepository(ScheduledReplyEntity).findOneByOrFail({ id: replyId })).toMatchObject({ status: 'cancelled', endReason: 'takeover' });
    expect(await jobCount(refs.reply(replyId))).toBe(0);
    expect(await jobCount(takeoverRefs.autoRelease(id))).toBe(1);
    const events = (await storedTimeline(backend.server.db, id)).events;
    const cancelled = events.findIndex((event) => event.type === 'reply.cancelled' && event.after?.replyId === replyId);
    const started = events.findIndex((event) => event.type === 'takeover.started');
    expect(cancelled).toBeGreaterThan(-1);
    expect(started).toBeGreaterThan(cancelled);
  });

  it('is idempotent, transfers to another agent, and release is idempotent and removes the auto-release job', async () => {
    const id = await newConversation();
    const first = await sam.conversations.takeOver.mutate({ id });
    const twice = await sam.conversations.takeOver.mutate({ id });
    expect(twice.takeover!.since).toBe(first.takeover!.since);
    const transferred = await pat.conversations.takeOver.mutate({ id, source: 'popup' });
    expect(transferred.takeover).toMatchObject({ holder: { name: 'pat' }, source: 'popup' });
    expect(await jobCount(takeoverRefs.autoRelease(id))).toBe(1);
    const released = await pat.conversations.release.mutate({ id });
    expect(released.takeover).toBeNull();
    expect((await pat.conversations.release.mutate({ id })).takeover).toBeNull();
    expect(await jobCount(takeoverRefs.autoRelease(id))).toBe(0);
    expect((await eventTypes(id)).filter((type) => type.startsWith('takeover.'))).toEqual(['takeover.started', 'takeover.transferred', 'takeover.released']);
  });

  it('answers NOT_FOUND for another tenant and unknown ids, and names bad fields', async () => {
    const id = await newConversation();
    const outsider = createTestClient(backend.server.url, globex.apiKey);
    expect(await expectTrpcError(outsider.conversations.takeOver.mutate({ id, agentId: globex.admin.id }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await expectTrpcError(outsider.conversations.get.query({ id }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await expectTrpcError(sam.conversations.takeOver.mutate({ id: randomUUID() }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await expectTrpcError(sam.conversations.takeOver.mutate({ id: 'x' }))).toMatchObject({ code: 'BAD_REQUEST', field: 'id' });
    expect(await expectTrpcError(admin.conversations.takeOver.mutate({ id }))).toMatchObject({ code: 'BAD_REQUEST', field: 'agentId' });
    expect((await sam.conversations.get.query({ id })).takeover).toBeNull();
  });

  it('releases by itself at autoReleaseAt (the end of the business day), through the job', async () => {
    // Business hours that close at the next full minute (UTC): the takeover releases then.
    const now = new Date();
    const close = new Date(Math.ceil((now.getTime() + 5000) / 60_000) * 60_000);
    const hhmm = (date: Date) => date.toISOString().slice(11, 16);
    const weekday = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'][now.getUTCDay()]!;
    const empty = { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };
    await updateSettings(admin, { businessHours: { timeZone: 'UTC', weekly: { ...empty, [weekday]: [{ open: '00:00', close: hhmm(close) === '00:00' ? '24:00' : hhmm(close) }] }, closures: [] } });
    try {
      const id = await newConversation();
      const view = await sam.conversations.takeOver.mutate({ id });
      expect(view.takeover!.autoReleaseAt).toBe(close.toISOString());
      expect(view.takeover!.warning).toMatch(/ UTC$/);
      // Within the last releaseWarningMinutes (15) the banner emphasises the warning.
      expect(view.takeover!.warningActive).toBe(true);
      const deadline = close.getTime() + 15_000;
      let current = view;
      while (current.takeover && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        current = await sam.conversations.get.query({ id });
      }
      expect(current.takeover).toBeNull();
      const released = (await storedTimeline(backend.server.db, id)).events.find((event) => event.type === 'takeover.released');
      expect(released).toMatchObject({ actor: 'system', after: { releaseSource: 'auto' } });
      expect(Date.parse(released!.at)).toBeGreaterThanOrEqual(close.getTime());
    } finally {
      await updateSettings(admin, { businessHours: { timeZone: 'America/Chicago', weekly: { ...empty, mon: [{ open: '09:00', close: '17:00' }], tue: [{ open: '09:00', close: '17:00' }], wed: [{ open: '09:00', close: '17:00' }], thu: [{ open: '09:00', close: '17:00' }], fri: [{ open: '09:00', close: '17:00' }] }, closures: [] } });
    }
  }, 90_000);
});

describe('settings', () => {
  it('lets admins change settings (on the timeline) and re-computes autoReleaseAt of active takeovers', async () => {
    const id = await newConversation();
    const before = await sam.conversations.takeOver.mutate({ id });
    const updated = await updateSettings(admin, { businessHours: { timeZone: 'Asia/Kolkata', weekly: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] }, closures: [] }, afterHoursReleaseMinutes: 30 });
    expect(updated.rescheduledTakeovers).toBeGreaterThanOrEqual(1);
    const after = await sam.conversations.get.query({ id });
    expect(after.takeover!.autoReleaseAt).toBe(new Date(Date.parse(before.takeover!.since!) + 30 * 60_000).toISOString());
    expect(after.takeover!.warning).toMatch(/ GMT\+5:30$|IST$/);
    expect(await jobCount(takeoverRefs.autoRelease(id))).toBe(1);
    expect((await admin.settings.get.query()).afterHoursReleaseMinutes).toBe(30);
  });

  it('rejects bad settings naming the field, and non-admins', async () => {
    expect(await expectTrpcError(updateSettings(admin, { replyCadence: { enabled: true, minDelaySeconds: 200, maxDelaySeconds: 100 } }))).toMatchObject({ code: 'BAD_REQUEST', field: 'replyCadence.minDelaySeconds' });
    expect(await expectTrpcError(updateSettings(admin, { replyCadence: { enabled: true, minDelaySeconds: 0, maxDelaySeconds: 4000 } }))).toMatchObject({ field: 'replyCadence.maxDelaySeconds' });
    expect(await expectTrpcError(updateSettings(admin, { businessHours: { timeZone: 'Mars/Olympus', weekly: {}, closures: [] } as never }))).toMatchObject({ field: 'businessHours.timeZone' });
    expect(await expectTrpcError(updateSettings(admin, { businessHours: { timeZone: 'UTC', weekly: { mon: [{ open: '09:00', close: '12:00' }, { open: '11:00', close: '13:00' }] }, closures: [] } as never }))).toMatchObject({ code: 'BAD_REQUEST' });
    expect(await expectTrpcError(updateSettings(sam, { autoTakeoverOnEmail: true }))).toMatchObject({ code: 'FORBIDDEN' });
    expect((await sam.settings.get.query()).autoTakeoverOnEmail).toBe(false);
  });
});
