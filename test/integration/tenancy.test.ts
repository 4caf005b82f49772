// Tenant scoping and role checks of the admin procedures, through the HTTP API on MariaDB.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventEntity } from '../../backend/src/db/entities/event.entity.js';
import type { CreatedTenant } from '../../backend/src/features/admin/tenants.service.js';
import { startTestBackend, type TestBackend } from '../support/in-process-server.js';
import { createTestClient, expectTrpcError, type TestClient } from '../support/trpc-client.js';

let backend: TestBackend;
let acme: CreatedTenant;
let globex: CreatedTenant;
let acmeAdmin: TestClient;
let globexAdmin: TestClient;

beforeAll(async () => {
  backend = await startTestBackend('tenancy', { dialect: 'mysql' });
  acme = await backend.createTenant('acme');
  globex = await backend.createTenant('globex');
  acmeAdmin = createTestClient(backend.server.url, acme.apiKey);
  globexAdmin = createTestClient(backend.server.url, globex.apiKey);
});

afterAll(() => backend?.stop());

const eventsOf = (tenantId: string) => backend.server.db.getRepository(EventEntity).find({ where: { tenantId }, order: { id: 'ASC' } });

describe('tenant scoping', () => {
  it('lists only the caller tenant agents, teams and keys', async () => {
    await acmeAdmin.teams.create.mutate({ name: 'Billing' });
    const globexTeams = await globexAdmin.teams.list.query();
    expect(globexTeams.map((team) => team.name)).toEqual(['Support']);
    expect(globexTeams[0]!.id).toBe(globex.team.id);
    expect((await globexAdmin.agents.list.query()).map((agent) => agent.email)).toEqual(['admin@globex.test']);
    expect((await acmeAdmin.agents.list.query()).map((agent) => agent.email)).toEqual(['admin@acme.test']);
    const keys = await globexAdmin.apiKeys.list.query();
    expect(keys).toHaveLength(1);
  });

  it("answers NOT_FOUND for another tenant's ids and changes nothing", async () => {
    const before = await eventsOf(acme.tenant.id);
    expect(await expectTrpcError(globexAdmin.teams.addMember.mutate({ teamId: acme.team.id, agentId: globex.admin.id }))).toMatchObject({ code: 'NOT_FOUND', field: 'teamId' });
    expect(await expectTrpcError(globexAdmin.teams.addMember.mutate({ teamId: globex.team.id, agentId: acme.admin.id }))).toMatchObject({ code: 'NOT_FOUND', field: 'agentId' });
    expect(await expectTrpcError(globexAdmin.agents.update.mutate({ id: acme.admin.id, name: 'Hijacked' }))).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
    const acmeKeys = await acmeAdmin.apiKeys.list.query();
    expect((await expectTrpcError(globexAdmin.apiKeys.revoke.mutate({ id: acmeKeys[0]!.id }))).code).toBe('NOT_FOUND');
    expect(await expectTrpcError(globexAdmin.teams.removeMember.mutate({ teamId: acme.team.id, agentId: acme.admin.id }))).toMatchObject({ code: 'NOT_FOUND' });

    expect(await eventsOf(acme.tenant.id)).toEqual(before);
    expect((await acmeAdmin.agents.list.query())[0]!.name).toBe('Admin acme');
    expect((await acmeAdmin.teams.list.query()).find((team) => team.id === acme.team.id)!.memberIds).toEqual([acme.admin.id]);
    expect((await createTestClient(backend.server.url, acme.apiKey).auth.me.query()).role).toBe('admin');
  });
});

describe('role checks', () => {
  it('lets an agent list teams but not manage agents, teams, keys or the webhook secret', async () => {
    const agent = await acmeAdmin.agents.create.mutate({ email: 'ann@acme.test', name: 'Ann' });
    const { key } = await acmeAdmin.apiKeys.create.mutate({ name: 'ann', role: 'agent', agentId: agent.id });
    const ann = createTestClient(backend.server.url, key);
    expect((await ann.teams.list.query()).length).toBeGreaterThan(0);
    const forbidden = [
      () => ann.agents.list.query(),
      () => ann.agents.create.mutate({ email: 'x@acme.test', name: 'X' }),
      () => ann.agents.update.mutate({ id: agent.id, role: 'admin' }),
      () => ann.teams.create.mutate({ name: 'Mine' }),
      () => ann.teams.addMember.mutate({ teamId: acme.team.id, agentId: agent.id }),
      () => ann.apiKeys.create.mutate({ name: 'mine', role: 'admin' }),
      () => ann.apiKeys.list.query(),
      () => ann.webhookSecret.rotate.mutate(),
    ];
    for (const call of forbidden) expect((await expectTrpcError(call())).code).toBe('FORBIDDEN');
    expect((await acmeAdmin.agents.list.query()).find((row) => row.id === agent.id)!.role).toBe('agent');
  });

  it('only a superuser grants the superuser role, and nobody demotes or deactivates themselves', async () => {
    expect(await expectTrpcError(acmeAdmin.agents.create.mutate({ email: 'su@acme.test', name: 'Su', role: 'superuser' }))).toMatchObject({ code: 'FORBIDDEN', field: 'role' });
    const adminKey = await acmeAdmin.apiKeys.create.mutate({ name: 'admin-self', role: 'admin', agentId: acme.admin.id });
    const self = createTestClient(backend.server.url, adminKey.key);
    expect(await expectTrpcError(self.agents.update.mutate({ id: acme.admin.id, role: 'agent' }))).toMatchObject({ code: 'FORBIDDEN', field: 'role' });
    expect(await expectTrpcError(self.agents.update.mutate({ id: acme.admin.id, active: false }))).toMatchObject({ code: 'FORBIDDEN', field: 'active' });
  });
});

describe('admin use cases', () => {
  it('manage membership idempotently, writing one timeline event per change', async () => {
    const agent = await acmeAdmin.agents.create.mutate({ email: 'bo@acme.test', name: 'Bo' });
    const team = await acmeAdmin.teams.create.mutate({ name: 'Escalations' });
    await acmeAdmin.teams.addMember.mutate({ teamId: team.id, agentId: agent.id });
    const twice = await acmeAdmin.teams.addMember.mutate({ teamId: team.id, agentId: agent.id });
    expect(twice.memberIds).toEqual([agent.id]);
    const events = (await eventsOf(acme.tenant.id)).filter((event) => event.type === 'team.member_added' && event.after?.teamId === team.id);
    expect(events).toHaveLength(1);
    expect(events[0]!.actor).toMatch(/^api_key:/);
    expect((await acmeAdmin.agents.list.query()).find((row) => row.id === agent.id)!.teamIds).toEqual([team.id]);

    expect((await acmeAdmin.teams.removeMember.mutate({ teamId: team.id, agentId: agent.id })).memberIds).toEqual([]);
    expect((await acmeAdmin.teams.removeMember.mutate({ teamId: team.id, agentId: agent.id })).memberIds).toEqual([]);
    expect((await eventsOf(acme.tenant.id)).filter((event) => event.type === 'team.member_removed')).toHaveLength(1);
  });

  it('reject bad input with the field named, and duplicates with CONFLICT, changing nothing', async () => {
    const countBefore = (await eventsOf(acme.tenant.id)).length;
    expect(await expectTrpcError(acmeAdmin.agents.create.mutate({ email: 'not-an-email', name: 'X' }))).toMatchObject({ code: 'BAD_REQUEST', field: 'email' });
    expect(await expectTrpcError(acmeAdmin.teams.create.mutate({ name: '   ' }))).toMatchObject({ code: 'BAD_REQUEST', field: 'name', message: 'name: is required' });
    expect(await expectTrpcError(acmeAdmin.teams.create.mutate({ name: 'x'.repeat(121) }))).toMatchObject({ field: 'name' });
    expect(await expectTrpcError(acmeAdmin.teams.addMember.mutate({ teamId: 'nope', agentId: acme.admin.id }))).toMatchObject({ code: 'BAD_REQUEST', field: 'teamId' });
    expect(await expectTrpcError(acmeAdmin.agents.create.mutate({ email: 'admin@acme.test', name: 'Dup' }))).toMatchObject({ code: 'CONFLICT', field: 'email' });
    expect(await expectTrpcError(acmeAdmin.teams.create.mutate({ name: 'Support' }))).toMatchObject({ code: 'CONFLICT', field: 'name' });
    expect((await eventsOf(acme.tenant.id)).length).toBe(countBefore);
  });

  it('rotates the webhook secret, shows it once and never writes it to the timeline', async () => {
    const { secret } = await acmeAdmin.webhookSecret.rotate.mutate();
    expect(secret).toMatch(/^whsec_[0-9a-f]{64}$/);
    expect(secret).not.toBe(acme.webhookSecret);
    const events = await eventsOf(acme.tenant.id);
    expect(events.at(-1)!.type).toBe('webhook_secret.rotated');
    expect(JSON.stringify(events)).not.toContain(secret);
  });
});
