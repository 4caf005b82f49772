// Who may call every tRPC procedure (issue 14 item 3): the router's own list × nine callers against one
// table, over HTTP on MariaDB + Redis; and event streams that never cross tenants, also on resume.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueDevToken } from '../../backend/src/auth/dev-token.js';
import { AgentEntity } from '../../backend/src/db/entities/tenancy.entities.js';
import { EventEntity } from '../../backend/src/db/entities/event.entity.js';
import type { CreatedTenant } from '../../backend/src/features/admin/tenants.service.js';
import { appRouter } from '../../backend/src/trpc/router.js';
import { collectEvents } from '../support/event-collector.js';
import { startTestBackend, type TestBackend } from '../support/in-process-server.js';
import { routerProcedures, type ProcedureType } from '../support/router-procedures.js';
import { postSignedWebhook } from '../support/signed-webhook.js';
import { createTestClient, expectTrpcError, type TestClient } from '../support/trpc-client.js';

const CALLERS = ['agent', 'team member', 'admin', 'superuser', 'agent API key', 'admin API key', 'integration key', "other tenant's admin", 'anonymous'] as const;
type Caller = (typeof CALLERS)[number];

/**
 * ok: succeeds on tenant A's object. own: succeeds, answering only about the caller's own tenant (the
 * procedure takes no id of A, or A's id finds nothing there) — the answer must not contain any id of A.
 * An error code: refused with it, and tenant A's timeline unchanged.
 */
type Outcome = 'ok' | 'own' | 'FORBIDDEN' | 'UNAUTHORIZED' | 'NOT_FOUND' | 'BAD_REQUEST';
const ok = 'ok', own = 'own', F = 'FORBIDDEN', U = 'UNAUTHORIZED', NF = 'NOT_FOUND', BR = 'BAD_REQUEST';

/**
 * The one table (SPEC §5.5 who resolves, §8; ARCHITECTURE.md "API surface"; adminProcedure = admin-only).
 * Columns in the order of CALLERS. "agent" is in the tenant's Support team, not in Billing, the team the
 * escalations target; "team member" is in Billing. The agent API key acts for an agent outside Billing,
 * the admin API key for an admin; the integration key has the agent role and acts under its own name
 * (agentId null), so whatever belongs to an agent (notifications, scheduled replies, messages) is a
 * BAD_REQUEST naming agentId, and it takes over only for an agent it names.
 */
const EXPECTED: Record<string, Outcome[]> = {
  //                               agent member admin super  agKey adKey integ other anon
  'auth.me':                       [ok,  ok,   ok,   ok,    ok,   ok,   ok,   own,  U],
  'agents.create':                 [F,   F,    ok,   ok,    F,    ok,   F,    own,  U],
  'agents.list':                   [F,   F,    ok,   ok,    F,    ok,   F,    own,  U],
  'agents.update':                 [F,   F,    ok,   ok,    F,    ok,   F,    NF,   U],
  'teams.create':                  [F,   F,    ok,   ok,    F,    ok,   F,    own,  U],
  'teams.list':                    [ok,  ok,   ok,   ok,    ok,   ok,   ok,   own,  U],
  'teams.addMember':               [F,   F,    ok,   ok,    F,    ok,   F,    NF,   U],
  'teams.removeMember':            [F,   F,    ok,   ok,    F,    ok,   F,    NF,   U],
  'apiKeys.create':                [F,   F,    ok,   ok,    F,    ok,   F,    own,  U],
  'apiKeys.list':                  [F,   F,    ok,   ok,    F,    ok,   F,    own,  U],
  'apiKeys.revoke':                [F,   F,    ok,   ok,    F,    ok,   F,    NF,   U],
  'webhookSecret.rotate':          [F,   F,    ok,   ok,    F,    ok,   F,    own,  U],
  'events.latestId':               [ok,  ok,   ok,   ok,    ok,   ok,   ok,   own,  U],
  'events.streamTicket':           [ok,  ok,   ok,   ok,    ok,   ok,   ok,   own,  U],
  'events.onChange':               [ok,  ok,   ok,   ok,    ok,   ok,   ok,   own,  U],
  'conversations.get':             [ok,  ok,   ok,   ok,    ok,   ok,   ok,   NF,   U],
  'conversations.byExternalRef':   [ok,  ok,   ok,   ok,    ok,   ok,   ok,   NF,   U],
  'conversations.list':            [ok,  ok,   ok,   ok,    ok,   ok,   ok,   own,  U],
  'conversations.timeline':        [ok,  ok,   ok,   ok,    ok,   ok,   ok,   NF,   U],
  'conversations.rememberHelpdeskUrl': [ok, ok,  ok,   ok,    ok,   ok,   ok,   NF,   U],
  'conversations.takeOver':        [ok,  ok,   ok,   ok,    ok,   ok,   ok,   NF,   U],
  'conversations.release':         [ok,  ok,   ok,   ok,    ok,   ok,   ok,   NF,   U],
  'settings.get':                  [ok,  ok,   ok,   ok,    ok,   ok,   ok,   own,  U],
  'settings.update':               [F,   F,    ok,   ok,    F,    ok,   F,    own,  U],
  'settings.connectorStatus':      [F,   F,    ok,   ok,    F,    ok,   F,    own,  U],
  // Any conversation id it does not hold, its own tenant's or not, answers [] (nothing revealed).
  'replies.pending':               [ok,  ok,   ok,   ok,    ok,   ok,   ok,   own,  U],
  'replies.sendNow':               [ok,  ok,   ok,   ok,    ok,   ok,   BR,   NF,   U],
  'replies.editAndSend':           [ok,  ok,   ok,   ok,    ok,   ok,   BR,   NF,   U],
  'replies.cancel':                [ok,  ok,   ok,   ok,    ok,   ok,   BR,   NF,   U],
  'messages.sendManual':           [ok,  ok,   ok,   ok,    ok,   ok,   BR,   NF,   U],
  'messages.recordAgentReply':     [ok,  ok,   ok,   ok,    ok,   ok,   BR,   NF,   U],
  'escalations.open':              [ok,  ok,   ok,   ok,    ok,   ok,   ok,   NF,   U],
  'escalations.resolve':           [F,   ok,   ok,   ok,    F,    ok,   F,    NF,   U],
  'escalations.get':               [ok,  ok,   ok,   ok,    ok,   ok,   ok,   NF,   U],
  'escalations.forLead':           [ok,  ok,   ok,   ok,    ok,   ok,   ok,   NF,   U],
  'escalations.listOpen':          [ok,  ok,   ok,   ok,    ok,   ok,   ok,   own,  U],
  'tasks.create':                  [ok,  ok,   ok,   ok,    ok,   ok,   ok,   NF,   U],
  'tasks.complete':                [ok,  ok,   ok,   ok,    ok,   ok,   ok,   NF,   U],
  'tasks.list':                    [ok,  ok,   ok,   ok,    ok,   ok,   ok,   own,  U],
  'notifications.list':            [ok,  ok,   ok,   ok,    ok,   ok,   BR,   own,  U],
  'notifications.markRead':        [ok,  ok,   ok,   ok,    ok,   ok,   BR,   own,  U],
  'rules.list':                    [ok,  ok,   ok,   ok,    ok,   ok,   ok,   own,  U],
  'rules.save':                    [F,   F,    ok,   ok,    F,    ok,   F,    own,  U],
};

interface CallerContext {
  name: Caller;
  client: TestClient;
  /** The agent the caller acts as; null for the integration key and anonymous. */
  agentId: string | null;
}

let backend: TestBackend;
let acme: CreatedTenant;
let globex: CreatedTenant;
let owner: TestClient;
let billingId: string;
/** Acme's webhook secret now (webhookSecret.rotate cells change it). */
let acmeSecret: string;
/** Every id of tenant A the tests created: none may appear in another tenant's answer. */
const acmeIds = new Set<string>();
const callers = {} as Record<Caller, CallerContext>;

beforeAll(async () => {
  // Development tokens sign the people in; BATON_ENV says development explicitly (issue 14 item 4).
  backend = await startTestBackend('authz-matrix', { dialect: 'mysql', redis: true, env: { BATON_ENV: 'development', BATON_MUTATIONS_PER_SECOND: '100000', BATON_MUTATION_BURST: '1000000' } });
  acme = await backend.createTenant('acme');
  globex = await backend.createTenant('globex');
  acmeSecret = acme.webhookSecret;
  owner = createTestClient(backend.server.url, acme.apiKey);
  billingId = (await owner.teams.create.mutate({ name: 'Billing' })).id;
  // Scheduled replies stay pending for the whole run: replies.* cells find one to act on.
  const { version } = await owner.settings.get.query();
  await owner.settings.update.mutate({ expectedVersion: version, replyCadence: { enabled: true, minDelaySeconds: 3_000, maxDelaySeconds: 3_600 } });

  const person = (email: string, name: string, role: 'agent' | 'admin') => owner.agents.create.mutate({ email, name, role });
  const devToken = (tenantId: string, agentId: string) => issueDevToken(backend.server.db, { tenantId, agentId }, new Date());
  const otto = await person('otto@acme.test', 'Otto', 'agent');
  await owner.teams.addMember.mutate({ teamId: acme.team.id, agentId: otto.id });
  const mia = await person('mia@acme.test', 'Mia', 'agent');
  await owner.teams.addMember.mutate({ teamId: billingId, agentId: mia.id });
  const ada = await person('ada@acme.test', 'Ada', 'admin');
  // Only a superuser grants the superuser role; the installation's first one is set in the database.
  const sue = await person('sue@acme.test', 'Sue', 'admin');
  await backend.server.db.getRepository(AgentEntity).update({ id: sue.id }, { role: 'superuser' });
  const kai = await person('kai@acme.test', 'Kai', 'agent');
  const key = async (name: string, role: 'agent' | 'admin', agentId: string | null) => (await owner.apiKeys.create.mutate({ name, role, agentId })).key;

  const credentials: Record<Caller, [string | null, string | null]> = {
    agent: [await devToken(acme.tenant.id, otto.id), otto.id],
    'team member': [await devToken(acme.tenant.id, mia.id), mia.id],
    admin: [await devToken(acme.tenant.id, ada.id), ada.id],
    superuser: [await devToken(acme.tenant.id, sue.id), sue.id],
    'agent API key': [await key("Kai's extension", 'agent', kai.id), kai.id],
    'admin API key': [await key("Ada's script", 'admin', ada.id), ada.id],
    'integration key': [await key('CRM integration', 'agent', null), null],
    "other tenant's admin": [await devToken(globex.tenant.id, globex.admin.id), globex.admin.id],
    anonymous: [null, null],
  };
  for (const name of CALLERS) {
    const [credential, agentId] = credentials[name];
    callers[name] = { name, client: createTestClient(backend.server.url, credential), agentId };
  }
  // The callers are who the table says they are.
  const me = (name: Caller) => callers[name].client.auth.me.query();
  expect(await me('superuser')).toMatchObject({ role: 'superuser', via: 'dev_token' });
  expect(await me('admin API key')).toMatchObject({ role: 'admin', via: 'api_key', agentId: ada.id });
  expect(await me('integration key')).toMatchObject({ role: 'agent', via: 'api_key', agentId: null });
  expect(await me("other tenant's admin")).toMatchObject({ role: 'admin', tenant: { slug: 'globex' } });
  for (const id of [acme.tenant.id, acme.admin.id, acme.team.id, billingId, otto.id, mia.id, ada.id, sue.id, kai.id]) acmeIds.add(id);
}, 120_000);

afterAll(() => backend?.stop());

/** Tenant A's objects, each created on first use (a cell that changes one gets its own). */
function acmeFixture() {
  const once = <T>(make: () => Promise<T>) => {
    let made: Promise<T> | null = null;
    return () => (made ??= make());
  };
  const remember = <T extends { id: string }>(row: T) => (acmeIds.add(row.id), row);
  const conversation = once(async () => {
    const externalId = `authz-${randomUUID()}`;
    const inbound = await postSignedWebhook(backend.server.url, '/webhooks/inbound', acmeSecret, {
      tenant: 'acme', connector: 'sms-gateway', channel: 'sms', externalConversationId: externalId, externalMessageId: randomUUID(),
      body: 'Can I move my appointment?', lead: { phone: `+1555${Math.floor(1_000_000 + Math.random() * 8_999_999)}` },
    });
    expect(inbound.status).toBe(202);
    const id = inbound.body.conversationId as string;
    const leadId = (await owner.conversations.get.query({ id })).lead!.id;
    acmeIds.add(id).add(leadId);
    // The AI's scheduled reply is drafted in the background: wait for it, so nothing else writes meanwhile.
    const replyId = await waitForPendingReply(id);
    return { id, leadId, externalId, replyId };
  });
  const agent = once(async () => remember(await owner.agents.create.mutate({ email: `a-${randomUUID()}@acme.test`, name: 'Fixture agent' })));
  return {
    conversation,
    agent,
    escalation: once(async () => {
      const { id, leadId } = await conversation();
      const opened = await owner.escalations.open.mutate({ leadId, teamId: billingId, reason: 'Wants a refund', conversationId: id });
      if (opened.outcome === 'suppressed') throw new Error('fixture escalation suppressed');
      return remember(opened.escalation).id;
    }),
    task: once(async () => remember(await owner.tasks.create.mutate({ leadId: (await conversation()).leadId, title: 'Call back' })).id),
    member: once(async () => {
      const { id } = await agent();
      await owner.teams.addMember.mutate({ teamId: billingId, agentId: id });
      return id;
    }),
    apiKey: once(async () => remember((await owner.apiKeys.create.mutate({ name: `fixture ${randomUUID()}`, role: 'agent' })).apiKey).id),
  };
}
type Fixture = ReturnType<typeof acmeFixture>;

async function waitForPendingReply(conversationId: string): Promise<string> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const replies = await callers.admin.client.replies.pending.query({ conversationId });
    if (replies.length > 0) return acmeIds.add(replies[0]!.id), replies[0]!.id;
    if (Date.now() > deadline) throw new Error(`no scheduled reply in conversation ${conversationId}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The caller's current version of a versioned setting, so a refusal is about who calls, not a stale version. */
async function versionAs(caller: CallerContext, read: (client: TestClient) => Promise<{ version: number }>): Promise<number> {
  return (await read(caller.client).catch(() => read(owner))).version;
}

/** One valid input per procedure, naming tenant A's objects. */
const INPUTS: Record<string, (fixture: Fixture, caller: CallerContext) => Promise<unknown>> = {
  'auth.me': async () => undefined,
  'agents.create': async () => ({ email: `new-${randomUUID()}@acme.test`, name: 'New agent' }),
  'agents.list': async () => undefined,
  'agents.update': async (fx) => ({ id: (await fx.agent()).id, name: 'Renamed' }),
  'teams.create': async () => ({ name: `Team ${randomUUID().slice(0, 8)}` }),
  'teams.list': async () => undefined,
  'teams.addMember': async (fx) => ({ teamId: billingId, agentId: (await fx.agent()).id }),
  'teams.removeMember': async (fx) => ({ teamId: billingId, agentId: await fx.member() }),
  'apiKeys.create': async () => ({ name: `key ${randomUUID().slice(0, 8)}`, role: 'agent' }),
  'apiKeys.list': async () => undefined,
  'apiKeys.revoke': async (fx) => ({ id: await fx.apiKey() }),
  'webhookSecret.rotate': async () => undefined,
  'events.latestId': async () => undefined,
  'events.streamTicket': async () => undefined,
  // From the tenant's first position: an open stream replays at once, so "open" is seen as data.
  'events.onChange': async () => ({ lastEventId: '0' }),
  'conversations.get': async (fx) => ({ id: (await fx.conversation()).id }),
  'conversations.byExternalRef': async (fx) => ({ connector: 'sms-gateway', externalId: (await fx.conversation()).externalId }),
  'conversations.list': async () => ({ filter: {}, limit: 50 }),
  'conversations.timeline': async (fx) => ({ id: (await fx.conversation()).id, limit: 50 }),
  'conversations.rememberHelpdeskUrl': async (fx) => ({ id: (await fx.conversation()).id, url: 'https://helpdesk.example/ticket/1' }),
  // An integration key names the agent it acts for (SPEC §2.1 "or API").
  'conversations.takeOver': async (fx, caller) => ({ id: (await fx.conversation()).id, ...(caller.name === 'integration key' ? { agentId: callers.agent.agentId! } : {}) }),
  'conversations.release': async (fx) => ({ id: (await fx.conversation()).id }),
  'settings.get': async () => undefined,
  'settings.update': async (_fx, caller) => ({ expectedVersion: await versionAs(caller, (client) => client.settings.get.query()), releaseWarningMinutes: 20 }),
  'settings.connectorStatus': async () => undefined,
  'replies.pending': async (fx) => ({ conversationId: (await fx.conversation()).id }),
  'replies.sendNow': async (fx) => ({ id: (await fx.conversation()).replyId }),
  'replies.editAndSend': async (fx) => ({ id: (await fx.conversation()).replyId, body: 'Yes, Thursday works.' }),
  'replies.cancel': async (fx) => ({ id: (await fx.conversation()).replyId }),
  'messages.sendManual': async (fx) => ({ conversationId: (await fx.conversation()).id, channel: 'sms', body: 'Calling you now.' }),
  'messages.recordAgentReply': async (fx) => ({ conversationId: (await fx.conversation()).id, channel: 'sms', body: 'Done.', idempotencyKey: randomUUID() }),
  'escalations.open': async (fx) => ({ leadId: (await fx.conversation()).leadId, teamId: billingId, reason: 'Asked for a manager' }),
  'escalations.resolve': async (fx) => ({ id: await fx.escalation(), reason: 'handled' }),
  'escalations.get': async (fx) => ({ id: await fx.escalation() }),
  'escalations.forLead': async (fx) => ({ leadId: (await fx.conversation()).leadId }),
  'escalations.listOpen': async () => ({ limit: 50 }),
  'tasks.create': async (fx) => ({ leadId: (await fx.conversation()).leadId, title: 'Send the contract' }),
  'tasks.complete': async (fx) => ({ id: await fx.task(), disposition: 'no_answer' }),
  'tasks.list': async (fx) => ({ leadId: (await fx.conversation()).leadId, limit: 50 }),
  'notifications.list': async () => ({ unreadOnly: false, limit: 50 }),
  'notifications.markRead': async () => ({ ids: [randomUUID()] }),
  'rules.list': async () => undefined,
  'rules.save': async (_fx, caller) => ({ expectedVersion: await versionAs(caller, (client) => client.rules.list.query()), rules: [] }),
};

/** Calls `path` as `client` over HTTP: the value, or the tRPC error code. */
async function invoke(client: TestClient, path: string, type: ProcedureType, input: unknown): Promise<{ value: unknown } | { code: string }> {
  const [namespace, name] = path.split('.') as [string, string];
  const procedure = (client as unknown as Record<string, Record<string, Record<string, (input: unknown, options?: unknown) => unknown>>>)[namespace]![name]!;
  if (type === 'subscription') return openStream(procedure, input);
  try {
    return { value: await (type === 'query' ? procedure.query!(input) : procedure.mutate!(input)) };
  } catch (error) {
    return { code: (await expectTrpcError(Promise.reject(error))).code };
  }
}

/**
 * A subscription: open (its first event arrived; the value) or refused with a code. Not "started":
 * the SSE link reports the connection as started before the procedure's middlewares answer.
 */
function openStream(procedure: Record<string, (input: unknown, options?: unknown) => unknown>, input: unknown): Promise<{ value: unknown } | { code: string }> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => finish({ code: 'no event and no error within 10 s' }), 10_000);
    const subscription = procedure.subscribe!(input, {
      onData: (tracked: { data: unknown }) => finish({ value: tracked.data }),
      onError: (error: unknown) => void expectTrpcError(Promise.reject(error)).then(({ code }) => finish({ code })),
    }) as { unsubscribe(): void };
    function finish(result: { value: unknown } | { code: string }) {
      clearTimeout(timer);
      subscription.unsubscribe();
      resolve(result);
    }
  });
}

const acmeEventCount = () => backend.server.db.getRepository(EventEntity).countBy({ tenantId: acme.tenant.id });

/** The outcome of one cell: success is `ok` in tenant A, `own` for another tenant whose answer holds no id of A. */
async function outcomeOf(path: string, type: ProcedureType, caller: CallerContext, fixture: Fixture): Promise<string> {
  const input = await INPUTS[path]!(fixture, caller);
  const eventsBefore = await acmeEventCount();
  const result = await invoke(caller.client, path, type, input);
  if ('code' in result) {
    const eventsAfter = await acmeEventCount();
    return eventsAfter === eventsBefore ? result.code : `${result.code}, yet tenant A's timeline grew by ${eventsAfter - eventsBefore}`;
  }
  if (path === 'webhookSecret.rotate' && caller.name !== "other tenant's admin") acmeSecret = (result.value as { secret: string }).secret;
  if (caller.name !== "other tenant's admin") return 'ok';
  const answer = JSON.stringify(result.value) ?? '';
  const leaked = [...acmeIds].filter((id) => answer.includes(id));
  return leaked.length === 0 ? 'own' : `own, but the answer holds tenant A's ${leaked.join(', ')}`;
}

const procedures = routerProcedures(appRouter);

describe('authorization matrix (issue 14 item 3; SPEC §5.5, §8)', () => {
  it('has exactly one row per procedure of the router', () => {
    const missing = procedures.map(({ path }) => path).filter((path) => !(path in EXPECTED) || !(path in INPUTS));
    const stale = Object.keys(EXPECTED).filter((path) => !procedures.some((procedure) => procedure.path === path));
    expect(missing, `procedures without a row in EXPECTED / INPUTS: ${missing.join(', ')}`).toEqual([]);
    expect(stale, `rows for procedures the router no longer has: ${stale.join(', ')}`).toEqual([]);
    expect(procedures.length).toBeGreaterThanOrEqual(42);
  });

  // Queries share one fixture; a mutation gets fresh objects per caller, so each cell stands alone.
  let shared: Fixture;
  it.each(procedures.filter(({ path }) => path in EXPECTED))('$path ($type)', async ({ path, type }) => {
    shared ??= acmeFixture();
    const actual: Record<string, string> = {};
    for (const caller of CALLERS) actual[caller] = await outcomeOf(path, type, callers[caller], type === 'mutation' ? acmeFixture() : shared);
    const expected = Object.fromEntries(CALLERS.map((caller, index) => [caller, EXPECTED[path]![index]!]));
    expect(actual).toEqual(expected);
  }, 120_000);
});

describe('event streams never cross tenants', () => {
  it("gives a subscriber of A none of B's events, live or after resuming from one of B's event ids", async () => {
    const globexOwner = createTestClient(backend.server.url, globex.apiKey);
    const acmeClient = callers.admin.client;
    // B writes some history first, so B's ids exist to resume from.
    for (let n = 0; n < 3; n++) await globexOwner.teams.create.mutate({ name: `Globex history ${n}` });
    // B's first position: A has passed it too, so A's stream replays A's events after it — only A's.
    const [globexFirst] = await backend.server.db.getRepository(EventEntity).find({ where: { tenantId: globex.tenant.id }, order: { position: 'ASC' }, take: 1 });
    const globexEventId = String(globexFirst!.position);

    const live = collectEvents(acmeClient, { lastEventId: await acmeClient.events.latestId.query() });
    const resumed = collectEvents(acmeClient, { lastEventId: globexEventId });
    await Promise.all([live.started, resumed.started]);
    await globexOwner.teams.create.mutate({ name: 'Globex live' });
    await owner.teams.create.mutate({ name: 'Acme marker' });
    const teamNames = (events: { type: string; after: unknown }[]) => events.filter((event) => event.type === 'team.created').map((event) => (event.after as { name: string }).name);
    for (const collector of [live, resumed]) await collector.waitFor((events) => teamNames(events).includes('Acme marker'));
    // A later B event must not slip in after A's marker either.
    await globexOwner.teams.create.mutate({ name: 'Globex after' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    live.stop();
    resumed.stop();

    for (const collector of [live, resumed]) {
      expect(teamNames(collector.events).filter((name) => name.startsWith('Globex'))).toEqual([]);
      expect(JSON.stringify(collector.events)).not.toContain(globex.tenant.id);
      expect(JSON.stringify(collector.events)).not.toContain(globex.admin.id);
    }
    expect(teamNames(live.events)).toEqual(['Acme marker']);
  });
});
