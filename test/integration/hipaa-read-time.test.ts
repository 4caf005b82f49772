// HIPAA mode applied when events are read (issue 11 item 5, SPEC §5.4) on MariaDB + Redis: turned on
// after escalations, it hides their team and cycle count in the old timeline and in a stream replayed
// from before them; turned off again, the stored facts show — also those written while it was on.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TimelineEntry } from '../../shared/conversation-view.js';
import type { BatonEvent } from '../../shared/events.js';
import { collectEvents } from '../support/event-collector.js';
import { startTestBackend, type TestBackend } from '../support/in-process-server.js';
import { updateSettings } from '../support/settings.js';
import { postSignedWebhook } from '../support/signed-webhook.js';
import { createTestClient, type TestClient } from '../support/trpc-client.js';
import { storedTimeline } from './stored-timeline.js';

let backend: TestBackend;

beforeAll(async () => {
  backend = await startTestBackend('hipaa-read-time', { dialect: 'mysql', redis: true });
}, 60_000);

afterAll(() => backend?.stop());

const TEAM_NAME = 'Zebra Oncology Desk';
const LEAD_NAME = 'Priscilla Quux';
const CADENCE_OFF = { enabled: false, minDelaySeconds: 0, maxDelaySeconds: 0 };

/** Which of `forbidden` occur in `text` (an empty list is the pass). */
const leaksIn = (text: string, forbidden: (string | RegExp)[]) => forbidden.filter((needle) => (typeof needle === 'string' ? text.includes(needle) : needle.test(text))).map(String);

/**
 * A tenant with HIPAA mode off, a team with one agent (Nora), and one lead escalated twice to it: the
 * first escalation saw customer activity (re-escalated, notified) and was resolved; the second is
 * cycle 2 and open. `replayFrom`: the last event id before any of it.
 */
async function escalatedTwiceWithHipaaOff() {
  const created = await backend.createTenant();
  const admin = createTestClient(backend.server.url, created.apiKey);
  await updateSettings(admin, { hipaaMode: false, reEscalationCoalesceSeconds: 0, replyCadence: CADENCE_OFF });
  const team = await admin.teams.create.mutate({ name: TEAM_NAME });
  const noraAgent = await admin.agents.create.mutate({ email: `nora-${randomUUID().slice(0, 8)}@${created.tenant.slug}.test`, name: 'Nora Nurse' });
  await admin.teams.addMember.mutate({ teamId: team.id, agentId: noraAgent.id });
  const nora = createTestClient(backend.server.url, (await admin.apiKeys.create.mutate({ name: 'Nora laptop', role: 'agent', agentId: noraAgent.id })).key);
  const replayFrom = await admin.events.latestId.query();

  const thread = { id: `thread-${randomUUID()}`, phone: `+1555${Math.floor(1e6 + Math.random() * 9e6)}` };
  const customerWrites = async (body: string) => {
    const response = await postSignedWebhook(backend.server.url, '/webhooks/inbound', created.webhookSecret, {
      tenant: created.tenant.slug, connector: 'sms-gateway', externalConversationId: thread.id, externalMessageId: randomUUID(), channel: 'sms', body, lead: { phone: thread.phone, name: LEAD_NAME },
    });
    expect(response.status).toBe(202);
    return (response.body as { conversationId: string }).conversationId;
  };
  const conversationId = await customerWrites('A question about my results');
  const leadId = (await admin.conversations.get.query({ id: conversationId })).lead!.id;
  const escalate = async (reason: string) => {
    const outcome = await admin.escalations.open.mutate({ leadId, teamId: team.id, reason, conversationId });
    if (outcome.outcome !== 'opened') throw new Error(`expected an escalation, got ${outcome.outcome}`);
    return outcome.escalation.id;
  };
  const first = await escalate('First look');
  await customerWrites('Any news?'); // activity on the open escalation: re-escalated, the team notified in the same transaction (no coalescing window)
  expect((await nora.notifications.list.query({ limit: 50 })).map((n) => n.kind).sort()).toEqual(['escalation', 're_escalated']);
  await nora.escalations.resolve.mutate({ id: first, reason: 'handled' });
  const second = await escalate('Second look');
  return { admin, nora, team, conversationId, replayFrom, escalate, second };
}

/** The whole timeline as the drawer reads it: its JSON, and the words of its `escalation.opened` entries (newest first). */
async function readTimeline(client: TestClient, conversationId: string) {
  const page = await client.conversations.timeline.query({ id: conversationId, limit: 200 });
  expect(page.nextCursor).toBeNull();
  const opened = page.entries.filter((entry: TimelineEntry) => entry.eventType === 'escalation.opened').map((entry) => entry.text);
  return { json: JSON.stringify(page), opened };
}

/** `events.onChange` replayed from `lastEventId` up to the tenant's latest event now: its events and their JSON. */
async function replayStream(client: TestClient, admin: TestClient, lastEventId: string) {
  const latest = BigInt(await admin.events.latestId.query());
  const collector = collectEvents(client, { lastEventId });
  try {
    const events = await collector.waitFor((seen) => seen.some((event) => event.id === '-1' || BigInt(event.id) >= latest), 15_000);
    expect(events.filter((event) => event.id === '-1')).toEqual([]); // no subscription error
    return { events: [...events] as BatonEvent[], json: JSON.stringify(events) };
  } finally {
    collector.stop();
  }
}

describe('HIPAA mode turned on after escalations (issue 11 item 5)', () => {
  it('the old timeline loses their team names and cycle counts, and shows them again once it is off', async () => {
    const s = await escalatedTwiceWithHipaaOff();
    const shown = [`Escalated to ${TEAM_NAME}: Second look (cycle 2)`, `Escalated to ${TEAM_NAME}: First look`];
    expect((await readTimeline(s.nora, s.conversationId)).opened).toEqual(shown);

    await updateSettings(s.admin, { hipaaMode: true });
    const hidden = await readTimeline(s.nora, s.conversationId);
    expect(hidden.opened).toEqual(['Escalated: Second look', 'Escalated: First look']);
    expect(leaksIn(hidden.json, [TEAM_NAME, s.team.id, /cycle/i])).toEqual([]);

    await updateSettings(s.admin, { hipaaMode: false });
    const again = await readTimeline(s.nora, s.conversationId);
    expect(again.opened).toEqual(shown);
    expect(again.json).toContain(TEAM_NAME);
  }, 60_000);

  it('a stream replayed from before them carries no team, cycle or lead name while it is on; the facts come back when it is off', async () => {
    const s = await escalatedTwiceWithHipaaOff();
    const everything = [TEAM_NAME, s.team.id, '"cycle"', LEAD_NAME];
    const before = await replayStream(s.nora, s.admin, s.replayFrom);
    expect(leaksIn(before.json, everything)).toEqual(everything); // stored and streamed with the facts while HIPAA mode was off
    const types = new Set(before.events.map((event) => event.type));
    for (const type of ['escalation.opened', 'escalation.re_escalated', 'escalation.notified', 'escalation.resolved']) expect(types).toContain(type);

    await updateSettings(s.admin, { hipaaMode: true });
    const hidden = await replayStream(s.nora, s.admin, s.replayFrom);
    expect(hidden.events.map((event) => event.id)).toEqual(expect.arrayContaining(before.events.map((event) => event.id))); // the same events, redacted
    expect(leaksIn(hidden.json, everything)).toEqual([]);
    expect(hidden.events.filter((event) => event.type === 'escalation.opened').map((event) => event.after)).toEqual([
      expect.objectContaining({ redacted: true, reason: 'First look' }),
      expect.objectContaining({ redacted: true, reason: 'Second look' }),
    ]);

    await updateSettings(s.admin, { hipaaMode: false });
    const again = await replayStream(s.nora, s.admin, s.replayFrom);
    expect(leaksIn(again.json, everything)).toEqual(everything);
    expect(again.events.filter((event) => event.type === 'escalation.opened').map((event) => [event.after?.team, event.after?.cycle])).toEqual([
      [{ id: s.team.id, name: TEAM_NAME }, 1],
      [{ id: s.team.id, name: TEAM_NAME }, 2],
    ]);
  }, 60_000);

  it('an escalation written while it was on stores its team and cycle: hidden then, shown once it is off (SPEC §5.4 governs what leaves the backend)', async () => {
    const s = await escalatedTwiceWithHipaaOff();
    await updateSettings(s.admin, { hipaaMode: true });
    await s.nora.escalations.resolve.mutate({ id: s.second, reason: 'handled' });
    await s.escalate('Third look'); // cycle 3, written in HIPAA mode
    const stored = (await storedTimeline(backend.server.db, s.conversationId)).events.filter((event) => event.type === 'escalation.opened').at(-1)!;
    expect(stored.after).toMatchObject({ team: { id: s.team.id, name: TEAM_NAME }, cycle: 3, reason: 'Third look' });
    const hidden = await readTimeline(s.nora, s.conversationId);
    expect(hidden.opened[0]).toBe('Escalated: Third look');
    expect(leaksIn(hidden.json, [TEAM_NAME, /cycle/i])).toEqual([]);
    const [newest] = await s.nora.notifications.list.query({ limit: 1 });
    expect(leaksIn(JSON.stringify(newest), [TEAM_NAME, LEAD_NAME, 'Third look', '"cycle"'])).toEqual([]);

    await updateSettings(s.admin, { hipaaMode: false });
    expect((await readTimeline(s.nora, s.conversationId)).opened[0]).toBe(`Escalated to ${TEAM_NAME}: Third look (cycle 3)`);
    const [shown] = await s.nora.notifications.list.query({ limit: 1 });
    expect(shown).toMatchObject({ kind: 'escalation', title: `Escalation: ${TEAM_NAME} (cycle 3)`, body: `${LEAD_NAME} — Third look` });
  }, 60_000);
});
