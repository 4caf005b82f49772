// The transactional outbox (issue 11 item 1): a change's after-commit effects are rows written in its
// own transaction; when the committing process dies before performing them, another process's relay
// publishes the events and announces the jobs within seconds, and a subscriber sees each event once.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatonEvent } from '../../shared/events.js';
import type { EventBus } from '../../backend/src/realtime/event-bus.js';
import { OUTBOX_GRACE_MS } from '../../backend/src/platform/outbox.js';
import { createOutboxRelay } from '../../backend/src/platform/outbox-relay.js';
import { withTransaction, type Infrastructure } from '../../backend/src/platform/unit-of-work.js';
import type { CreatedTenant } from '../../backend/src/features/admin/tenants.service.js';
import { collectEvents } from '../support/event-collector.js';
import { startTestBackend, type TestBackend } from '../support/in-process-server.js';
import { waitUntil } from '../support/job-engine-kit.js';
import { recordQueries } from '../support/query-counter.js';
import { REDIS_URL } from '../support/services.js';
import { createTestClient } from '../support/trpc-client.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

const teamsNamed = (events: BatonEvent[], name: string) => events.filter((event) => event.type === 'team.created' && event.after?.name === name);

/** Runs test/support/outbox-crash-process.ts: it commits, then is SIGKILLed before any after-commit effect. */
function commitAndDie(databaseUrl: string, tenantId: string, teamName: string): Promise<{ signal: string | null; jobId: string; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/outbox-crash-process.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: databaseUrl, TENANT_ID: tenantId, TEAM_NAME: teamName },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (_code, signal) => resolve({ signal, jobId: /committing (\S+)/.exec(output)?.[1] ?? '', output })));
}

async function outboxRows(backend: TestBackend, tenantId: string): Promise<number> {
  const [row] = await backend.server.db.query('SELECT COUNT(*) AS n FROM outbox_effects WHERE tenant_id = ?', [tenantId]);
  return Number(row.n);
}

describe('outbox on MariaDB and Redis', () => {
  let backend: TestBackend;
  let acme: CreatedTenant;
  let jobNotifications: Redis;
  const announcedJobIds: string[] = [];

  beforeAll(async () => {
    backend = await startTestBackend('outbox', { dialect: 'mysql', redis: true });
    acme = await backend.createTenant('acme');
    jobNotifications = new Redis(REDIS_URL);
    jobNotifications.on('message', (_channel: string, message: string) => announcedJobIds.push(String((JSON.parse(message) as { jobId: unknown }).jobId)));
    await jobNotifications.subscribe('baton:jobs');
  }, 60_000);

  afterAll(async () => {
    await jobNotifications?.quit();
    await backend?.stop();
  });

  it('a process SIGKILLed right after its commit: another process relays its event and job within seconds, and the subscriber gets the event once', async () => {
    const client = createTestClient(backend.server.url, acme.apiKey);
    const collector = collectEvents(client, { lastEventId: await client.events.latestId.query() });
    await collector.started;

    await waitUntil(async () => (await outboxRows(backend, acme.tenant.id)) === 0, 2000, 'the earlier performed rows to be deleted');
    const crashed = await commitAndDie(backend.database!.url, acme.tenant.id, 'Committed by a dead process');
    const diedAt = Date.now();
    expect(crashed.signal, crashed.output).toBe('SIGKILL');
    expect(crashed.output).not.toContain('survived');
    expect(crashed.jobId).not.toBe('');
    // The commit happened: its event and outbox row are stored, and nothing was published yet.
    expect(await outboxRows(backend, acme.tenant.id)).toBe(1);
    expect(teamsNamed(collector.events, 'Committed by a dead process')).toEqual([]);

    await collector.waitFor((events) => teamsNamed(events, 'Committed by a dead process').length > 0, OUTBOX_GRACE_MS + 5000);
    const relayedAfterMs = Date.now() - diedAt;
    await waitUntil(() => announcedJobIds.includes(crashed.jobId), 5000, `the announcement of job ${crashed.jobId}`);
    await waitUntil(async () => (await outboxRows(backend, acme.tenant.id)) === 0, 5000, 'the relayed row to be deleted');
    expect(relayedAfterMs).toBeLessThan(OUTBOX_GRACE_MS + 3000);

    // Performing a row twice is harmless: the same event published again is not delivered again.
    const [relayed] = teamsNamed(collector.events, 'Committed by a dead process');
    await backend.server.bus.publish(acme.tenant.id, [relayed!]);
    await client.teams.create.mutate({ name: 'After the relay' });
    const events = await collector.waitFor((seen) => teamsNamed(seen, 'After the relay').length > 0);
    collector.stop();
    expect(teamsNamed(events, 'Committed by a dead process')).toHaveLength(1);
    expect(events.map((event) => event.after?.name)).toEqual(['Committed by a dead process', 'After the relay']);

    const metrics = await (await fetch(`${backend.server.url}/metrics`)).text();
    expect(Number(/^baton_outbox_relayed_total (\d+)/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(1);
  });

  it('a row whose effects cannot be performed is retried later with its attempts counted, never dropped', async () => {
    const longAgo = new Date(Date.now() - 60_000);
    const inserted: { insertId: number } = await backend.server.db.query(
      'INSERT INTO outbox_effects (tenant_id, effects, created_at, available_at, attempts) VALUES (?, ?, ?, ?, 0)',
      [acme.tenant.id, JSON.stringify({ events: { from: 'not a position', to: '1' }, jobs: [] }), longAgo, longAgo],
    );
    try {
      const relay = createOutboxRelay(backend.server.services.infra, { announceJob: () => undefined, retryAfterMs: 60_000 });
      expect(await relay.runOnce()).toBe(0);
      const [row] = await backend.server.db.query('SELECT attempts, available_at FROM outbox_effects WHERE id = ?', [inserted.insertId]);
      expect(Number(row.attempts)).toBeGreaterThanOrEqual(1);
      expect(new Date(row.available_at).getTime()).toBeGreaterThan(Date.now() + 30_000);
    } finally {
      await backend.server.db.query('DELETE FROM outbox_effects WHERE id = ?', [inserted.insertId]);
    }
  });

  it('a change writes its events and outbox row in two statements and never waits on the sequence row; its events are numbered after the commit', async () => {
    const client = createTestClient(backend.server.url, acme.apiKey);
    const { queries } = await recordQueries(backend.server.db, () => client.teams.create.mutate({ name: 'Counted' }));
    const verbs = (table: string) => queries.filter((query) => new RegExp(`\\b${table}\\b`).test(query)).map((query) => query.trim().split(/\s+/)[0]!.toUpperCase());
    expect(verbs('events').filter((verb) => verb === 'INSERT')).toEqual(['INSERT']);
    expect(verbs('outbox_effects').filter((verb) => verb !== 'SELECT')).toEqual(['INSERT']);
    // The change's last statement is its outbox row; only then (after its commit) is the tenant's
    // sequence row locked, by the sequencer that numbers the event.
    const outboxInsert = queries.findIndex((query) => /^\s*INSERT INTO `outbox_effects`/i.test(query));
    const firstSequenceRowUse = queries.findIndex((query) => /\btenant_event_positions\b/.test(query));
    expect(outboxInsert).toBeGreaterThanOrEqual(0);
    expect(firstSequenceRowUse).toBeGreaterThan(outboxInsert);
    expect(verbs('events').filter((verb) => verb === 'UPDATE')).toEqual(['UPDATE']);
    // When the mutation answers, its event already has its stream position (the newest).
    const [event] = await backend.server.db.query("SELECT position FROM events WHERE tenant_id = ? AND type = 'team.created' ORDER BY id DESC LIMIT 1", [acme.tenant.id]);
    expect(String(event.position)).toBe(await client.events.latestId.query());
    // Deleted with the rows performed in the same quarter second, well before the relay would take it.
    await waitUntil(async () => (await outboxRows(backend, acme.tenant.id)) === 0, 2000, 'the performed row to be deleted with its batch');
  });

  it('events committed concurrently by many writers are numbered 1, 2, 3 … without gaps or repeats, each change\'s events in order', async () => {
    const tenant = await backend.createTenant('numbered');
    const infra = backend.server.services.infra;
    const before = BigInt(await createTestClient(backend.server.url, tenant.apiKey).events.latestId.query());
    await Promise.all(
      Array.from({ length: 40 }, (_, writer) =>
        withTransaction(infra, tenant.tenant.id, async (uow) => {
          await uow.record({ type: 'team.created', actor: 'system', after: { name: `w${writer}-a` } });
          await uow.record({ type: 'team.created', actor: 'system', after: { name: `w${writer}-b` } });
        }),
      ),
    );
    const rows: { position: string | number | null; after: string | { name: string } }[] = await backend.server.db.query('SELECT position, `after` FROM events WHERE tenant_id = ? AND id > 0 ORDER BY position', [tenant.tenant.id]);
    const numbered = rows.filter((row) => row.position !== null && BigInt(row.position) > before);
    expect(numbered).toHaveLength(80);
    expect(numbered.map((row) => BigInt(row.position!))).toEqual(Array.from({ length: 80 }, (_, index) => before + BigInt(index + 1)));
    const names = numbered.map((row) => (typeof row.after === 'string' ? (JSON.parse(row.after) as { name: string }) : row.after).name);
    for (let writer = 0; writer < 40; writer++) expect(names.indexOf(`w${writer}-a`)).toBeLessThan(names.indexOf(`w${writer}-b`));
  });
});

describe('outbox on SQLite (the embedded default: one process)', () => {
  let backend: TestBackend;
  let acme: CreatedTenant;

  beforeAll(async () => {
    backend = await startTestBackend('outbox-sqlite', { dialect: 'sqlite' });
    acme = await backend.createTenant('acme');
  }, 60_000);

  afterAll(async () => {
    await backend?.stop();
  });

  it('an after-commit publication that fails is performed by the relay, once', async () => {
    const client = createTestClient(backend.server.url, acme.apiKey);
    const collector = collectEvents(client, { lastEventId: await client.events.latestId.query() });
    await collector.started;
    const infra: Infrastructure = {
      ...backend.server.services.infra,
      bus: Object.assign(Object.create(backend.server.bus) as EventBus, { publish: () => Promise.reject(new Error('the bus is gone')) }),
    };
    // Rows performed earlier are deleted together a quarter second later: start from none.
    await waitUntil(async () => (await outboxRows(backend, acme.tenant.id)) === 0, 2000, 'the earlier performed rows to be deleted');
    await withTransaction(infra, acme.tenant.id, (uow) => uow.record({ type: 'team.created', actor: 'system', after: { name: 'Published by the relay' } }));
    expect(await outboxRows(backend, acme.tenant.id)).toBe(1);

    await collector.waitFor((events) => teamsNamed(events, 'Published by the relay').length > 0, OUTBOX_GRACE_MS + 5000);
    await waitUntil(async () => (await outboxRows(backend, acme.tenant.id)) === 0, 5000, 'the relayed row to be deleted');
    await client.teams.create.mutate({ name: 'Next' });
    const events = await collector.waitFor((seen) => teamsNamed(seen, 'Next').length > 0);
    collector.stop();
    expect(events.map((event) => event.after?.name)).toEqual(['Published by the relay', 'Next']);
  });
});
