// Routing rules are versioned like settings (issue 10): rules.list answers `{ rules, version }`,
// rules.save names the version it edits and is refused (CONFLICT, nothing changed) when another admin
// saved meanwhile — race-free under concurrent saves, on MariaDB and on SQLite; tenant-scoped; admin-only.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoutingRuleInput } from '../../shared/routing-rules.js';
import { EventEntity } from '../../backend/src/db/entities/event.entity.js';
import { toWireEvent } from '../../backend/src/platform/timeline.js';
import type { CreatedTenant } from '../../backend/src/features/admin/tenants.service.js';
import { startTestBackend, type TestBackend } from '../support/in-process-server.js';
import { saveRules } from '../support/rules.js';
import { createTestClient, expectTrpcError, type TestClient } from '../support/trpc-client.js';

const CONFLICT_MESSAGE = 'Another admin changed the routing rules since you opened them; reload to see their changes';

const tagRule = (name: string): RoutingRuleInput => ({ name, condition: { keywords: [name.toLowerCase()] }, actions: [{ type: 'tag', tag: 'versioning' }] });

/** The error a rejected settled promise carries, as tRPC answered it. */
const rejectionOf = (result: PromiseSettledResult<unknown> | undefined) => expectTrpcError(Promise.reject((result as PromiseRejectedResult).reason));

describe.each([['MariaDB', 'mysql'], ['SQLite', 'sqlite']] as const)('rules versioning on %s', (_name, dialect) => {
  let backend: TestBackend;
  let acme: CreatedTenant;
  let globex: CreatedTenant;
  /** acme's integration admin key. */
  let admin: TestClient;
  /** An acme admin agent: the second admin. */
  let ada: TestClient;
  /** An acme agent (not an admin). */
  let pat: TestClient;
  let globexAdmin: TestClient;

  async function agentClient(name: string, role: 'agent' | 'admin'): Promise<TestClient> {
    const created = await admin.agents.create.mutate({ email: `${name.toLowerCase()}-${randomUUID().slice(0, 6)}@acme.test`, name, role });
    const { key } = await admin.apiKeys.create.mutate({ name: `${name} key`, role, agentId: created.id });
    return createTestClient(backend.server.url, key);
  }

  /** The tenant's rules.changed events, oldest first, as on the wire. */
  async function rulesChangedEvents(tenantId: string) {
    return (await backend.server.db.getRepository(EventEntity).find({ where: { tenantId, type: 'rules.changed' }, order: { id: 'ASC' } })).map((row) => toWireEvent({ ...row, position: row.position ?? 'not yet numbered' }));
  }

  beforeAll(async () => {
    backend = await startTestBackend(`rules-version-${dialect}`, { dialect });
    acme = await backend.createTenant();
    globex = await backend.createTenant();
    admin = createTestClient(backend.server.url, acme.apiKey);
    globexAdmin = createTestClient(backend.server.url, globex.apiKey);
    ada = await agentClient('Ada', 'admin');
    pat = await agentClient('Pat', 'agent');
  }, 60_000);

  afterAll(() => backend?.stop());

  it('rules never saved are version 0; each save answers the rules and the next version, on the timeline', async () => {
    const fresh = createTestClient(backend.server.url, (await backend.createTenant()).apiKey);
    expect(await fresh.rules.list.query()).toEqual({ rules: [], version: 0 });
    const first = await fresh.rules.save.mutate({ expectedVersion: 0, rules: [tagRule('Refunds')] });
    expect(first).toMatchObject({ version: 1, rules: [{ name: 'Refunds', position: 0 }] });
    const second = await fresh.rules.save.mutate({ expectedVersion: 1, rules: [...first.rules, tagRule('Chargebacks')] });
    expect(second.version).toBe(2);
    expect(second.rules[0]!.id).toBe(first.rules[0]!.id);
    expect(await fresh.rules.list.query()).toEqual(second);
  });

  it('a stale version is a CONFLICT written for an admin: the other admin’s rules stay, nothing is recorded', async () => {
    const opened = await ada.rules.list.query();
    const theirs = await admin.rules.save.mutate({ expectedVersion: opened.version, rules: [tagRule('Theirs')] });
    const eventsBefore = await rulesChangedEvents(acme.tenant.id);

    const conflict = await expectTrpcError(ada.rules.save.mutate({ expectedVersion: opened.version, rules: [tagRule('Mine')] }));
    expect(conflict).toMatchObject({ code: 'CONFLICT', field: 'expectedVersion', message: CONFLICT_MESSAGE });
    expect(await pat.rules.list.query()).toEqual(theirs);
    expect(await rulesChangedEvents(acme.tenant.id)).toEqual(eventsBefore);

    // Reloaded, the same edit saves; the event names both versions.
    const mine = await ada.rules.save.mutate({ expectedVersion: theirs.version, rules: [tagRule('Mine')] });
    expect(mine.version).toBe(theirs.version + 1);
    expect((await rulesChangedEvents(acme.tenant.id)).at(-1)).toMatchObject({
      type: 'rules.changed',
      before: { count: 1, version: theirs.version },
      after: { count: 1, names: ['Mine'], version: mine.version },
    });
  });

  it('a version from the future is a CONFLICT too', async () => {
    const { version } = await admin.rules.list.query();
    expect(await expectTrpcError(admin.rules.save.mutate({ expectedVersion: version + 5, rules: [] }))).toMatchObject({ code: 'CONFLICT', field: 'expectedVersion' });
    expect((await admin.rules.list.query()).version).toBe(version);
  });

  it('admins saving the same version at once: exactly one wins, the others are CONFLICT and change nothing', async () => {
    const { version } = await admin.rules.list.query();
    const eventsBefore = (await rulesChangedEvents(acme.tenant.id)).length;
    const savers = [admin, ada, admin, ada];
    const results = await Promise.allSettled(savers.map((client, index) => client.rules.save.mutate({ expectedVersion: version, rules: [tagRule(`Racer ${index}`)] })));
    const winners = results.filter((result) => result.status === 'fulfilled');
    expect(winners).toHaveLength(1);
    for (const loser of results.filter((result) => result.status === 'rejected')) expect(await rejectionOf(loser)).toMatchObject({ code: 'CONFLICT', field: 'expectedVersion' });
    const after = await pat.rules.list.query();
    expect(after).toEqual(winners[0]!.value);
    expect(after.version).toBe(version + 1);
    expect(after.rules).toHaveLength(1);
    expect(await rulesChangedEvents(acme.tenant.id)).toHaveLength(eventsBefore + 1);
  });

  it('the first saves of a tenant (version 0) race safely too', async () => {
    const fresh = createTestClient(backend.server.url, (await backend.createTenant()).apiKey);
    const results = await Promise.allSettled([0, 1, 2].map((index) => fresh.rules.save.mutate({ expectedVersion: 0, rules: [tagRule(`First ${index}`)] })));
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect(await rejectionOf(results.find((result) => result.status === 'rejected'))).toMatchObject({ code: 'CONFLICT' });
    const after = await fresh.rules.list.query();
    expect(after.version).toBe(1);
    expect(after.rules).toHaveLength(1);
  });

  it('expectedVersion is required and a whole number ≥ 0; a non-admin forging a save with the right version is FORBIDDEN', async () => {
    const before = await pat.rules.list.query();
    expect(await expectTrpcError(ada.rules.save.mutate({ rules: [] } as never))).toMatchObject({ code: 'BAD_REQUEST', field: 'expectedVersion' });
    expect(await expectTrpcError(ada.rules.save.mutate({ rules: [], expectedVersion: -1 }))).toMatchObject({ code: 'BAD_REQUEST', field: 'expectedVersion' });
    expect(await expectTrpcError(ada.rules.save.mutate({ rules: [], expectedVersion: 1.5 }))).toMatchObject({ code: 'BAD_REQUEST', field: 'expectedVersion' });
    expect(await expectTrpcError(pat.rules.save.mutate({ rules: [], expectedVersion: before.version }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await pat.rules.list.query()).toEqual(before);
  });

  it('a refused save (a team of another tenant) keeps the version', async () => {
    const before = await admin.rules.list.query();
    const error = await expectTrpcError(admin.rules.save.mutate({ expectedVersion: before.version, rules: [{ name: 'Elsewhere', condition: { keywords: ['x'] }, actions: [{ type: 'escalate', teamId: globex.team.id, reason: 'x' }] }] }));
    expect(error).toMatchObject({ code: 'BAD_REQUEST', field: 'rules.0.actions.0.teamId' });
    expect(await admin.rules.list.query()).toEqual(before);
  });

  it('is tenant-scoped: each tenant has its own version; another tenant’s saves never move ours', async () => {
    const acmeBefore = await admin.rules.list.query();
    expect(acmeBefore.version).toBeGreaterThan(1);
    expect(await globexAdmin.rules.list.query()).toEqual({ rules: [], version: 0 });
    // Acme's version means nothing to globex, and globex's nothing to acme.
    expect(await expectTrpcError(globexAdmin.rules.save.mutate({ expectedVersion: acmeBefore.version, rules: [tagRule('Globex only')] }))).toMatchObject({ code: 'CONFLICT' });
    const saved = await globexAdmin.rules.save.mutate({ expectedVersion: 0, rules: [tagRule('Globex only')] });
    expect(saved.version).toBe(1);
    expect(await expectTrpcError(admin.rules.save.mutate({ expectedVersion: saved.version, rules: [] }))).toMatchObject({ code: 'CONFLICT' });
    expect(await admin.rules.list.query()).toEqual(acmeBefore);
    expect((await saveRules(admin, [tagRule('Acme again')])).version).toBe(acmeBefore.version + 1);
    expect(await globexAdmin.rules.list.query()).toEqual(saved);
  });
});
