// What the overlay asks of the backend (issue 9 item 3), through tRPC on MariaDB + Redis + Agenda:
// takeOver with an expected holder, the view's cooldown / viewer / resolve reasons, the paged and
// named timeline, and idempotent agent messages (sendManual, recordAgentReply, the agent-reply webhook).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationViewDto, TimelineEntry } from '../../shared/conversation-view.js';
import { MessageEntity } from '../../backend/src/db/entities/conversation.entities.js';
import { refs } from '../../backend/src/features/conversations/conversations.jobs.js';
import type { CreatedTenant } from '../../backend/src/features/admin/tenants.service.js';
import { startTestBackend, type TestBackend } from '../support/in-process-server.js';
import { draftJobDone } from '../support/draft-job.js';
import { postSignedWebhook } from '../support/signed-webhook.js';
import { createTestClient, expectTrpcError, type TestClient } from '../support/trpc-client.js';
import { storedTimeline } from './stored-timeline.js';
import { updateSettings } from '../support/settings.js';

let backend: TestBackend;
let acme: CreatedTenant;
let globex: CreatedTenant;
/** acme's integration admin key (no agent of its own). */
let admin: TestClient;
interface Agent {
  id: string;
  name: string;
  email: string;
  client: TestClient;
  /** A second key of the same agent: a second browser, racing the first. */
  twin: TestClient;
}
/** On acme's team. */
let dana: Agent;
/** On no team. */
let pat: Agent;
/** An admin agent on no team. */
let ada: Agent;
let zone: string;

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function makeAgent(tenantAdmin: TestClient, tenant: CreatedTenant, name: string, options: { role?: 'agent' | 'admin'; onTeam?: boolean } = {}): Promise<Agent> {
  const email = `${name.split(' ')[0]!.toLowerCase()}@${tenant.tenant.slug}.test`;
  const created = await tenantAdmin.agents.create.mutate({ email, name, role: options.role ?? 'agent' });
  if (options.onTeam) await tenantAdmin.teams.addMember.mutate({ teamId: tenant.team.id, agentId: created.id });
  const key = async () => (await tenantAdmin.apiKeys.create.mutate({ name: `${name} ${randomUUID().slice(0, 4)}`, role: options.role ?? 'agent', agentId: created.id })).key;
  return { id: created.id, name, email, client: createTestClient(backend.server.url, await key()), twin: createTestClient(backend.server.url, await key()) };
}

beforeAll(async () => {
  backend = await startTestBackend('overlay-api', { dialect: 'mysql', redis: true });
  acme = await backend.createTenant('acme');
  globex = await backend.createTenant('globex');
  admin = createTestClient(backend.server.url, acme.apiKey);
  dana = await makeAgent(admin, acme, 'Dana Smith', { onTeam: true });
  pat = await makeAgent(admin, acme, 'Pat Jones');
  ada = await makeAgent(admin, acme, 'Ada Admin', { role: 'admin' });
  await updateSettings(admin, { replyCadence: { enabled: false, minDelaySeconds: 0, maxDelaySeconds: 0 } });
  zone = (await admin.settings.get.query()).businessHours.timeZone;
}, 60_000);

afterAll(() => backend?.stop());

let phoneCounter = 0;
/** A customer message on a thread (a new thread and lead unless given). */
async function customerWrites(tenant: CreatedTenant, thread = `t-${randomUUID()}`, body = 'Hello, anyone there?', phone = `+1555020${String(++phoneCounter).padStart(4, '0')}`) {
  const result = await postSignedWebhook(backend.server.url, '/webhooks/inbound', tenant.webhookSecret, {
    tenant: tenant.tenant.slug, connector: 'demo', externalConversationId: thread, externalMessageId: `m-${randomUUID()}`, channel: 'sms', body, lead: { phone },
  });
  expect(result.status).toBe(202);
  return { thread, phone, conversationId: result.body.conversationId as string, messageId: result.body.messageId as string };
}

/** `6:06 AM CST`, computed independently of the backend (Intl, en-US) in the tenant's zone. */
const tenantTime = (iso: string) =>
  new Intl.DateTimeFormat('en-US', { timeZone: zone, hour: 'numeric', minute: '2-digit', timeZoneName: 'short' }).format(new Date(iso)).replace(/[\u202f\u00a0]/g, ' ');

const takeoverEvents = async (conversationId: string) => (await storedTimeline(backend.server.db, conversationId)).events.filter((event) => event.type.startsWith('takeover.'));
const messageRows = (conversationId: string) => backend.server.db.getRepository(MessageEntity).findBy({ conversationId });

describe('conversations.takeOver with expectedHolderId', () => {
  it('takes over when the expected holder still holds it (nobody, then a transfer from Dana)', async () => {
    const { conversationId } = await customerWrites(acme);
    const taken = await dana.client.conversations.takeOver.mutate({ id: conversationId, expectedHolderId: null });
    expect(taken.takeover).toMatchObject({ holder: { agentId: dana.id, name: 'Dana Smith' } });
    const transferred = await pat.client.conversations.takeOver.mutate({ id: conversationId, expectedHolderId: dana.id });
    expect(transferred.takeover).toMatchObject({ holder: { agentId: pat.id, name: 'Pat Jones' } });
    expect((await takeoverEvents(conversationId)).map((event) => event.type)).toEqual(['takeover.started', 'takeover.transferred']);
  });

  it('refuses with CONFLICT naming the holder when someone took it meanwhile (expected nobody, or someone else), changing nothing', async () => {
    const { conversationId } = await customerWrites(acme);
    const held = await dana.client.conversations.takeOver.mutate({ id: conversationId });
    const eventsBefore = await takeoverEvents(conversationId);
    const jobsBefore = await backend.server.db.query('SELECT id, next_run_at FROM jobs WHERE ref_key = ?', [refs.autoRelease(conversationId)]);

    expect(await expectTrpcError(pat.client.conversations.takeOver.mutate({ id: conversationId, expectedHolderId: null }))).toMatchObject({
      code: 'CONFLICT',
      message: 'Dana Smith took this conversation over meanwhile.',
    });
    expect(await expectTrpcError(pat.client.conversations.takeOver.mutate({ id: conversationId, expectedHolderId: ada.id }))).toMatchObject({
      code: 'CONFLICT',
      message: 'Dana Smith took this conversation over meanwhile.',
    });
    // An integration key taking over for Pat is checked the same way.
    expect(await expectTrpcError(admin.conversations.takeOver.mutate({ id: conversationId, agentId: pat.id, expectedHolderId: null }))).toMatchObject({ code: 'CONFLICT' });
    // Dana herself, from another tab that still showed nobody: taking over twice is idempotent (SPEC §2.1).
    expect((await dana.twin.conversations.takeOver.mutate({ id: conversationId, expectedHolderId: null })).takeover).toEqual(held.takeover);

    const after = await pat.client.conversations.get.query({ id: conversationId });
    expect(after.takeover).toEqual(held.takeover);
    expect(await takeoverEvents(conversationId)).toEqual(eventsBefore);
    expect(await backend.server.db.query('SELECT id, next_run_at FROM jobs WHERE ref_key = ?', [refs.autoRelease(conversationId)])).toEqual(jobsBefore);
  });

  it('refuses when the expected holder let go and nobody holds it any more', async () => {
    const { conversationId } = await customerWrites(acme);
    await dana.client.conversations.takeOver.mutate({ id: conversationId });
    await dana.client.conversations.release.mutate({ id: conversationId });
    expect(await expectTrpcError(pat.client.conversations.takeOver.mutate({ id: conversationId, expectedHolderId: dana.id }))).toMatchObject({
      code: 'CONFLICT',
      message: 'Nobody holds this conversation any more: the AI is handling it again.',
    });
    expect((await pat.client.conversations.get.query({ id: conversationId })).takeover).toBeNull();
  });

  it('names a bad expectedHolderId; without it, behaviour is unchanged (a transfer)', async () => {
    const { conversationId } = await customerWrites(acme);
    expect(await expectTrpcError(dana.client.conversations.takeOver.mutate({ id: conversationId, expectedHolderId: 'dana' }))).toMatchObject({ code: 'BAD_REQUEST', field: 'expectedHolderId' });
    await dana.client.conversations.takeOver.mutate({ id: conversationId });
    expect((await pat.client.conversations.takeOver.mutate({ id: conversationId })).takeover).toMatchObject({ holder: { agentId: pat.id } });
  });
});

describe('the conversation view', () => {
  const REASONS = [
    { reason: 'handled', label: 'Handled', noteRequired: false, startsCooldown: false, releasesTakeover: true },
    { reason: 'false_positive', label: 'False positive', noteRequired: false, startsCooldown: true, releasesTakeover: false },
    { reason: 'spam', label: 'Spam', noteRequired: false, startsCooldown: true, releasesTakeover: false },
    { reason: 'duplicate', label: 'Duplicate', noteRequired: false, startsCooldown: true, releasesTakeover: false },
    { reason: 'other', label: 'Other', noteRequired: true, startsCooldown: false, releasesTakeover: false },
  ];

  it('says who asks, which reasons need a note, the warning minutes, and no cooldown on a fresh lead', async () => {
    const { thread, conversationId } = await customerWrites(acme);
    const view: ConversationViewDto = await dana.client.conversations.byExternalRef.query({ connector: 'demo', externalId: thread });
    expect(view).toMatchObject({ id: conversationId, cooldown: null, escalation: null, viewer: { agentId: dana.id, name: 'Dana Smith', canResolve: false }, releaseWarningMinutes: 15 });
    expect(view.resolveReasons).toEqual(REASONS);
    expect((await admin.conversations.get.query({ id: conversationId })).viewer).toEqual({ agentId: null, name: expect.any(String), canResolve: false });
    await updateSettings(admin, { releaseWarningMinutes: 20 });
    try {
      expect((await pat.client.conversations.get.query({ id: conversationId })).releaseWarningMinutes).toBe(20);
    } finally {
      await updateSettings(admin, { releaseWarningMinutes: 15 });
    }
  });

  it('canResolve: team member, admin agent and admin key yes; an agent outside the team no (and the server agrees); a spam resolution shows the cooldown', async () => {
    const { conversationId } = await customerWrites(acme);
    const leadId = (await admin.conversations.get.query({ id: conversationId })).lead!.id;
    const opened = await admin.escalations.open.mutate({ leadId, teamId: acme.team.id, reason: 'Customer asked for a manager', conversationId });
    if (opened.outcome === 'suppressed') throw new Error('expected an escalation');
    const canResolve = async (client: TestClient) => (await client.conversations.get.query({ id: conversationId })).viewer.canResolve;
    expect({ dana: await canResolve(dana.client), ada: await canResolve(ada.client), adminKey: await canResolve(admin), pat: await canResolve(pat.client) }).toEqual({ dana: true, ada: true, adminKey: true, pat: false });
    expect((await expectTrpcError(pat.client.escalations.resolve.mutate({ id: opened.escalation.id, reason: 'spam' }))).code).toBe('FORBIDDEN');
    // takeOver and release answer the same view.
    expect((await dana.client.conversations.takeOver.mutate({ id: conversationId })).viewer).toEqual({ agentId: dana.id, name: 'Dana Smith', canResolve: true });
    expect((await pat.client.conversations.release.mutate({ id: conversationId })).viewer).toEqual({ agentId: pat.id, name: 'Pat Jones', canResolve: false });

    const resolvedAt = Date.now();
    await dana.client.escalations.resolve.mutate({ id: opened.escalation.id, reason: 'spam' });
    const view = await dana.client.conversations.get.query({ id: conversationId });
    expect(view.escalation).toBeNull();
    expect(view.viewer.canResolve).toBe(false);
    const until = Date.parse(view.cooldown!.until);
    expect(until - resolvedAt).toBeGreaterThan(170_000); // the development cooldown: 180 s
    expect(until - resolvedAt).toBeLessThan(200_000);
    expect(view.cooldown!.text).toBe(`Escalations paused until ${tenantTime(view.cooldown!.until)}`);
    expect((await dana.client.conversations.takeOver.mutate({ id: conversationId })).cooldown).toEqual(view.cooldown);
  });
});

describe('conversations.timeline', () => {
  /** Every page from the newest, following nextCursor. */
  async function allPages(client: TestClient, id: string, limit: number) {
    const pages: TimelineEntry[][] = [];
    let cursor: string | null = null;
    do {
      const page = await client.conversations.timeline.query({ id, limit, cursor });
      expect(page.timeZone).toBe(zone);
      expect(page.entries.length).toBeLessThanOrEqual(limit);
      pages.push(page.entries);
      cursor = page.nextCursor;
    } while (cursor && pages.length < 100);
    return pages;
  }

  it('pages newest first through more entries than a page, with no duplicates or gaps, stable while new entries arrive, naming people', async () => {
    const first = await customerWrites(acme);
    const { conversationId, thread, phone } = first;
    await dana.client.conversations.takeOver.mutate({ id: conversationId });
    await draftJobDone(backend.server.db, first.messageId);
    for (let i = 1; i <= 6; i += 1) {
      await dana.client.messages.recordAgentReply.mutate({ conversationId, channel: 'sms', body: `Dana reply ${i}`, idempotencyKey: `hd-${randomUUID()}` });
      const more = await customerWrites(acme, thread, `Customer line ${i}`, phone);
      await draftJobDone(backend.server.db, more.messageId);
    }
    await pat.client.conversations.takeOver.mutate({ id: conversationId });

    const full = (await dana.client.conversations.timeline.query({ id: conversationId, limit: 200 })).entries;
    expect(full.length).toBeGreaterThan(15);
    const pages = await allPages(dana.client, conversationId, 4);
    expect(pages.length).toBe(Math.ceil(full.length / 4));
    expect(pages.flat()).toEqual(full);
    expect(new Set(full.map((entry) => entry.id)).size).toBe(full.length);
    const instants = full.map((entry) => Date.parse(entry.at));
    expect(instants).toEqual([...instants].sort((a, b) => b - a));

    // Newest first, in words, named.
    expect(full[0]).toMatchObject({ kind: 'event', eventType: 'takeover.transferred', actor: { kind: 'agent', name: 'Pat Jones' }, text: 'Took over from Dana Smith', channel: null });
    // Events sort above the messages of their own instant: the customer's first message, and its conversation starting.
    expect(full.slice(-2)).toMatchObject([
      { kind: 'event', eventType: 'conversation.created', actor: { kind: 'customer', name: 'Customer' }, text: 'Conversation started' },
      { kind: 'message', actor: { kind: 'customer', name: 'Customer' }, text: 'Hello, anyone there?', channel: 'sms' },
    ]);
    expect(full.find((entry) => entry.text === 'Dana reply 6')).toMatchObject({ kind: 'message', actor: { kind: 'agent', name: 'Dana Smith' }, eventType: null, channel: 'sms' });
    expect(full.find((entry) => entry.text === 'Customer line 6')).toMatchObject({ kind: 'message', actor: { kind: 'customer', name: 'Customer' } });
    expect(full.filter((entry) => entry.eventType === 'takeover.started')).toEqual([expect.objectContaining({ actor: { kind: 'agent', name: 'Dana Smith' }, text: 'Took over' })]);
    for (const entry of full) expect({ name: entry.actor.name, text: entry.text, id: UUID.test(entry.actor.name) || UUID.test(entry.text) }).toMatchObject({ id: false });
    // The message entries stand for message.* events: those are not listed twice.
    expect(full.some((entry) => entry.eventType?.startsWith('message.'))).toBe(false);

    // A cursor taken before new entries arrive still leads to exactly the older entries.
    const firstPage = await dana.client.conversations.timeline.query({ id: conversationId, limit: 5 });
    await dana.client.messages.recordAgentReply.mutate({ conversationId, channel: 'sms', body: 'A late reply', idempotencyKey: `hd-${randomUUID()}` });
    const rest: TimelineEntry[] = [];
    let cursor = firstPage.nextCursor;
    while (cursor) {
      const page = await dana.client.conversations.timeline.query({ id: conversationId, limit: 5, cursor });
      rest.push(...page.entries);
      cursor = page.nextCursor;
    }
    expect([...firstPage.entries, ...rest]).toEqual(full);
    expect((await dana.client.conversations.timeline.query({ id: conversationId, limit: 1 })).entries[0]).toMatchObject({ kind: 'message', text: 'A late reply' });
  });

  it('shows the cooldown as a system note, the resolution and the escalation in words, by name', async () => {
    const { conversationId } = await customerWrites(acme);
    const leadId = (await admin.conversations.get.query({ id: conversationId })).lead!.id;
    const opened = await admin.escalations.open.mutate({ leadId, teamId: acme.team.id, reason: 'Angry customer', conversationId });
    if (opened.outcome === 'suppressed') throw new Error('expected an escalation');
    await dana.client.escalations.resolve.mutate({ id: opened.escalation.id, reason: 'spam' });
    const { cooldown } = await dana.client.conversations.get.query({ id: conversationId });
    const { entries } = await pat.client.conversations.timeline.query({ id: conversationId });
    expect(entries.find((entry) => entry.kind === 'note')).toMatchObject({
      eventType: 'escalation.cooldown_stamped',
      actor: { kind: 'system', name: 'System' },
      text: `${cooldown!.text} — resolved as spam by Dana Smith`,
    });
    expect(entries.find((entry) => entry.eventType === 'escalation.resolved')).toMatchObject({ kind: 'event', actor: { kind: 'agent', name: 'Dana Smith' }, text: 'Escalation resolved as spam' });
    expect(entries.find((entry) => entry.eventType === 'escalation.opened')).toMatchObject({ actor: { kind: 'system', name: 'API key Initial admin key' }, text: `Escalated to ${acme.team.name}: Angry customer` });
  });

  it('refuses a bad cursor or limit by field, and another tenant’s conversation', async () => {
    const { conversationId } = await customerWrites(acme);
    expect(await expectTrpcError(dana.client.conversations.timeline.query({ id: conversationId, cursor: 'not-a-cursor' }))).toMatchObject({ code: 'BAD_REQUEST', field: 'cursor' });
    expect(await expectTrpcError(dana.client.conversations.timeline.query({ id: conversationId, limit: 0 }))).toMatchObject({ code: 'BAD_REQUEST', field: 'limit' });
    expect(await expectTrpcError(dana.client.conversations.timeline.query({ id: conversationId, limit: 201 }))).toMatchObject({ code: 'BAD_REQUEST', field: 'limit' });
    const outsider = createTestClient(backend.server.url, globex.apiKey);
    expect(await expectTrpcError(outsider.conversations.timeline.query({ id: conversationId }))).toMatchObject({ code: 'NOT_FOUND' });
    expect((await dana.client.conversations.timeline.query({ id: conversationId })).nextCursor).toBeNull();
  });
});

describe('HIPAA mode in the view and the timeline', () => {
  it('carries no team name and no cycle count, in fields or in words', async () => {
    const hip = await backend.createTenant();
    const hipAdmin = createTestClient(backend.server.url, hip.apiKey);
    const nurse = await makeAgent(hipAdmin, hip, 'Nora Nurse', { onTeam: true });
    const outsider = await makeAgent(hipAdmin, hip, 'Otto Other');
    const team = await hipAdmin.teams.create.mutate({ name: 'Zebra Oncology Desk' });
    await hipAdmin.teams.addMember.mutate({ teamId: team.id, agentId: nurse.id });
    await updateSettings(hipAdmin, { hipaaMode: true, replyCadence: { enabled: false, minDelaySeconds: 0, maxDelaySeconds: 0 } });
    const { conversationId } = await customerWrites(hip);
    const leadId = (await hipAdmin.conversations.get.query({ id: conversationId })).lead!.id;
    for (const reason of ['First look', 'Second look']) {
      const opened = await hipAdmin.escalations.open.mutate({ leadId, teamId: team.id, reason, conversationId });
      if (opened.outcome === 'suppressed') throw new Error('expected an escalation');
      if (reason === 'First look') await nurse.client.escalations.resolve.mutate({ id: opened.escalation.id, reason: 'handled' });
    }
    const view = await nurse.client.conversations.get.query({ id: conversationId });
    expect(view.escalation).toMatchObject({ redacted: true, reason: 'Second look' });
    expect(view.viewer.canResolve).toBe(true);
    expect((await outsider.client.conversations.get.query({ id: conversationId })).viewer.canResolve).toBe(false);
    const timeline = await nurse.client.conversations.timeline.query({ id: conversationId, limit: 200 });
    expect(timeline.entries.filter((entry) => entry.eventType === 'escalation.opened').map((entry) => entry.text)).toEqual(['Escalated: Second look', 'Escalated: First look']);
    for (const [label, body] of Object.entries({ view, timeline })) {
      const text = JSON.stringify(body);
      expect({ label, team: text.includes('Zebra Oncology Desk'), cycle: /cycle/i.test(text) }).toEqual({ label, team: false, cycle: false });
    }
  });
});

describe('idempotent agent messages', () => {
  /** A conversation nobody holds yet (an agent's SMS takes it over). */
  async function freshConversation() {
    const written = await customerWrites(acme);
    await draftJobDone(backend.server.db, written.messageId);
    return written;
  }
  const sentEvents = async (conversationId: string) => (await storedTimeline(backend.server.db, conversationId)).events.filter((event) => event.type === 'message.sent' && event.after?.author === 'agent');

  it('sendManual: a retry with the same key sends once and answers duplicate', async () => {
    const { conversationId } = await freshConversation();
    const idempotencyKey = `send-${randomUUID()}`;
    const first = await dana.client.messages.sendManual.mutate({ conversationId, channel: 'sms', body: 'On it.', idempotencyKey });
    expect(first).toMatchObject({ status: 'accepted', autoTakeover: true });
    const again = await dana.client.messages.sendManual.mutate({ conversationId, channel: 'sms', body: 'On it.', idempotencyKey: `  ${idempotencyKey} ` });
    expect(again).toEqual({ status: 'duplicate', messageId: first.messageId, autoTakeover: false, resolvedEscalationId: null });
    expect((await messageRows(conversationId)).filter((row) => row.author === 'agent')).toHaveLength(1);
    expect(await sentEvents(conversationId)).toHaveLength(1);
  });

  it('recordAgentReply: a retry with the same key (or its alias externalMessageId) stores once', async () => {
    const { conversationId } = await freshConversation();
    const key = `hd-${randomUUID()}`;
    const first = await dana.client.messages.recordAgentReply.mutate({ conversationId, channel: 'email', body: 'Answered in the helpdesk', idempotencyKey: key });
    expect(first.status).toBe('accepted');
    expect(await dana.client.messages.recordAgentReply.mutate({ conversationId, channel: 'email', body: 'Answered in the helpdesk', externalMessageId: key })).toEqual({ status: 'duplicate', messageId: first.messageId, autoTakeover: false, resolvedEscalationId: null });
    expect(await dana.client.messages.recordAgentReply.mutate({ conversationId, channel: 'email', body: 'Answered in the helpdesk', idempotencyKey: key, externalMessageId: key })).toMatchObject({ status: 'duplicate' });
    const rows = (await messageRows(conversationId)).filter((row) => row.author === 'agent');
    expect(rows.map((row) => row.externalMessageId)).toEqual([key]);
    expect(await expectTrpcError(dana.client.messages.recordAgentReply.mutate({ conversationId, channel: 'email', body: 'x', idempotencyKey: key, externalMessageId: 'other' }))).toMatchObject({ code: 'BAD_REQUEST', field: 'idempotencyKey' });
    expect(await expectTrpcError(dana.client.messages.sendManual.mutate({ conversationId, channel: 'email', body: 'x', idempotencyKey: '   ' }))).toMatchObject({ code: 'BAD_REQUEST', field: 'idempotencyKey' });
    expect(await expectTrpcError(dana.client.messages.recordAgentReply.mutate({ conversationId, channel: 'email', body: 'x', idempotencyKey: 'k'.repeat(256) }))).toMatchObject({ code: 'BAD_REQUEST', field: 'idempotencyKey' });
  });

  it('the demo helpdesk’s webhook report and the extension’s report of one send dedupe each other, in either order', async () => {
    const webhook = (thread: string, draftId: string) =>
      postSignedWebhook(backend.server.url, '/webhooks/agent-reply', acme.webhookSecret, {
        tenant: acme.tenant.slug, connector: 'demo', externalConversationId: thread, agentEmail: dana.email, channel: 'sms', body: 'Sent from the helpdesk', externalMessageId: `demo:${draftId}`,
      });
    const extension = (conversationId: string, draftId: string) => dana.client.messages.recordAgentReply.mutate({ conversationId, channel: 'sms', body: 'Sent from the helpdesk', idempotencyKey: `demo:${draftId}` });

    const a = await freshConversation();
    const draftA = randomUUID();
    const byWebhook = await webhook(a.thread, draftA);
    expect(byWebhook).toMatchObject({ status: 202, body: { status: 'accepted', autoTakeover: true } });
    expect(await extension(a.conversationId, draftA)).toEqual({ status: 'duplicate', messageId: byWebhook.body.messageId, autoTakeover: false, resolvedEscalationId: null });

    const b = await freshConversation();
    const draftB = randomUUID();
    const byExtension = await extension(b.conversationId, draftB);
    expect(byExtension).toMatchObject({ status: 'accepted', autoTakeover: true });
    expect(await webhook(b.thread, draftB)).toMatchObject({ status: 200, body: { status: 'duplicate', messageId: byExtension.messageId } });

    for (const { conversationId } of [a, b]) {
      expect((await messageRows(conversationId)).filter((row) => row.author === 'agent')).toHaveLength(1);
      expect(await sentEvents(conversationId)).toHaveLength(1);
    }
  });

  /**
   * Two calls with one key at the same moment: a transaction holds the conversation's row lock
   * until both calls have passed their first check and wait for it, so both really race.
   */
  async function race(conversationId: string, calls: () => Promise<unknown>[]) {
    const runner = backend.server.db.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      await runner.query('SELECT id FROM conversations WHERE id = ? FOR UPDATE', [conversationId]);
      const [{ trx_id: blocker }] = await runner.query('SELECT trx_id FROM information_schema.INNODB_TRX WHERE trx_mysql_thread_id = CONNECTION_ID()');
      const pending = calls().map((call) => call.then((value) => ({ value }), (error: unknown) => ({ error })));
      const deadline = Date.now() + 10_000;
      for (;;) {
        const [row] = await backend.server.db.query('SELECT COUNT(DISTINCT requesting_trx_id) AS n FROM information_schema.INNODB_LOCK_WAITS WHERE blocking_trx_id = ?', [blocker]);
        if (Number(row.n) >= 2 || Date.now() > deadline) break;
        await sleep(25);
      }
      await runner.commitTransaction();
      return await Promise.all(pending);
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
  }

  it.each(['sendManual', 'recordAgentReply'] as const)('%s: two concurrent calls with one key store one message', async (procedure) => {
    const { conversationId } = await freshConversation();
    const idempotencyKey = `race-${randomUUID()}`;
    const call = (client: TestClient) => client.messages[procedure].mutate({ conversationId, channel: 'sms', body: 'Only once, please', idempotencyKey });
    const results = await race(conversationId, () => [call(dana.client), call(dana.twin)]);
    const answers = results.map((result) => ('value' in result ? (result.value as { status: string; messageId: string }) : { status: 'error', messageId: String(result.error) }));
    expect(answers.map((answer) => answer.status).sort()).toEqual(['accepted', 'duplicate']);
    expect(answers[0]!.messageId).toBe(answers[1]!.messageId);
    expect((await messageRows(conversationId)).filter((row) => row.author === 'agent')).toHaveLength(1);
    expect(await sentEvents(conversationId)).toHaveLength(1);
  });

  it('the webhook and the extension at the same moment: one message', async () => {
    const { conversationId, thread } = await freshConversation();
    const draftId = randomUUID();
    const results = await race(conversationId, () => [
      postSignedWebhook(backend.server.url, '/webhooks/agent-reply', acme.webhookSecret, {
        tenant: acme.tenant.slug, connector: 'demo', externalConversationId: thread, agentEmail: dana.email, channel: 'sms', body: 'Both report this', externalMessageId: `demo:${draftId}`,
      }),
      dana.client.messages.recordAgentReply.mutate({ conversationId, channel: 'sms', body: 'Both report this', idempotencyKey: `demo:${draftId}` }),
    ]);
    const [byWebhook, byExtension] = results.map((result) => ('value' in result ? result.value : result.error)) as [{ status: number; body: { status: string } }, { status: string }];
    expect([byWebhook.body.status, byExtension.status].sort()).toEqual(['accepted', 'duplicate']);
    expect((await messageRows(conversationId)).filter((row) => row.author === 'agent')).toHaveLength(1);
  });
});

describe('on SQLite (the embedded default)', () => {
  it('pages the timeline the same way, and dedupes a retried agent reply', async () => {
    const embedded = await startTestBackend('overlay-api-sqlite', { dialect: 'sqlite' });
    try {
      const tenant = await embedded.createTenant('lite');
      const liteAdmin = createTestClient(embedded.server.url, tenant.apiKey);
      const agent = await liteAdmin.agents.create.mutate({ email: 'lia@lite.test', name: 'Lia Lite' });
      const lia = createTestClient(embedded.server.url, (await liteAdmin.apiKeys.create.mutate({ name: 'lia', role: 'agent', agentId: agent.id })).key);
      const inbound = await postSignedWebhook(embedded.server.url, '/webhooks/inbound', tenant.webhookSecret, {
        tenant: 'lite', connector: 'demo', externalConversationId: 'lite-1', externalMessageId: 'lite-m-1', channel: 'sms', body: 'Hi from SQLite', lead: { phone: '+15550300001' },
      });
      const conversationId = inbound.body.conversationId as string;
      await lia.conversations.takeOver.mutate({ id: conversationId });
      for (let i = 1; i <= 5; i += 1) await lia.messages.recordAgentReply.mutate({ conversationId, channel: 'sms', body: `Lia ${i}`, idempotencyKey: `lite-${i}` });
      expect(await lia.messages.recordAgentReply.mutate({ conversationId, channel: 'sms', body: 'Lia 5', idempotencyKey: 'lite-5' })).toMatchObject({ status: 'duplicate' });

      const full = (await lia.conversations.timeline.query({ id: conversationId, limit: 200 })).entries;
      const paged: TimelineEntry[] = [];
      let cursor: string | null = null;
      do {
        const page = await lia.conversations.timeline.query({ id: conversationId, limit: 2, cursor });
        paged.push(...page.entries);
        cursor = page.nextCursor;
      } while (cursor);
      expect(paged).toEqual(full);
      // (The AI may have answered the first message before the takeover: only people's messages are listed here.)
      expect(full.filter((entry) => entry.kind === 'message' && entry.actor.kind !== 'ai').map((entry) => entry.text).sort()).toEqual(['Hi from SQLite', 'Lia 1', 'Lia 2', 'Lia 3', 'Lia 4', 'Lia 5']);
      const instants = full.map((entry) => Date.parse(entry.at));
      expect(instants).toEqual([...instants].sort((a, b) => b - a));
      expect(full.find((entry) => entry.eventType === 'takeover.started')).toMatchObject({ actor: { kind: 'agent', name: 'Lia Lite' }, text: 'Took over' });
    } finally {
      await embedded.stop();
    }
  }, 60_000);
});
