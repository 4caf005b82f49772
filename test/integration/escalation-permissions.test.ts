// Who may call each escalation, task, notification and rule procedure (SPEC §5.5, §8), through the HTTP API on MariaDB + Redis.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueDevToken } from '../../backend/src/auth/dev-token.js';
import type { CreatedTenant } from '../../backend/src/features/admin/tenants.service.js';
import { startTestBackend, type TestBackend } from '../support/in-process-server.js';
import { startLocalIdentityProvider, type LocalIdentityProvider } from '../support/jwks-server.js';
import { saveRules } from '../support/rules.js';
import { postSignedWebhook } from '../support/signed-webhook.js';
import { createTestClient, expectTrpcError, type TestClient } from '../support/trpc-client.js';

const CALLERS = ['team member', 'other agent', 'admin', 'superuser', 'admin API key', 'agent API key', "other tenant's admin", 'IdP user in group admin', 'IdP user without groups'] as const;
type Caller = (typeof CALLERS)[number];

type Outcome = 'allowed' | 'FORBIDDEN' | 'NOT_FOUND' | 'BAD_REQUEST';
const A = 'allowed', F = 'FORBIDDEN', NF = 'NOT_FOUND', BR = 'BAD_REQUEST';

/**
 * The matrix, columns in the order of CALLERS. Another tenant's admin is told NOT_FOUND for any of this
 * tenant's leads, escalations and tasks; the tenant-wide lists (tasks, notifications, rules) answer it
 * with its own tenant's rows, none of this one's.
 */
const MATRIX = {
  // columns: member, other agent, admin, superuser, admin API key, agent API key, other tenant's admin, IdP admin group, IdP no groups
  'escalations.open':                            [A,  A,  A,  A,  A,  A,  NF, A,  A],
  'escalations.resolve':                         [A,  F,  A,  A,  A,  F,  NF, A,  F],
  'escalations.get':                             [A,  A,  A,  A,  A,  A,  NF, A,  A],
  'escalations.forLead':                         [A,  A,  A,  A,  A,  A,  NF, A,  A],
  'tasks.create':                                [A,  A,  A,  A,  A,  A,  NF, A,  A],
  'tasks.complete with a resolutionReason':      [A,  F,  A,  A,  A,  F,  NF, A,  F],
  "tasks.complete with disposition 'connected'": [A,  A,  A,  A,  A,  A,  NF, A,  A],
  'tasks.list':                                  [A,  A,  A,  A,  A,  A,  A,  A,  A],
  'notifications.list':                          [A,  A,  A,  A,  BR, A,  A,  A,  A],
  'rules.list':                                  [A,  A,  A,  A,  A,  A,  A,  A,  A],
  'rules.save':                                  [F,  F,  A,  A,  A,  F,  A,  A,  F],
} satisfies Record<string, Outcome[]>;
type Procedure = keyof typeof MATRIX;

const ROWS: [Procedure, Caller, Outcome][] = (Object.entries(MATRIX) as [Procedure, Outcome[]][]).flatMap(([procedure, outcomes]) =>
  CALLERS.map((caller, index): [Procedure, Caller, Outcome] => [procedure, caller, outcomes[index]!]),
);

interface CallerContext {
  client: TestClient;
  /** The team this caller would escalate to: Billing, or the other tenant's own team. */
  teamId: string;
  /** May resolve Billing's escalations (SPEC §5.5). */
  mayResolve: boolean;
  displayName: string;
}

/** One row's own lead, with its open escalation to Billing (none for escalations.open) and an open callback task. */
interface Fixture {
  leadId: string;
  conversationId: string;
  escalationId: string | null;
  taskId: string;
}

let idp: LocalIdentityProvider;
let backend: TestBackend;
let acme: CreatedTenant;
let globex: CreatedTenant;
let owner: TestClient;
let billing: { id: string; name: string };
const callers = {} as Record<Caller, CallerContext>;

beforeAll(async () => {
  idp = await startLocalIdentityProvider();
  backend = await startTestBackend('escalation-permissions', {
    dialect: 'mysql',
    redis: true,
    env: { JWT_JWKS_URL: idp.jwksUrl, JWT_ISSUER: idp.issuer, JWT_AUDIENCE: idp.audience },
  });
  acme = await backend.createTenant('acme');
  globex = await backend.createTenant('globex');
  owner = createTestClient(backend.server.url, acme.apiKey);
  billing = await owner.teams.create.mutate({ name: 'Billing' });

  const client = (credential: string) => createTestClient(backend.server.url, credential);
  const agent = (email: string, name: string, role: 'agent' | 'admin' | 'superuser') => owner.agents.create.mutate({ email, name, role });
  const devToken = (tenantId: string, agentId: string) => issueDevToken(backend.server.db, { tenantId, agentId }, new Date());
  const idpToken = (sub: string, email: string, groups?: string[]) =>
    idp.sign({ sub, email, name: email.split('@')[0], 'custom:tenant': 'acme', ...(groups ? { 'cognito:groups': groups } : {}) }, { expiresInSeconds: 3_600 });

  const mia = await agent('mia@acme.test', 'Mia', 'agent');
  await owner.teams.addMember.mutate({ teamId: billing.id, agentId: mia.id });
  const otto = await agent('otto@acme.test', 'Otto', 'agent');
  await owner.teams.addMember.mutate({ teamId: acme.team.id, agentId: otto.id }); // in Support, not in Billing
  const ada = await agent('ada@acme.test', 'Ada', 'admin');
  // Only a superuser may grant the superuser role: the identity provider's first one creates Sue.
  const root = client(await idpToken('idp-root', 'root@acme.test', ['superuser']));
  const sue = await root.agents.create.mutate({ email: 'sue@acme.test', name: 'Sue', role: 'superuser' });
  const kai = await agent('kai@acme.test', 'Kai', 'agent');
  const agentKey = (await owner.apiKeys.create.mutate({ name: "Kai's extension", role: 'agent', agentId: kai.id })).key;
  const adminKey = (await owner.apiKeys.create.mutate({ name: 'CRM integration', role: 'admin' })).key;
  // Ida is an agent in Baton; only her identity provider's groups claim makes her an admin.
  await agent('ida@acme.test', 'Ida', 'agent');

  const credentials: Record<Caller, { credential: string; teamId: string; mayResolve: boolean }> = {
    'team member': { credential: await devToken(acme.tenant.id, mia.id), teamId: billing.id, mayResolve: true },
    'other agent': { credential: await devToken(acme.tenant.id, otto.id), teamId: billing.id, mayResolve: false },
    admin: { credential: await devToken(acme.tenant.id, ada.id), teamId: billing.id, mayResolve: true },
    superuser: { credential: await devToken(acme.tenant.id, sue.id), teamId: billing.id, mayResolve: true },
    'admin API key': { credential: adminKey, teamId: billing.id, mayResolve: true },
    'agent API key': { credential: agentKey, teamId: billing.id, mayResolve: false },
    "other tenant's admin": { credential: await devToken(globex.tenant.id, globex.admin.id), teamId: globex.team.id, mayResolve: false },
    'IdP user in group admin': { credential: await idpToken('idp-ida', 'ida@acme.test', ['admin']), teamId: billing.id, mayResolve: true },
    'IdP user without groups': { credential: await idpToken('idp-ian', 'ian@acme.test'), teamId: billing.id, mayResolve: false },
  };
  for (const caller of CALLERS) {
    const { credential, ...rest } = credentials[caller];
    const me = await client(credential).auth.me.query();
    callers[caller] = { client: client(credential), displayName: me.displayName, ...rest };
  }
  // The callers are who the matrix says they are.
  const me = async (caller: Caller) => callers[caller].client.auth.me.query();
  expect(await me('admin')).toMatchObject({ role: 'admin', via: 'dev_token' });
  expect(await me('superuser')).toMatchObject({ role: 'superuser', via: 'dev_token' });
  expect(await me('admin API key')).toMatchObject({ role: 'admin', via: 'api_key', agentId: null });
  expect(await me('agent API key')).toMatchObject({ role: 'agent', via: 'api_key', agentId: kai.id });
  expect(await me("other tenant's admin")).toMatchObject({ role: 'admin', tenant: { slug: 'globex' } });
  expect(await me('IdP user in group admin')).toMatchObject({ role: 'admin', via: 'jwt', groups: ['admin'] });
  expect(await me('IdP user without groups')).toMatchObject({ role: 'agent', via: 'jwt', groups: [] });
  expect((await owner.agents.list.query()).find((listed) => listed.email === 'ida@acme.test')?.role).toBe('agent');

  // Both tenants have a rule, so reading or saving rules shows whose they are.
  for (const [tenantClient, name] of [[owner, 'Acme rule'], [createTestClient(backend.server.url, globex.apiKey), 'Globex rule']] as const) {
    await saveRules(tenantClient, [neverMatchingRule(name)]);
  }
}, 120_000);

afterAll(async () => {
  await backend?.stop();
  await idp?.close();
});

function neverMatchingRule(name: string) {
  return { name, condition: { keywords: ['zebra-crossing-never-said'] }, actions: [{ type: 'tag' as const, tag: 'never' }] };
}

let leadCounter = 0;
async function freshFixture(withEscalation: boolean): Promise<Fixture> {
  const n = ++leadCounter;
  const inbound = await postSignedWebhook(backend.server.url, '/webhooks/inbound', acme.webhookSecret, {
    tenant: 'acme', connector: 'sms-gateway', channel: 'sms', externalConversationId: `perm-thread-${n}-${randomUUID()}`, externalMessageId: `perm-msg-${randomUUID()}`,
    body: 'I was charged twice this month', lead: { phone: `+1555${String(3_000_000 + n)}` },
  });
  expect(inbound.status).toBe(202);
  const conversationId = inbound.body.conversationId as string;
  const leadId = (await owner.conversations.get.query({ id: conversationId })).lead!.id;
  let escalationId: string | null = null;
  if (withEscalation) {
    const opened = await owner.escalations.open.mutate({ leadId, teamId: billing.id, reason: 'Double charge', conversationId });
    expect(opened.outcome).toBe('opened');
    escalationId = opened.outcome === 'suppressed' ? null : opened.escalation.id;
  }
  const task = await owner.tasks.create.mutate({ leadId, title: 'Call the customer back' });
  return { leadId, conversationId, escalationId, taskId: task.id };
}

function call(procedure: Procedure, caller: CallerContext, fixture: Fixture, rowName: string): Promise<unknown> {
  const { client } = caller;
  switch (procedure) {
    case 'escalations.open': return client.escalations.open.mutate({ leadId: fixture.leadId, teamId: caller.teamId, reason: 'Customer asked for a supervisor' });
    case 'escalations.resolve': return client.escalations.resolve.mutate({ id: fixture.escalationId!, reason: 'handled', note: 'Refunded the second charge' });
    case 'escalations.get': return client.escalations.get.query({ id: fixture.escalationId! });
    case 'escalations.forLead': return client.escalations.forLead.query({ leadId: fixture.leadId });
    case 'tasks.create': return client.tasks.create.mutate({ leadId: fixture.leadId, title: rowName });
    case 'tasks.complete with a resolutionReason': return client.tasks.complete.mutate({ id: fixture.taskId, disposition: 'connected', resolutionReason: 'handled', note: 'Called back' });
    case "tasks.complete with disposition 'connected'": return client.tasks.complete.mutate({ id: fixture.taskId, disposition: 'connected' });
    case 'tasks.list': return client.tasks.list.query({ leadId: fixture.leadId, limit: 50 });
    case 'notifications.list': return client.notifications.list.query({ unreadOnly: false, limit: 200 });
    case 'rules.list': return client.rules.list.query();
    // With the caller's current version: a refusal is about who calls, not a stale version.
    case 'rules.save': return saveRules(client, [neverMatchingRule(rowName)]);
  }
}

const ownerEscalation = (fixture: Fixture) => owner.escalations.get.query({ id: fixture.escalationId! });
const ownerTask = async (fixture: Fixture) => (await owner.tasks.list.query({ leadId: fixture.leadId, limit: 50 })).find((task) => task.id === fixture.taskId)!;

/** After a refused call: the escalation is still open and unresolved, the task still open, nothing added. */
async function expectNothingChanged(procedure: Procedure, fixture: Fixture, rulesBefore: unknown) {
  if (fixture.escalationId) expect(await ownerEscalation(fixture)).toMatchObject({ status: 'open', resolution: null });
  else expect(await owner.escalations.forLead.query({ leadId: fixture.leadId })).toEqual([]);
  expect(await owner.tasks.list.query({ leadId: fixture.leadId, limit: 50 })).toEqual([expect.objectContaining({ id: fixture.taskId, status: 'open', completedBy: null })]);
  if (procedure.startsWith('rules.')) expect(await owner.rules.list.query()).toEqual(rulesBefore);
}

describe('escalation permission matrix (SPEC §5.5, §8)', () => {
  it.each(ROWS)('%s by %s → %s', async (procedure, callerName, expected) => {
    const caller = callers[callerName];
    const fixture = await freshFixture(procedure !== 'escalations.open');
    const rowName = `${procedure} by ${callerName}`;
    const rulesBefore = await owner.rules.list.query();
    const acmeRuleIds = rulesBefore.rules.map((rule) => rule.id);

    if (expected !== 'allowed') {
      const error = await expectTrpcError(call(procedure, caller, fixture, rowName));
      expect(error.code).toBe(expected);
      if (expected === 'FORBIDDEN' && (procedure === 'escalations.resolve' || procedure === 'tasks.complete with a resolutionReason')) {
        expect(error.message).toBe('Only Billing or an admin can resolve this escalation');
      }
      if (expected === 'BAD_REQUEST') expect(error.field).toBe('agentId');
      await expectNothingChanged(procedure, fixture, rulesBefore);
      return;
    }

    const result = await call(procedure, caller, fixture, rowName);
    const sameTenant = callerName !== "other tenant's admin";
    switch (procedure) {
      case 'escalations.open': {
        expect(result).toMatchObject({ outcome: 'opened', escalation: { leadId: fixture.leadId, status: 'open', team: { id: billing.id, name: 'Billing' }, trigger: callerName === 'admin API key' ? 'api' : 'manual' } });
        const [only] = await owner.escalations.forLead.query({ leadId: fixture.leadId });
        expect(only).toMatchObject({ id: (result as { escalation: { id: string } }).escalation.id, status: 'open' });
        break;
      }
      case 'escalations.resolve':
        expect(result).toMatchObject({ id: fixture.escalationId, status: 'resolved', resolution: { reason: 'handled', source: 'manual', byName: caller.displayName, note: 'Refunded the second charge' } });
        expect((await ownerEscalation(fixture)).status).toBe('resolved');
        break;
      case 'escalations.get':
        expect(result).toMatchObject({ id: fixture.escalationId, leadId: fixture.leadId, status: 'open', team: { name: 'Billing' } });
        break;
      case 'escalations.forLead':
        expect((result as { id: string }[]).map((escalation) => escalation.id)).toEqual([fixture.escalationId]);
        break;
      case 'tasks.create': {
        expect(result).toMatchObject({ leadId: fixture.leadId, title: rowName, status: 'open' });
        const tasks = await owner.tasks.list.query({ leadId: fixture.leadId, limit: 50 });
        expect(tasks.map((task) => task.id).sort()).toEqual([fixture.taskId, (result as { id: string }).id].sort());
        expect((await ownerEscalation(fixture)).status).toBe('open');
        break;
      }
      case 'tasks.complete with a resolutionReason':
        expect(result).toMatchObject({
          task: { id: fixture.taskId, status: 'completed', disposition: 'connected', resolutionReason: 'handled' },
          resolvedEscalation: { id: fixture.escalationId, status: 'resolved', resolution: { reason: 'handled', source: 'task', byName: caller.displayName } },
        });
        expect((await ownerEscalation(fixture)).status).toBe('resolved');
        break;
      case "tasks.complete with disposition 'connected'":
        // Anyone may record a successful callback; it resolves only for someone who may resolve (SPEC §5.5, §5.7).
        expect(result).toMatchObject({ task: { id: fixture.taskId, status: 'completed', disposition: 'connected', resolutionReason: null } });
        expect(await ownerTask(fixture)).toMatchObject({ status: 'completed' });
        if (caller.mayResolve) {
          expect(result).toMatchObject({ resolvedEscalation: { id: fixture.escalationId, status: 'resolved', resolution: { reason: 'handled', source: 'task' } } });
          expect((await ownerEscalation(fixture)).status).toBe('resolved');
        } else {
          expect((result as { resolvedEscalation: unknown }).resolvedEscalation).toBeNull();
          expect(await ownerEscalation(fixture)).toMatchObject({ status: 'open', resolution: null });
        }
        break;
      case 'tasks.list':
        expect((result as { id: string }[]).map((task) => task.id)).toEqual(sameTenant ? [fixture.taskId] : []);
        break;
      case 'notifications.list': {
        // Only Billing's members are told of this row's escalation; another tenant never sees it.
        const ofThisEscalation = (result as { escalationId: string; kind: string }[]).filter((notification) => notification.escalationId === fixture.escalationId);
        expect(ofThisEscalation.map((notification) => notification.kind)).toEqual(callerName === 'team member' ? ['escalation'] : []);
        break;
      }
      case 'rules.list': {
        const ids = (result as { rules: { id: string }[] }).rules.map((rule) => rule.id);
        if (sameTenant) expect(result).toEqual(rulesBefore);
        else expect(ids.filter((id) => acmeRuleIds.includes(id))).toEqual([]);
        break;
      }
      case 'rules.save':
        expect((result as { rules: { name: string }[] }).rules.map((rule) => rule.name)).toEqual([rowName]);
        if (sameTenant) {
          expect((await owner.rules.list.query()).rules.map((rule) => rule.name)).toEqual([rowName]);
        } else {
          expect(await owner.rules.list.query()).toEqual(rulesBefore);
          expect((await caller.client.rules.list.query()).rules.map((rule) => rule.name)).toEqual([rowName]);
        }
        break;
    }
    // An allowed call by another tenant's admin still changes nothing here.
    if (!sameTenant) await expectNothingChanged(procedure, fixture, rulesBefore);
  });
});
