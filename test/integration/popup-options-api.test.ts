// What the popup, the options page and notifications ask of the backend (issue 10), through tRPC on
// MariaDB + Redis: versioned settings (CONFLICT on a stale version), helpdesk adapters as a tenant
// setting, conversations.list and escalations.listOpen for the popup, the first-shown helpdesk URL,
// notification words, rules readable by every agent — each tenant-scoped, HIPAA-safe where it applies.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationListItem } from '../../shared/conversation-list.js';
import type { HelpdeskAdapterConfigInput } from '../../shared/helpdesk-adapters.js';
import { SettingsEntity } from '../../backend/src/db/entities/tenancy.entities.js';
import type { CreatedTenant } from '../../backend/src/features/admin/tenants.service.js';
import { draftJobDone } from '../support/draft-job.js';
import { startTestBackend, type TestBackend } from '../support/in-process-server.js';
import { fewestQueries } from '../support/query-counter.js';
import { saveRules } from '../support/rules.js';
import { updateSettings } from '../support/settings.js';
import { postSignedWebhook } from '../support/signed-webhook.js';
import { createTestClient, expectTrpcError, type TestClient } from '../support/trpc-client.js';
import { storedTimeline } from './stored-timeline.js';

let backend: TestBackend;
let acme: CreatedTenant;
let globex: CreatedTenant;
/** acme's integration admin key (no agent of its own). */
let admin: TestClient;
/** globex's integration admin key. */
let globexAdmin: TestClient;
interface Agent {
  id: string;
  name: string;
  client: TestClient;
}
/** An acme agent on acme's first team (Support). */
let dana: Agent;
/** An acme agent on no team. */
let pat: Agent;
/** An acme admin agent. */
let ada: Agent;

async function makeAgent(tenantAdmin: TestClient, tenant: CreatedTenant, name: string, options: { role?: 'agent' | 'admin'; teamId?: string } = {}): Promise<Agent> {
  const created = await tenantAdmin.agents.create.mutate({ email: `${name.split(' ')[0]!.toLowerCase()}-${randomUUID().slice(0, 6)}@${tenant.tenant.slug}.test`, name, role: options.role ?? 'agent' });
  if (options.teamId) await tenantAdmin.teams.addMember.mutate({ teamId: options.teamId, agentId: created.id });
  const { key } = await tenantAdmin.apiKeys.create.mutate({ name: `${name} key`, role: options.role ?? 'agent', agentId: created.id });
  return { id: created.id, name, client: createTestClient(backend.server.url, key) };
}

let phoneCounter = 0;
/** A customer message on a new thread with a named lead; waits until the AI has done with it. */
async function newConversation(tenant: CreatedTenant, leadName: string | null = `Lead ${randomUUID().slice(0, 6)}`) {
  const thread = `ticket-${randomUUID()}`;
  const result = await postSignedWebhook(backend.server.url, '/webhooks/inbound', tenant.webhookSecret, {
    tenant: tenant.tenant.slug, connector: 'acme-desk', externalConversationId: thread, externalMessageId: `m-${randomUUID()}`, channel: 'sms', body: 'Hello, anyone there?',
    lead: { phone: `+1555030${String(++phoneCounter).padStart(4, '0')}`, ...(leadName ? { name: leadName } : {}) },
  });
  expect(result.status).toBe(202);
  await draftJobDone(backend.server.db, result.body.messageId as string);
  return { thread, leadName, conversationId: result.body.conversationId as string };
}

const leadIdOf = async (client: TestClient, conversationId: string) => (await client.conversations.get.query({ id: conversationId })).lead!.id;

/** Opens an escalation of the conversation's lead to `teamId` (as the tenant's integration key). */
async function escalate(tenantAdmin: TestClient, conversationId: string, teamId: string, reason = 'Refund request') {
  const opened = await tenantAdmin.escalations.open.mutate({ leadId: await leadIdOf(tenantAdmin, conversationId), teamId, reason, conversationId });
  if (opened.outcome === 'suppressed') throw new Error('expected an escalation, got a cooldown');
  return opened.escalation;
}

/** Every page of conversations.list with `limit` per page, followed by its cursors. */
async function allPages(client: TestClient, filter: Record<string, boolean>, limit: number): Promise<ConversationListItem[][]> {
  const pages: ConversationListItem[][] = [];
  let cursor: string | null = null;
  do {
    const page: Awaited<ReturnType<TestClient['conversations']['list']['query']>> = await client.conversations.list.query({ filter, limit, cursor });
    pages.push(page.items);
    cursor = page.nextCursor;
  } while (cursor && pages.length < 100);
  return pages;
}

const isNewestFirst = (items: { updatedAt: string; id: string }[]) =>
  items.every((item, index) => index === 0 || item.updatedAt < items[index - 1]!.updatedAt || (item.updatedAt === items[index - 1]!.updatedAt && item.id < items[index - 1]!.id));

/** A generic adapter for a fixture helpdesk (shared/helpdesk-adapters.ts). */
const adapter = (overrides: Partial<HelpdeskAdapterConfigInput> = {}): HelpdeskAdapterConfigInput => ({
  id: randomUUID(),
  name: 'Acme Desk',
  origin: 'http://127.0.0.1:4555',
  urlPattern: '^http://127\\.0\\.0\\.1:4555/tickets/\\d+',
  sampleUrl: 'http://127.0.0.1:4555/tickets/42',
  conversationId: { from: 'url', pattern: '/tickets/(\\d+)' },
  selectors: { threadHeader: '.ticket-header', mount: '.ticket', composer: null, sendButton: null },
  connector: 'acme-desk',
  channel: 'email',
  ...overrides,
});

beforeAll(async () => {
  backend = await startTestBackend('popup-options', { dialect: 'mysql', redis: true });
  acme = await backend.createTenant('acme');
  globex = await backend.createTenant('globex');
  admin = createTestClient(backend.server.url, acme.apiKey);
  globexAdmin = createTestClient(backend.server.url, globex.apiKey);
  dana = await makeAgent(admin, acme, 'Dana Smith', { teamId: acme.team.id });
  pat = await makeAgent(admin, acme, 'Pat Jones');
  ada = await makeAgent(admin, acme, 'Ada Admin', { role: 'admin' });
  for (const client of [admin, globexAdmin]) await updateSettings(client, { replyCadence: { enabled: false, minDelaySeconds: 0, maxDelaySeconds: 0 } });
}, 60_000);

afterAll(() => backend?.stop());

describe('settings versioning', () => {
  it('settings.get answers the version and whether the caller may edit', async () => {
    const asAdmin = await ada.client.settings.get.query();
    const asAgent = await pat.client.settings.get.query();
    expect(asAdmin.version).toBeGreaterThanOrEqual(1);
    expect(asAdmin).toMatchObject({ canEdit: true, version: asAgent.version });
    expect(asAgent.canEdit).toBe(false);
    expect(asAgent).not.toHaveProperty('ai.apiKey');
  });

  it('an update naming the current version saves and answers the next version', async () => {
    const { version } = await ada.client.settings.get.query();
    const saved = await ada.client.settings.update.mutate({ expectedVersion: version, releaseWarningMinutes: 25 });
    expect(saved).toMatchObject({ version: version + 1, releaseWarningMinutes: 25, canEdit: true });
    expect(await pat.client.settings.get.query()).toMatchObject({ version: version + 1, releaseWarningMinutes: 25 });
    // A patch that changes nothing keeps the version.
    expect((await ada.client.settings.update.mutate({ expectedVersion: version + 1, releaseWarningMinutes: 25 })).version).toBe(version + 1);
  });

  it('a stale version is a CONFLICT written for an admin, and nothing changes', async () => {
    const before = await ada.client.settings.get.query();
    await admin.settings.update.mutate({ expectedVersion: before.version, slaResponseMinutes: before.slaResponseMinutes + 1 });
    const afterOther = await ada.client.settings.get.query();
    const conflict = await expectTrpcError(ada.client.settings.update.mutate({ expectedVersion: before.version, slaResponseMinutes: 5, hipaaMode: true }));
    expect(conflict).toMatchObject({ code: 'CONFLICT', field: 'expectedVersion', message: 'Another admin changed these settings since you opened them; reload to see their changes' });
    expect(await ada.client.settings.get.query()).toEqual(afterOther);
    const changes = await backend.server.db.query("SELECT COUNT(*) AS n FROM events WHERE tenant_id = ? AND type = 'settings.changed' AND `after` LIKE '%\"slaResponseMinutes\":5%'", [acme.tenant.id]);
    expect(Number(changes[0].n)).toBe(0);
  });

  it('two admins saving the same version at once: exactly one wins', async () => {
    const { version } = await ada.client.settings.get.query();
    const results = await Promise.allSettled([
      ada.client.settings.update.mutate({ expectedVersion: version, afterHoursReleaseMinutes: 61 }),
      admin.settings.update.mutate({ expectedVersion: version, afterHoursReleaseMinutes: 62 }),
    ]);
    const winners = results.filter((result) => result.status === 'fulfilled');
    expect(winners).toHaveLength(1);
    const loser = results.find((result) => result.status === 'rejected')!;
    expect(await expectTrpcError(Promise.reject(loser.reason))).toMatchObject({ code: 'CONFLICT' });
    const after = await pat.client.settings.get.query();
    expect(after.version).toBe(version + 1);
    expect(after.afterHoursReleaseMinutes).toBe((winners[0] as PromiseFulfilledResult<{ afterHoursReleaseMinutes: number }>).value.afterHoursReleaseMinutes);
  });

  it('with no stored row the version is 0; the first saves race safely too', async () => {
    const fresh = await backend.createTenant();
    const freshAdmin = createTestClient(backend.server.url, fresh.apiKey);
    await backend.server.db.getRepository(SettingsEntity).delete({ tenantId: fresh.tenant.id });
    expect((await freshAdmin.settings.get.query()).version).toBe(0);
    const results = await Promise.allSettled([0, 1].map((index) => freshAdmin.settings.update.mutate({ expectedVersion: 0, slaResponseMinutes: 40 + index })));
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(await expectTrpcError(Promise.reject((results.find((result) => result.status === 'rejected') as PromiseRejectedResult).reason))).toMatchObject({ code: 'CONFLICT' });
    expect((await freshAdmin.settings.get.query()).version).toBe(1);
  });

  it('expectedVersion is required; a non-admin forging an update is FORBIDDEN and changes nothing', async () => {
    expect(await expectTrpcError(ada.client.settings.update.mutate({ hipaaMode: true } as never))).toMatchObject({ code: 'BAD_REQUEST', field: 'expectedVersion' });
    expect(await expectTrpcError(ada.client.settings.update.mutate({ expectedVersion: -1, hipaaMode: true }))).toMatchObject({ code: 'BAD_REQUEST', field: 'expectedVersion' });
    const before = await pat.client.settings.get.query();
    expect(await expectTrpcError(pat.client.settings.update.mutate({ expectedVersion: before.version, hipaaMode: true }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await pat.client.settings.get.query()).toEqual(before);
  });

  it('answers field errors naming the field, e.g. a cadence with min > max', async () => {
    const { version } = await ada.client.settings.get.query();
    const error = await expectTrpcError(ada.client.settings.update.mutate({ expectedVersion: version, replyCadence: { enabled: true, minDelaySeconds: 300, maxDelaySeconds: 60 } }));
    expect(error).toMatchObject({ code: 'BAD_REQUEST', field: 'replyCadence.minDelaySeconds' });
    expect(error.message).toContain('replyCadence.minDelaySeconds');
    expect((await ada.client.settings.get.query()).version).toBe(version);
  });
});

describe('helpdesk adapters as a tenant setting', () => {
  it('an admin saves them; every agent of the tenant reads them; another tenant never does', async () => {
    const config = adapter();
    const { version } = await ada.client.settings.get.query();
    const saved = await ada.client.settings.update.mutate({ expectedVersion: version, helpdeskAdapters: [config] });
    expect(saved.helpdeskAdapters).toEqual([config]);
    expect((await pat.client.settings.get.query()).helpdeskAdapters).toEqual([config]);
    expect((await globexAdmin.settings.get.query()).helpdeskAdapters).toEqual([]);
    const cleared = await ada.client.settings.update.mutate({ expectedVersion: saved.version, helpdeskAdapters: [] });
    expect(cleared.helpdeskAdapters).toEqual([]);
  });

  it.each([
    ['a pattern that does not match the sample', adapter({ urlPattern: '^https://elsewhere\\.example/' }), 'helpdeskAdapters.0.urlPattern', /urlPattern/],
    ['a bad regular expression', adapter({ urlPattern: '^http://127\\.0\\.0\\.1:4555/(tickets' }), 'helpdeskAdapters.0.urlPattern', /urlPattern is not a valid regular expression/],
    ['an origin with a path', adapter({ origin: 'http://127.0.0.1:4555/desk' }), 'helpdeskAdapters.0.origin', /origin must be/],
    ['an id pattern that captures nothing', adapter({ conversationId: { from: 'url', pattern: '/tickets/\\d+' } }), 'helpdeskAdapters.0.conversationId.pattern', /conversationId.pattern/],
    ['a blank selector', adapter({ selectors: { threadHeader: ' ', mount: '.ticket', composer: null, sendButton: null } }), 'helpdeskAdapters.0.selectors.threadHeader', /selectors.threadHeader is required/],
  ])('refuses %s with a field error on its path, saving nothing', async (_label, config, field, message) => {
    const before = await ada.client.settings.get.query();
    const error = await expectTrpcError(ada.client.settings.update.mutate({ expectedVersion: before.version, helpdeskAdapters: [config] }));
    expect(error).toMatchObject({ code: 'BAD_REQUEST', field });
    expect(error.fieldErrors?.[field]).toMatch(message);
    expect(error.message).toContain(field);
    expect(await ada.client.settings.get.query()).toEqual(before);
  });
});

describe('conversations.list', () => {
  /** Dana holds three, Pat one; one of Dana's and one nobody's are escalated to Support; globex has its own. */
  let held: string[];
  let patHeld: string;
  let escalatedUnheld: string;
  let globexConversation: string;

  beforeAll(async () => {
    held = [];
    for (let index = 0; index < 3; index += 1) {
      const { conversationId } = await newConversation(acme, `Held ${index}`);
      await dana.client.conversations.takeOver.mutate({ id: conversationId });
      held.push(conversationId);
    }
    patHeld = (await newConversation(acme, 'Pat Customer')).conversationId;
    await pat.client.conversations.takeOver.mutate({ id: patHeld, source: 'popup' });
    escalatedUnheld = (await newConversation(acme, 'Escalated Customer')).conversationId;
    await escalate(admin, escalatedUnheld, acme.team.id);
    await escalate(admin, held[0]!, acme.team.id, 'Angry customer');
    const globexOne = await newConversation(globex, 'Globex Customer');
    globexConversation = globexOne.conversationId;
    await escalate(globexAdmin, globexConversation, globex.team.id);
  }, 60_000);

  it('heldByMe: my takeovers with lead name, helpdesk location and holder, newest activity first', async () => {
    const page = await dana.client.conversations.list.query({ filter: { heldByMe: true } });
    expect(page.items.map((item) => item.id).sort()).toEqual([...held].sort());
    expect(isNewestFirst(page.items)).toBe(true);
    expect(page.nextCursor).toBeNull();
    expect(Date.parse(page.serverNow)).not.toBeNaN();
    const first = page.items.find((item) => item.id === held[1])!;
    expect(first).toMatchObject({
      leadName: 'Held 1',
      connector: 'acme-desk',
      externalId: expect.stringMatching(/^ticket-/),
      helpdeskUrl: null,
      takeover: { holderId: dana.id, holderName: 'Dana Smith', source: 'manual', autoReleaseAt: expect.any(String) },
      escalation: null,
    });
    expect(page.items.find((item) => item.id === held[0])!.escalation).toMatchObject({ reason: 'Angry customer', trigger: 'api', teamName: acme.team.name });
    expect((await pat.client.conversations.list.query({ filter: { heldByMe: true } })).items.map((item) => item.id)).toEqual([patHeld]);
  });

  it('escalatedForMyTeams: the open escalations of my teams only, with the team named', async () => {
    const mine = await dana.client.conversations.list.query({ filter: { escalatedForMyTeams: true } });
    expect(mine.items.map((item) => item.id).sort()).toEqual([held[0]!, escalatedUnheld].sort());
    expect(mine.items.find((item) => item.id === escalatedUnheld)).toMatchObject({ leadName: 'Escalated Customer', takeover: null, escalation: { reason: 'Refund request', teamName: acme.team.name } });
    expect((await pat.client.conversations.list.query({ filter: { escalatedForMyTeams: true } })).items).toEqual([]);
    // Both filters at once: escalated for my team and held by me.
    expect((await dana.client.conversations.list.query({ filter: { escalatedForMyTeams: true, heldByMe: true } })).items.map((item) => item.id)).toEqual([held[0]]);
  });

  it('an integration key holds nothing and has no teams: empty pages', async () => {
    expect((await admin.conversations.list.query({ filter: { heldByMe: true } })).items).toEqual([]);
    expect((await admin.conversations.list.query({ filter: { escalatedForMyTeams: true } })).items).toEqual([]);
  });

  it('pages with an opaque cursor: every conversation once, in order, across pages', async () => {
    const all = (await admin.conversations.list.query({ limit: 200 })).items;
    expect(all.length).toBeGreaterThanOrEqual(5);
    const pages = await allPages(admin, {}, 2);
    expect(pages.slice(0, -1).every((page) => page.length === 2)).toBe(true);
    expect(pages.flat().map((item) => item.id)).toEqual(all.map((item) => item.id));
    expect(isNewestFirst(all)).toBe(true);
    const taken = await allPages(dana.client, { takenOver: true }, 1);
    expect(taken.flat().map((item) => item.id).sort()).toEqual([...held, patHeld].sort());
  });

  it('is tenant-scoped: another tenant’s conversations never appear, in either direction', async () => {
    const acmeIds = (await admin.conversations.list.query({ limit: 200 })).items.map((item) => item.id);
    expect(acmeIds).not.toContain(globexConversation);
    const globexIds = (await globexAdmin.conversations.list.query({ limit: 200 })).items.map((item) => item.id);
    expect(globexIds).toEqual([globexConversation]);
  });

  it('a bad cursor is a BAD_REQUEST naming cursor; a bad limit names limit', async () => {
    for (const cursor of ['not-a-cursor', Buffer.from('[1,"x"]').toString('base64url')]) {
      expect(await expectTrpcError(admin.conversations.list.query({ cursor }))).toMatchObject({ code: 'BAD_REQUEST', field: 'cursor' });
    }
    expect(await expectTrpcError(admin.conversations.list.query({ limit: 0 }))).toMatchObject({ code: 'BAD_REQUEST', field: 'limit' });
    expect(await expectTrpcError(admin.conversations.list.query({ limit: 201 }))).toMatchObject({ code: 'BAD_REQUEST', field: 'limit' });
  });

  it('conversations.get answers a banner in three statements: the conversation, its lead with what the banners need, its replies (issue 13)', async () => {
    const { conversationId } = await newConversation(acme, 'View Count');
    await admin.conversations.get.query({ id: conversationId }); // warm: authentication and settings cached
    const { result, queries } = await fewestQueries(backend.server.db, () => admin.conversations.get.query({ id: conversationId }));
    expect(result).toMatchObject({ id: conversationId, lead: { name: 'View Count' }, escalation: null, failedDraft: null, helpdeskUrl: null });
    expect(queries.map((query) => /FROM `(\w+)`/.exec(query)?.[1])).toEqual(['conversations', 'leads', 'scheduled_replies']);
  });

  it('takes as many queries for 200 rows as for one (joins, not a query per row)', async () => {
    await admin.conversations.list.query({ limit: 1 }); // warm: authentication cached
    const one = await fewestQueries(backend.server.db, () => admin.conversations.list.query({ limit: 1 }));
    const many = await fewestQueries(backend.server.db, () => admin.conversations.list.query({ limit: 200 }));
    expect(many.result.items.length).toBeGreaterThanOrEqual(5);
    expect(many.queries.length).toBe(one.queries.length);
    expect(many.queries.filter((query) => /FROM `conversations`/.test(query))).toHaveLength(1);
  });
});

describe('escalations.listOpen', () => {
  let support: string;
  let billing: { id: string; name: string };
  let supportEscalations: string[];
  let billingEscalation: string;

  beforeAll(async () => {
    billing = await admin.teams.create.mutate({ name: `Billing ${randomUUID().slice(0, 4)}` });
    support = acme.team.id;
    supportEscalations = [];
    for (let index = 0; index < 2; index += 1) {
      const { conversationId } = await newConversation(acme, `Support Lead ${index}`);
      supportEscalations.push((await escalate(admin, conversationId, support, `Support reason ${index}`)).id);
    }
    const { conversationId } = await newConversation(acme, 'Billing Lead');
    billingEscalation = (await escalate(admin, conversationId, billing.id, 'Invoice wrong')).id;
  }, 60_000);

  it('myTeams: only my teams’ open escalations, newest first, with lead, team, cycle and location', async () => {
    const mine = await dana.client.escalations.listOpen.query({ myTeams: true, limit: 200 });
    expect(mine.every((item) => item.teamId === support)).toBe(true);
    expect(mine.map((item) => item.id)).toEqual(expect.arrayContaining(supportEscalations));
    expect(mine.map((item) => item.id)).not.toContain(billingEscalation);
    expect(mine.every((item, index) => index === 0 || item.openedAt <= mine[index - 1]!.openedAt)).toBe(true);
    expect(mine.find((item) => item.id === supportEscalations[1])).toMatchObject({
      leadName: 'Support Lead 1', teamName: acme.team.name, cycle: 1, reason: 'Support reason 1', trigger: 'api', activityCount: 0,
      conversationId: expect.any(String), connector: 'acme-desk', externalId: expect.stringMatching(/^ticket-/), helpdeskUrl: null,
    });
    expect(await pat.client.escalations.listOpen.query({ myTeams: true, limit: 50 })).toEqual([]);
  });

  it('without myTeams: all of the tenant’s open escalations, newest first; never another tenant’s', async () => {
    const all = await pat.client.escalations.listOpen.query({ limit: 200 });
    expect(all.map((item) => item.id)).toEqual(expect.arrayContaining([...supportEscalations, billingEscalation]));
    expect(all[0]!.id).toBe(billingEscalation);
    const globexIds = (await globexAdmin.escalations.listOpen.query({ limit: 200 })).map((item) => item.leadName);
    expect(globexIds).toEqual(['Globex Customer']);
    expect(all.map((item) => item.leadName)).not.toContain('Globex Customer');
  });

  it('an integration key asking for its teams gets an empty list (it has no agent, so no teams)', async () => {
    expect(await admin.escalations.listOpen.query({ myTeams: true, limit: 50 })).toEqual([]);
  });

  it('is one SQL query, whatever the number of rows', async () => {
    await dana.client.escalations.listOpen.query({ myTeams: true, limit: 1 });
    const one = await fewestQueries(backend.server.db, () => dana.client.escalations.listOpen.query({ myTeams: true, limit: 1 }));
    const many = await fewestQueries(backend.server.db, () => dana.client.escalations.listOpen.query({ myTeams: true, limit: 200 }));
    expect(many.result.length).toBeGreaterThanOrEqual(3);
    expect(many.queries.length).toBe(one.queries.length);
    const listing = many.queries.filter((query) => /FROM `escalations`/.test(query));
    expect(listing).toHaveLength(1);
    expect(listing[0]).toMatch(/JOIN `leads`[\s\S]*JOIN `teams`[\s\S]*JOIN `conversation_refs`[\s\S]*JOIN `team_members`/);
  });
});

describe('conversations.rememberHelpdeskUrl', () => {
  it('the first showing wins; later ones change nothing and say so; one timeline event', async () => {
    const { conversationId } = await newConversation(acme, 'Url Customer');
    const first = `http://127.0.0.1:4555/tickets/${randomUUID()}`;
    expect(await dana.client.conversations.rememberHelpdeskUrl.mutate({ id: conversationId, url: first })).toEqual({ recorded: true, helpdeskUrl: first });
    expect(await pat.client.conversations.rememberHelpdeskUrl.mutate({ id: conversationId, url: 'https://elsewhere.example/t/1' })).toEqual({ recorded: false, helpdeskUrl: first });
    expect(await dana.client.conversations.rememberHelpdeskUrl.mutate({ id: conversationId, url: first })).toEqual({ recorded: false, helpdeskUrl: first });
    expect((await pat.client.conversations.get.query({ id: conversationId })).helpdeskUrl).toBe(first);
    const events = (await storedTimeline(backend.server.db, conversationId)).events.filter((event) => event.type === 'conversation.helpdesk_url_recorded');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actor: expect.stringMatching(/^api_key:/), after: { helpdeskUrl: first, connector: 'acme-desk' } });
    const timeline = await dana.client.conversations.timeline.query({ id: conversationId, limit: 50 });
    expect(timeline.entries.find((entry) => entry.eventType === 'conversation.helpdesk_url_recorded')).toMatchObject({ text: 'Opened in the helpdesk for the first time', actor: { kind: 'agent', name: 'Dana Smith' } });
  });

  it('two first showings at once: one is recorded, both answer it', async () => {
    const { conversationId } = await newConversation(acme);
    const urls = [0, 1, 2].map((index) => `http://127.0.0.1:4555/tickets/race-${index}`);
    const answers = await Promise.all(urls.map((url, index) => [dana, pat, ada][index]!.client.conversations.rememberHelpdeskUrl.mutate({ id: conversationId, url })));
    expect(answers.filter((answer) => answer.recorded)).toHaveLength(1);
    const winner = answers.find((answer) => answer.recorded)!.helpdeskUrl;
    expect(answers.map((answer) => answer.helpdeskUrl)).toEqual([winner, winner, winner]);
    expect((await storedTimeline(backend.server.db, conversationId)).events.filter((event) => event.type === 'conversation.helpdesk_url_recorded')).toHaveLength(1);
  });

  it('the URL reaches the popup lists and the notifications', async () => {
    const { conversationId } = await newConversation(acme, 'Linked Customer');
    const url = `http://127.0.0.1:4555/tickets/${randomUUID()}`;
    await dana.client.conversations.rememberHelpdeskUrl.mutate({ id: conversationId, url });
    await dana.client.conversations.takeOver.mutate({ id: conversationId });
    const escalation = await escalate(admin, conversationId, acme.team.id, 'Needs a look');
    expect((await dana.client.conversations.list.query({ filter: { heldByMe: true }, limit: 200 })).items.find((item) => item.id === conversationId)?.helpdeskUrl).toBe(url);
    expect((await dana.client.escalations.listOpen.query({ myTeams: true, limit: 200 })).find((item) => item.id === escalation.id)?.helpdeskUrl).toBe(url);
    const notification = (await dana.client.notifications.list.query({ unreadOnly: true, limit: 200 })).find((item) => item.escalationId === escalation.id);
    expect(notification).toMatchObject({
      conversationId, connector: 'acme-desk', externalId: expect.stringMatching(/^ticket-/), helpdeskUrl: url,
      kind: 'escalation', title: `Escalation: ${acme.team.name}`, body: 'Linked Customer — Needs a look',
    });
  });

  it('refuses what is not an http(s) URL of at most 2048 characters, and another tenant’s conversation', async () => {
    const { conversationId } = await newConversation(acme);
    for (const url of ['javascript:alert(1)', 'not a url', `https://desk.example/${'x'.repeat(2048)}`]) {
      expect(await expectTrpcError(dana.client.conversations.rememberHelpdeskUrl.mutate({ id: conversationId, url }))).toMatchObject({ code: 'BAD_REQUEST', field: 'url' });
    }
    expect(await expectTrpcError(globexAdmin.conversations.rememberHelpdeskUrl.mutate({ id: conversationId, url: 'https://globex.example/t/1' }))).toMatchObject({ code: 'NOT_FOUND' });
    expect((await dana.client.conversations.get.query({ id: conversationId })).helpdeskUrl).toBeNull();
  });
});

describe('HIPAA mode in the popup lists and notification words', () => {
  it('no team name, no cycle; notifications without team, lead name or reason', async () => {
    const hip = await backend.createTenant();
    const hipAdmin = createTestClient(backend.server.url, hip.apiKey);
    const team = await hipAdmin.teams.create.mutate({ name: 'Zebra Oncology Desk' });
    const nurse = await makeAgent(hipAdmin, hip, 'Nora Nurse', { teamId: team.id });
    await updateSettings(hipAdmin, { hipaaMode: true, reEscalationCoalesceSeconds: 0, replyCadence: { enabled: false, minDelaySeconds: 0, maxDelaySeconds: 0 } });
    const { conversationId } = await newConversation(hip, 'Priscilla Quux');
    await escalate(hipAdmin, conversationId, team.id, 'Chest pain mentioned');

    const listed = await nurse.client.conversations.list.query({ filter: { escalatedForMyTeams: true } });
    expect(listed.items).toEqual([expect.objectContaining({ id: conversationId, escalation: expect.objectContaining({ teamName: null }) })]);
    const open = await nurse.client.escalations.listOpen.query({ myTeams: true, limit: 50 });
    expect(open).toEqual([expect.objectContaining({ teamId: team.id, teamName: null, cycle: null })]);
    for (const text of [JSON.stringify(listed), JSON.stringify(open)]) expect(text).not.toContain('Zebra Oncology Desk');

    const [notification] = await nurse.client.notifications.list.query({ unreadOnly: true, limit: 50 });
    expect(notification).toMatchObject({ kind: 'escalation', title: 'New escalation', conversationId, connector: 'acme-desk' });
    for (const secret of ['Zebra', 'Priscilla', 'Chest pain', 'cycle']) expect(`${notification!.title} ${notification!.body}`).not.toContain(secret);
  });
});

describe('rules and teams for the options page', () => {
  it('any agent reads the rules; only admins save them', async () => {
    const saved = await saveRules(ada.client, [{ name: 'Refunds', condition: { keywords: ['refund'] }, actions: [{ type: 'tag', tag: 'billing' }] }]);
    expect(await pat.client.rules.list.query()).toEqual(saved);
    expect(await expectTrpcError(pat.client.rules.save.mutate({ rules: [], expectedVersion: saved.version }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await pat.client.rules.list.query()).toEqual(saved);
    expect((await globexAdmin.rules.list.query()).rules.map((rule) => rule.name)).not.toContain('Refunds');
  });

  it('a bad regular expression in a rule is a field error on the rule’s path, saving nothing', async () => {
    const before = await ada.client.rules.list.query();
    const error = await expectTrpcError(ada.client.rules.save.mutate({
      expectedVersion: before.version,
      rules: [
        { name: 'Fine', condition: { keywords: ['ok'] }, actions: [{ type: 'tag', tag: 'ok' }] },
        { name: 'Broken', condition: { pattern: '(refund' }, actions: [{ type: 'tag', tag: 'x' }] },
      ],
    }));
    expect(error).toMatchObject({ code: 'BAD_REQUEST', field: 'rules.1.condition.pattern' });
    expect(error.fieldErrors?.['rules.1.condition.pattern']).toMatch(/not a valid regular expression/);
    expect(await ada.client.rules.list.query()).toEqual(before);
  });

  it('admins (and agents) list the tenant’s teams for the escalation-team picker', async () => {
    const ids = (await ada.client.teams.list.query()).map((team) => team.id);
    expect(ids).toContain(acme.team.id);
    expect((await pat.client.teams.list.query()).map((team) => team.id)).toEqual(ids);
    expect(ids).not.toContain(globex.team.id);
  });
});
