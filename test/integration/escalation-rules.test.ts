// Escalation rules through the tRPC API on MariaDB + Redis + Agenda: reasons, automatic resolution, cooldown, bypass, cycles, bad input (SPEC §5.6–§5.9).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedTenant } from '../../backend/src/features/admin/tenants.service.js';
import { postSignedWebhook } from '../support/signed-webhook.js';
import { startTestBackend, type TestBackend } from '../support/in-process-server.js';
import { createTestClient, expectTrpcError, type TestClient } from '../support/trpc-client.js';
import { storedTimeline } from './stored-timeline.js';
import { saveRules } from '../support/rules.js';
import { updateSettings } from '../support/settings.js';

type Reason = 'handled' | 'false_positive' | 'spam' | 'duplicate' | 'other';
type Disposition = 'connected' | 'voicemail_left' | 'no_answer' | 'wrong_number';

let backend: TestBackend;
let acme: CreatedTenant;
let globex: CreatedTenant;
let admin: TestClient;
/** Dana: an agent on acme's team (takes over, resolves, replies). */
let dana: TestClient;
/** Pat: an agent on no team. */
let pat: TestClient;
let teamId: string;
let zone: string;

// Keywords of the routing rules saved for the whole file: one plain, four that bypass a cooldown.
const PLAIN_RULE = { keyword: 'refund', reason: 'Refund request' };
const BYPASS_RULES = [
  { name: 'Critical', keyword: 'fire', reasonCode: 'critical' as string | undefined, bypassCooldown: undefined as boolean | undefined },
  { name: 'Urgent', keyword: 'flood', reasonCode: 'urgent', bypassCooldown: undefined },
  { name: 'Emergency', keyword: 'ambulance', reasonCode: 'emergency', bypassCooldown: undefined },
  { name: 'Flagged', keyword: 'lawyer', reasonCode: 'legal', bypassCooldown: true },
];

beforeAll(async () => {
  backend = await startTestBackend('escalation-rules', { dialect: 'mysql', redis: true });
  acme = await backend.createTenant('acme');
  globex = await backend.createTenant('globex');
  admin = createTestClient(backend.server.url, acme.apiKey);
  teamId = acme.team.id;
  const agent = async (name: string, onTeam: boolean) => {
    const created = await admin.agents.create.mutate({ email: `${name.toLowerCase()}@acme.test`, name });
    if (onTeam) await admin.teams.addMember.mutate({ teamId, agentId: created.id });
    const { key } = await admin.apiKeys.create.mutate({ name, role: 'agent', agentId: created.id });
    return createTestClient(backend.server.url, key);
  };
  dana = await agent('Dana', true);
  pat = await agent('Pat', false);
  await updateSettings(admin, { replyCadence: { enabled: false, minDelaySeconds: 0, maxDelaySeconds: 0 } });
  zone = (await admin.settings.get.query()).businessHours.timeZone;
  await saveRules(admin, [
      { name: 'Refunds', condition: { keywords: [PLAIN_RULE.keyword] }, actions: [{ type: 'escalate', teamId, reason: PLAIN_RULE.reason }] },
      ...BYPASS_RULES.map((rule) => ({
        name: rule.name,
        condition: { keywords: [rule.keyword] },
        actions: [{ type: 'escalate' as const, teamId, reason: `${rule.name} keyword`, ...(rule.reasonCode ? { reasonCode: rule.reasonCode } : {}), ...(rule.bypassCooldown ? { bypassCooldown: true } : {}) }],
      })),
  ]);
}, 60_000);

afterAll(() => backend?.stop());

// ---------------------------------------------------------------------------------------------
// Helpers: a fresh lead (phone + thread) per row, customer messages, timeline reads, polling.

interface Lead { conversationId: string; leadId: string; thread: string; phone: string }

let leadCounter = 0;
async function newLead(body = 'Hi there, quick question'): Promise<Lead> {
  const n = ++leadCounter;
  const lead = { thread: `thread-${randomUUID()}`, phone: `+1555030${String(n).padStart(4, '0')}` };
  const result = await say(lead, body);
  const conversationId = result.conversationId;
  const view = await admin.conversations.get.query({ id: conversationId });
  return { ...lead, conversationId, leadId: view.lead!.id };
}

async function say(lead: { thread: string; phone: string }, body: string): Promise<{ conversationId: string; messageId: string }> {
  const result = await postSignedWebhook(backend.server.url, '/webhooks/inbound', acme.webhookSecret, {
    tenant: acme.tenant.slug, connector: 'sms-gateway', externalConversationId: lead.thread, externalMessageId: `m-${randomUUID()}`, channel: 'sms', body, lead: { phone: lead.phone },
  });
  expect(result.status).toBe(202);
  return result.body as { conversationId: string; messageId: string };
}

async function eventsOf(conversationId: string, type: string) {
  return (await storedTimeline(backend.server.db, conversationId)).events.filter((event) => (event.type as string) === type);
}
const escalationEvents = async (conversationId: string) => (await storedTimeline(backend.server.db, conversationId)).events.filter((event) => event.type.startsWith('escalation.'));
const aiMessages = async (conversationId: string) => (await storedTimeline(backend.server.db, conversationId)).messages.filter((message) => message.author === 'ai');

/** Dana's notifications about one lead. */
const danaNotificationsFor = async (leadId: string) => (await dana.notifications.list.query({ unreadOnly: false, limit: 200 })).filter((notification) => (notification.payload as { leadId?: string }).leadId === leadId);

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** `7:15 PM CST`, computed independently of the backend (Intl, en-US) in the tenant's zone. */
function tenantTime(iso: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone: zone, hour: 'numeric', minute: '2-digit', timeZoneName: 'short' }).format(new Date(iso)).replace(/[\u202f\u00a0]/g, ' ');
}

const REASON_WORDS: Record<Reason, string> = { handled: 'handled', false_positive: 'false positive', spam: 'spam', duplicate: 'duplicate', other: 'other' };
const COOLDOWN_MS = 180_000; // development default (SPEC §5.8)

/** The cooldown note of a noisy resolution, checked against the resolution it follows. */
async function expectCooldownStamped(conversationId: string, reason: Reason, resolvedAt: string) {
  const stamped = await eventsOf(conversationId, 'escalation.cooldown_stamped');
  expect(stamped).toHaveLength(1);
  const until = stamped[0]!.after!.cooldownUntil as string;
  expect(Math.abs(Date.parse(until) - Date.parse(resolvedAt) - COOLDOWN_MS)).toBeLessThan(1_000);
  expect(stamped[0]!.after!.systemNote).toBe(`Escalations paused until ${tenantTime(until)} — resolved as ${REASON_WORDS[reason]} by Dana`);
}

/** Opens a manual escalation of the lead to acme's team, as Dana. */
async function openEscalation(lead: Lead, reason = 'Customer asked for a manager') {
  const opened = await dana.escalations.open.mutate({ leadId: lead.leadId, teamId, reason, conversationId: lead.conversationId });
  expect(opened.outcome).toBe('opened');
  if (opened.outcome === 'suppressed') throw new Error('unexpected suppression');
  return opened.escalation;
}

/** A lead whose open escalation Dana resolved as spam: its cooldown runs (180 s). */
async function leadInCooldown() {
  const lead = await newLead();
  const escalation = await openEscalation(lead);
  const resolved = await dana.escalations.resolve.mutate({ id: escalation.id, reason: 'spam' });
  await expectCooldownStamped(lead.conversationId, 'spam', resolved.resolution!.at);
  return { lead, escalation };
}

// ---------------------------------------------------------------------------------------------

describe('resolve reasons (product-help.txt table, SPEC §5.6, §5.8)', () => {
  const table: { reason: Reason; cooldown: boolean; releasesTakeover: boolean; noteRequired: boolean }[] = [
    { reason: 'handled', cooldown: false, releasesTakeover: true, noteRequired: false },
    { reason: 'false_positive', cooldown: true, releasesTakeover: false, noteRequired: false },
    { reason: 'spam', cooldown: true, releasesTakeover: false, noteRequired: false },
    { reason: 'duplicate', cooldown: true, releasesTakeover: false, noteRequired: false },
    { reason: 'other', cooldown: false, releasesTakeover: false, noteRequired: true },
  ];

  it.each(table)('$reason: cooldown $cooldown, releases takeover $releasesTakeover, note required $noteRequired', async ({ reason, cooldown, releasesTakeover, noteRequired }) => {
    const lead = await newLead();
    expect((await dana.conversations.takeOver.mutate({ id: lead.conversationId })).takeover?.holder?.name).toBe('Dana');
    const escalation = await openEscalation(lead);
    expect(escalation).toMatchObject({ status: 'open', trigger: 'manual', cycle: 1, team: { id: teamId }, resolution: null });

    if (noteRequired) {
      const before = await escalationEvents(lead.conversationId);
      const error = await expectTrpcError(dana.escalations.resolve.mutate({ id: escalation.id, reason }));
      expect(error).toMatchObject({ code: 'BAD_REQUEST', field: 'note' });
      expect(await dana.escalations.get.query({ id: escalation.id })).toMatchObject({ status: 'open', resolution: null });
      expect(await escalationEvents(lead.conversationId)).toEqual(before);
    }

    const note = noteRequired ? 'Customer moved to the enterprise desk' : null;
    const resolved = await dana.escalations.resolve.mutate({ id: escalation.id, reason, ...(note ? { note } : {}) });
    expect(resolved).toMatchObject({ status: 'resolved', resolution: { reason, note, source: 'manual', byName: 'Dana' } });
    expect((await admin.conversations.get.query({ id: lead.conversationId })).escalation).toBeNull();

    // Cooldown: the system note, and whether a rule-triggered escalation right after is suppressed.
    if (cooldown) await expectCooldownStamped(lead.conversationId, reason, resolved.resolution!.at);
    else expect(await eventsOf(lead.conversationId, 'escalation.cooldown_stamped')).toEqual([]);

    // Takeover: released by `handled` only.
    const view = await admin.conversations.get.query({ id: lead.conversationId });
    if (releasesTakeover) {
      expect(view.takeover).toBeNull();
      expect(await eventsOf(lead.conversationId, 'takeover.released')).toHaveLength(1);
    } else {
      expect(view.takeover?.holder?.name).toBe('Dana');
      expect(await eventsOf(lead.conversationId, 'takeover.released')).toEqual([]);
    }

    await say(lead, 'I would like a refund please');
    const history = await admin.escalations.forLead.query({ leadId: lead.leadId });
    if (cooldown) {
      expect(history.map((entry) => entry.id)).toEqual([escalation.id]);
      expect(await eventsOf(lead.conversationId, 'escalation.suppressed')).toHaveLength(1);
    } else {
      expect(history).toHaveLength(2);
      expect(history[0]).toMatchObject({ status: 'open', trigger: 'rule', reason: PLAIN_RULE.reason, cycle: 2 });
      expect(await eventsOf(lead.conversationId, 'escalation.suppressed')).toEqual([]);
    }
  });
});

describe('automatic resolution (SPEC §5.7)', () => {
  it.each([
    { channel: 'sms' as const, replier: 'Dana (team member)', resolves: true },
    { channel: 'email' as const, replier: 'Dana (team member)', resolves: true },
    { channel: 'sms' as const, replier: 'Pat (not on the team)', resolves: false },
    { channel: 'email' as const, replier: 'Pat (not on the team)', resolves: false },
  ])('a $channel reply by $replier resolves: $resolves', async ({ channel, resolves }) => {
    const client = resolves ? dana : pat;
    const name = resolves ? 'Dana' : 'Pat';
    const lead = await newLead();
    await client.conversations.takeOver.mutate({ id: lead.conversationId });
    const escalation = await openEscalation(lead);
    const sent = await client.messages.sendManual.mutate({ conversationId: lead.conversationId, channel, body: 'Hi, this is the team. Looking into it now.' });
    if (sent.status !== 'accepted') throw new Error('a fresh reply was reported as a duplicate');
    const after = await admin.escalations.get.query({ id: escalation.id });
    if (resolves) {
      expect(sent.resolvedEscalationId).toBe(escalation.id);
      expect(after).toMatchObject({ status: 'resolved', resolution: { reason: 'handled', source: 'reply', byName: 'Dana', note: null } });
      expect(await eventsOf(lead.conversationId, 'takeover.released')).toEqual([]);
    } else {
      expect(sent.resolvedEscalationId).toBeNull();
      expect(after).toMatchObject({ status: 'open', resolution: null });
    }
    // An automatic resolution never releases the takeover: the replier still holds it.
    expect((await admin.conversations.get.query({ id: lead.conversationId })).takeover?.holder?.name).toBe(name);
  });

  const tasks: { disposition?: Disposition; resolutionReason?: Reason; expected: Reason | null }[] = [
    { disposition: 'connected', expected: 'handled' },
    { disposition: 'voicemail_left', expected: 'handled' },
    { disposition: 'no_answer', expected: null },
    { disposition: 'wrong_number', expected: null },
    { disposition: 'connected', resolutionReason: 'duplicate', expected: 'duplicate' },
    { disposition: 'voicemail_left', resolutionReason: 'false_positive', expected: 'false_positive' },
    { disposition: 'no_answer', resolutionReason: 'spam', expected: 'spam' },
    { disposition: 'wrong_number', resolutionReason: 'handled', expected: 'handled' },
    { resolutionReason: 'other', expected: 'other' },
  ];

  it.each(tasks)('a callback task completed with $disposition / $resolutionReason leaves it $expected', async ({ disposition, resolutionReason, expected }) => {
    const lead = await newLead();
    await dana.conversations.takeOver.mutate({ id: lead.conversationId });
    const escalation = await openEscalation(lead);
    const task = await dana.tasks.create.mutate({ leadId: lead.leadId, title: 'Call the customer back' });
    const note = resolutionReason === 'other' ? 'Sorted out on the phone' : undefined;
    const completed = await dana.tasks.complete.mutate({ id: task.id, ...(disposition ? { disposition } : {}), ...(resolutionReason ? { resolutionReason } : {}), ...(note ? { note } : {}) });
    expect(completed.task).toMatchObject({ status: 'completed', disposition: disposition ?? null, resolutionReason: resolutionReason ?? null });

    const after = await admin.escalations.get.query({ id: escalation.id });
    if (expected === null) {
      expect(completed.resolvedEscalation).toBeNull();
      expect(after).toMatchObject({ status: 'open', resolution: null });
      expect((await admin.conversations.get.query({ id: lead.conversationId })).escalation?.id).toBe(escalation.id);
    } else {
      expect(completed.resolvedEscalation?.id).toBe(escalation.id);
      expect(after).toMatchObject({ status: 'resolved', resolution: { reason: expected, source: 'task', byName: 'Dana', note: note ?? null } });
    }
    if (expected && ['spam', 'false_positive', 'duplicate'].includes(expected)) await expectCooldownStamped(lead.conversationId, expected, after.resolution!.at);
    else expect(await eventsOf(lead.conversationId, 'escalation.cooldown_stamped')).toEqual([]);
    // Never a takeover release, even for handled.
    expect((await admin.conversations.get.query({ id: lead.conversationId })).takeover?.holder?.name).toBe('Dana');
    expect(await eventsOf(lead.conversationId, 'takeover.released')).toEqual([]);
  });
});

describe('inside a cooldown window (SPEC §5.8–§5.9)', () => {
  it('a plain rule is suppressed: no escalation, no notification, a system note, and the AI answers', async () => {
    const { lead, escalation } = await leadInCooldown();
    const notificationsBefore = await danaNotificationsFor(lead.leadId);
    expect(notificationsBefore.map((notification) => [notification.escalationId, notification.kind])).toEqual([[escalation.id, 'escalation']]);

    await say(lead, 'Actually I want a refund');

    expect((await admin.escalations.forLead.query({ leadId: lead.leadId })).map((entry) => [entry.id, entry.status])).toEqual([[escalation.id, 'resolved']]);
    expect((await admin.conversations.get.query({ id: lead.conversationId })).escalation).toBeNull();
    const suppressed = await eventsOf(lead.conversationId, 'escalation.suppressed');
    expect(suppressed).toHaveLength(1);
    expect(suppressed[0]!.after).toMatchObject({ trigger: 'rule' });
    expect(suppressed[0]!.after!.systemNote).toBe(`Escalation suppressed: escalations are paused until ${tenantTime(suppressed[0]!.after!.cooldownUntil as string)}`);
    expect(await eventsOf(lead.conversationId, 'escalation.opened')).toHaveLength(1);

    // The AI handles the message as usual (the built-in responder's answer to a refund).
    const answers = await eventually(() => aiMessages(lead.conversationId), (messages) => messages.some((message) => message.body.startsWith('I can help with that')), 'the AI answer to the refund message');
    expect(answers.length).toBeGreaterThanOrEqual(1);
    expect(await danaNotificationsFor(lead.leadId)).toEqual(notificationsBefore);
  }, 90_000);

  it.each(BYPASS_RULES)('a rule with reasonCode $reasonCode / bypassCooldown $bypassCooldown opens at once', async ({ keyword, reasonCode }) => {
    const { lead, escalation } = await leadInCooldown();
    await say(lead, `There is a ${keyword} problem here`);
    const history = await admin.escalations.forLead.query({ leadId: lead.leadId });
    expect(history).toHaveLength(2);
    expect(history[0]).toMatchObject({ status: 'open', trigger: 'rule', reasonCode, cycle: 2 });
    expect(history[1]!.id).toBe(escalation.id);
    expect((await admin.conversations.get.query({ id: lead.conversationId })).escalation?.id).toBe(history[0]!.id);
    expect(await eventsOf(lead.conversationId, 'escalation.suppressed')).toEqual([]);
    expect((await danaNotificationsFor(lead.leadId)).filter((notification) => notification.escalationId === history[0]!.id).map((notification) => notification.kind)).toEqual(['escalation']);
  });

  it.each([
    { who: 'an agent', trigger: 'manual' },
    { who: 'an integration key', trigger: 'api' },
  ])('a manual escalation by $who opens (trigger $trigger)', async ({ trigger }) => {
    const { lead } = await leadInCooldown();
    const client = trigger === 'manual' ? dana : createTestClient(backend.server.url, (await admin.apiKeys.create.mutate({ name: `crm-${randomUUID()}`, role: 'agent' })).key);
    const opened = await client.escalations.open.mutate({ leadId: lead.leadId, teamId, reason: 'Please call back' });
    expect(opened.outcome).toBe('opened');
    expect(opened).toMatchObject({ escalation: { status: 'open', trigger, cycle: 2 } });
    expect((await admin.conversations.get.query({ id: lead.conversationId })).escalation?.trigger).toBe(trigger);
  });

  it('a guardrail violation escalates through the cooldown and sends no AI reply', async () => {
    await updateSettings(admin, { guardrails: { blockedPatterns: ['order number'] } });
    try {
      const { lead } = await leadInCooldown();
      await say(lead, 'Hello, this is about my order');
      const history = await eventually(() => admin.escalations.forLead.query({ leadId: lead.leadId }), (entries) => entries.length === 2, 'the guardrail escalation');
      expect(history[0]).toMatchObject({ status: 'open', trigger: 'guardrail', cycle: 2 });
      expect(await eventsOf(lead.conversationId, 'reply.blocked')).toHaveLength(1);
      expect(await eventsOf(lead.conversationId, 'escalation.suppressed')).toEqual([]);
      const view = await admin.conversations.get.query({ id: lead.conversationId });
      expect(view.pendingReply).toBeNull();
      expect(view.escalation?.trigger).toBe('guardrail');
      expect((await aiMessages(lead.conversationId)).filter((message) => /order number/i.test(message.body))).toEqual([]);
    } finally {
      await updateSettings(admin, { guardrails: { blockedPatterns: [] } });
    }
  }, 90_000);
});

describe('cycle count (SPEC §5.1)', () => {
  it('counts the nth escalation of a lead: resolve, escalate again → 2, then 3', async () => {
    const lead = await newLead();
    const first = await openEscalation(lead);
    expect(first).toMatchObject({ cycle: 1 });
    await dana.escalations.resolve.mutate({ id: first.id, reason: 'handled' });
    const second = await openEscalation(lead, 'Called again');
    expect(second).toMatchObject({ cycle: 2 });
    await dana.escalations.resolve.mutate({ id: second.id, reason: 'other', note: 'Sent to the billing desk' });
    await say(lead, 'Still waiting on my refund');
    const view = await admin.conversations.get.query({ id: lead.conversationId });
    expect(view.escalation).toMatchObject({ cycle: 3, trigger: 'rule', status: 'open' });
    expect((await admin.escalations.forLead.query({ leadId: lead.leadId })).map((entry) => [entry.redacted ? null : entry.cycle, entry.status])).toEqual([[3, 'open'], [2, 'resolved'], [1, 'resolved']]);
  });
});

describe('bad input changes nothing', () => {
  it('resolving an already-resolved escalation is a CONFLICT naming who resolved it and when', async () => {
    const { lead, escalation } = await leadInCooldown();
    const before = await admin.escalations.get.query({ id: escalation.id });
    const eventsBefore = await escalationEvents(lead.conversationId);
    const error = await expectTrpcError(admin.escalations.resolve.mutate({ id: escalation.id, reason: 'handled' }));
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toBe(`Already resolved by Dana at ${tenantTime(before.resolution!.at)}`);
    expect(await admin.escalations.get.query({ id: escalation.id })).toEqual(before);
    expect(await escalationEvents(lead.conversationId)).toEqual(eventsBefore);
  });

  it.each([
    { what: 'an unknown reason', input: { reason: 'bogus' as Reason }, field: 'reason' },
    { what: 'other with a blank note', input: { reason: 'other' as Reason, note: '   ' }, field: 'note' },
    { what: 'a note of 2,001 characters', input: { reason: 'handled' as Reason, note: 'x'.repeat(2001) }, field: 'note' },
  ])('$what → BAD_REQUEST on $field, still open', async ({ input, field }) => {
    const lead = await newLead();
    const escalation = await openEscalation(lead);
    const eventsBefore = await escalationEvents(lead.conversationId);
    expect(await expectTrpcError(dana.escalations.resolve.mutate({ id: escalation.id, ...input }))).toMatchObject({ code: 'BAD_REQUEST', field });
    expect(await admin.escalations.get.query({ id: escalation.id })).toEqual(escalation);
    expect(await escalationEvents(lead.conversationId)).toEqual(eventsBefore);
  });

  it('a note of exactly 2,000 characters is accepted', async () => {
    const lead = await newLead();
    const escalation = await openEscalation(lead);
    const resolved = await dana.escalations.resolve.mutate({ id: escalation.id, reason: 'other', note: 'y'.repeat(2000) });
    expect(resolved.resolution?.note).toHaveLength(2000);
  });

  it("escalating to another tenant's team is NOT_FOUND on teamId", async () => {
    const lead = await newLead();
    const error = await expectTrpcError(admin.escalations.open.mutate({ leadId: lead.leadId, teamId: globex.team.id, reason: 'Wrong team' }));
    expect(error).toMatchObject({ code: 'NOT_FOUND', field: 'teamId' });
    expect(await admin.escalations.forLead.query({ leadId: lead.leadId })).toEqual([]);
    expect(await escalationEvents(lead.conversationId)).toEqual([]);
  });

  it('a rule with a bad regular expression is a BAD_REQUEST naming rules.0.condition.pattern', async () => {
    const before = await admin.rules.list.query();
    const error = await expectTrpcError(admin.rules.save.mutate({ expectedVersion: before.version, rules: [{ name: 'Broken', condition: { pattern: '(unclosed' }, actions: [{ type: 'escalate', teamId, reason: 'Broken' }] }] }));
    expect(error).toMatchObject({ code: 'BAD_REQUEST', field: 'rules.0.condition.pattern' });
    expect(error.message).toMatch(/not a valid regular expression/);
    expect(await admin.rules.list.query()).toEqual(before);
  });
});
