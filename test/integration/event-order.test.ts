// Lossless event order (issue 11 item 3): an event's id is its position in the tenant's stream,
// given in commit order, so a client resuming after the later-committed of two transactions still
// gets the earlier-started one — by Last-Event-ID over the SSE endpoint and by a Redis resync.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatonEvent } from '../../shared/events.js';
import { systemClock } from '../../backend/src/clock.js';
import { createDataSource, ensureDatabaseExists, MIGRATIONS, openDatabase, type DatabaseConfig } from '../../backend/src/db/data-source.js';
import { OutboxAndEventPositions1764720000000 } from '../../backend/src/db/migrations/1764720000000-OutboxAndEventPositions.js';
import { createLogger } from '../../backend/src/logger.js';
import { InProcessEventBus, type EventBus } from '../../backend/src/realtime/event-bus.js';
import { RedisEventBus } from '../../backend/src/realtime/redis-event-bus.js';
import type { CreatedTenant } from '../../backend/src/features/admin/tenants.service.js';
import { withTransaction } from '../../backend/src/platform/unit-of-work.js';
import { appendEvents, withStreamPositions } from '../../backend/src/platform/timeline.js';
import type { EventRow } from '../../backend/src/db/entities/event.entity.js';
import { collectEvents } from '../support/event-collector.js';
import { startTestBackend, type TestBackend } from '../support/in-process-server.js';
import { waitUntil } from '../support/job-engine-kit.js';
import { createPrivateRedis, type PrivateRedis } from '../support/private-redis.js';
import { createTestDatabase, type TestDatabase } from '../support/services.js';
import { createTestClient } from '../support/trpc-client.js';

const teamNames = (events: BatonEvent[]) => events.filter((event) => event.type === 'team.created').map((event) => event.after?.name);

/**
 * A transaction that writes a `team.created` event row at once (taking its row id now), then waits for
 * `commit()` before it commits; afterwards it numbers and publishes the event as a change does (the
 * publication is skipped while the bus is down).
 */
function heldTransaction(backend: TestBackend, tenantId: string, name: string) {
  let commit!: () => void;
  let markRecorded!: () => void;
  const released = new Promise<void>((resolve) => (commit = resolve));
  const recorded = new Promise<void>((resolve) => (markRecorded = resolve));
  const infra = backend.server.services.infra;
  const done = (async () => {
    let rows: EventRow[] = [];
    await withTransaction(infra, tenantId, async (uow) => {
      rows = await appendEvents(uow.manager, tenantId, [{ type: 'team.created', actor: 'system', after: { name } }], uow.now);
      markRecorded();
      await released;
    });
    const events = await withStreamPositions(infra.db, tenantId, rows);
    await infra.bus.publish(tenantId, events).catch(() => undefined);
    return { rowId: rows[0]!.id, position: events[0]!.id };
  })();
  return { recorded, commit: async () => (commit(), await done) };
}

describe('event order on MariaDB and Redis, through the SSE endpoint', () => {
  let redis: PrivateRedis;
  let backend: TestBackend;
  let acme: CreatedTenant;

  beforeAll(async () => {
    redis = await createPrivateRedis();
    await redis.start();
    backend = await startTestBackend('event-order', { dialect: 'mysql', env: { REDIS_URL: redis.url } });
    acme = await backend.createTenant('acme');
  }, 60_000);

  afterAll(async () => {
    await backend?.stop();
    await redis?.stop();
  });

  it('a client that resumes after the later-committed event still gets the one that started first and committed last', async () => {
    const client = createTestClient(backend.server.url, acme.apiKey);
    const slow = heldTransaction(backend, acme.tenant.id, 'Started first, committed last');
    await slow.recorded;

    const first = collectEvents(client, { lastEventId: await client.events.latestId.query() });
    await first.started;
    await client.teams.create.mutate({ name: 'Started last, committed first' });
    const seen = await first.waitFor((events) => teamNames(events).includes('Started last, committed first'));
    const lastEventId = seen.at(-1)!.id;
    first.stop();

    // Commits while nobody listens; the client comes back with the id it last received. Its row was
    // written first (a lower row id) but it committed last: its position is the later one.
    const late = await slow.commit();
    const [fast] = await backend.server.db.query("SELECT id FROM events WHERE tenant_id = ? AND type = 'team.created' ORDER BY id DESC LIMIT 1", [acme.tenant.id]);
    expect(BigInt(late.rowId)).toBeLessThan(BigInt(fast.id));
    expect(BigInt(late.position)).toBe(BigInt(lastEventId) + 1n);
    const resumed = collectEvents(client, { lastEventId });
    const events = await resumed.waitFor((all) => teamNames(all).includes('Started first, committed last'), 5000);
    resumed.stop();
    expect(teamNames(seen)).toEqual(['Started last, committed first']);
    expect(teamNames(events)).toEqual(['Started first, committed last']);
    expect(BigInt(events[0]!.id)).toBe(BigInt(lastEventId) + 1n);
  });

  it('a live client gets the late commit after a Redis outage: the resync reads from its position', async () => {
    const client = createTestClient(backend.server.url, acme.apiKey);
    const collector = collectEvents(client, { lastEventId: await client.events.latestId.query() });
    await collector.started;
    const slow = heldTransaction(backend, acme.tenant.id, 'Committed during the outage');
    await slow.recorded;
    await client.teams.create.mutate({ name: 'Committed before the outage' });
    await collector.waitFor((events) => teamNames(events).includes('Committed before the outage'));

    await redis.stop();
    await waitUntil(() => backend.server.bus.status() === 'down', 10_000, 'the bus to notice the outage');
    await slow.commit(); // its publication is skipped: Redis is down
    await redis.start();

    const events = await collector.waitFor((all) => teamNames(all).includes('Committed during the outage'), 15_000);
    collector.stop();
    expect(teamNames(events)).toEqual(['Committed before the outage', 'Committed during the outage']);
  });

  it('an event whose publication was lost arrives, in order, as soon as the next one is published', async () => {
    const client = createTestClient(backend.server.url, acme.apiKey);
    const collector = collectEvents(client, { lastEventId: await client.events.latestId.query() });
    await collector.started;
    // A publisher that loses messages without noticing (a Redis connection dropping a write).
    const losingBus = Object.assign(Object.create(backend.server.bus) as EventBus, { publish: async () => undefined });
    await withTransaction({ ...backend.server.services.infra, bus: losingBus }, acme.tenant.id, (uow) =>
      uow.record({ type: 'team.created', actor: 'system', after: { name: 'Publication lost' } }),
    );
    await client.teams.create.mutate({ name: 'Published' });
    const events = await collector.waitFor((all) => teamNames(all).includes('Published'), 5000);
    collector.stop();
    expect(teamNames(events)).toEqual(['Publication lost', 'Published']);
    expect(BigInt(events[1]!.id)).toBe(BigInt(events[0]!.id) + 1n);
  });

  it('the bus confirms a subscription with Redis before a stream may read the table', async () => {
    const bus = await RedisEventBus.connect(redis.url, createLogger('silent'));
    const admin = new Redis(redis.url);
    try {
      // Redis answers no client for 400 ms: a SUBSCRIBE sent now is confirmed only after that.
      await admin.call('CLIENT', 'PAUSE', '400', 'ALL');
      const startedAt = Date.now();
      const subscription = bus.subscribe('00000000-0000-4000-8000-0000000000aa', { onEvent: () => undefined, onResync: () => undefined });
      await subscription.ready;
      const waitedMs = Date.now() - startedAt;
      const [, subscribers] = (await admin.call('PUBSUB', 'NUMSUB', 'baton:events:00000000-0000-4000-8000-0000000000aa')) as [string, number];
      expect(waitedMs).toBeGreaterThanOrEqual(300);
      expect(Number(subscribers)).toBe(1);
      subscription.unsubscribe();
    } finally {
      await admin.quit();
      await bus.close();
    }
  });
});

const sqliteDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-event-order-'));
const databases: TestDatabase[] = [];

afterAll(async () => {
  fs.rmSync(sqliteDir, { recursive: true, force: true });
  for (const database of databases) await database.drop();
});

describe.each([
  ['SQLite', async (): Promise<DatabaseConfig> => ({ databaseUrl: null, sqlitePath: path.join(sqliteDir, 'baton.sqlite') })],
  [
    'MariaDB',
    async (): Promise<DatabaseConfig> => {
      const database = await createTestDatabase('event_positions');
      databases.push(database);
      return { databaseUrl: database.url, sqlitePath: '' };
    },
  ],
])('upgrading a %s database with events', (_name, makeConfig) => {
  it('keeps each event id as its position (saved Last-Event-IDs keep their meaning) and continues each tenant from its newest', async () => {
    const config = await makeConfig();
    if (config.databaseUrl) await ensureDatabaseExists(config.databaseUrl);
    const before = createDataSource(config);
    const earlier = MIGRATIONS.slice(0, MIGRATIONS.indexOf(OutboxAndEventPositions1764720000000));
    const old = new DataSource({ ...before.options, migrations: earlier } as typeof before.options);
    await old.initialize();
    try {
      await old.runMigrations({ transaction: 'each' });
      for (const tenant of ['tenant-a', 'tenant-b', 'tenant-a', 'tenant-a', 'tenant-b']) {
        await old.query('INSERT INTO events (tenant_id, conversation_id, lead_id, type, actor, `before`, `after`, created_at) VALUES (?, NULL, NULL, ?, ?, NULL, NULL, ?)', [
          tenant,
          'team.created',
          'system',
          '2026-11-01 10:00:00.000',
        ]);
      }
    } finally {
      await old.destroy();
    }

    const db = await openDatabase(config);
    try {
      const rows: { id: number | string; tenant_id: string; position: number | string }[] = await db.query('SELECT id, tenant_id, position FROM events ORDER BY id');
      expect(rows.map((row) => [row.tenant_id, String(row.position)])).toEqual(rows.map((row) => [row.tenant_id, String(row.id)]));
      const infra = { db, bus: new InProcessEventBus(), clock: systemClock, log: createLogger('silent') };
      await withTransaction(infra, 'tenant-a', (uow) => uow.record({ type: 'team.created', actor: 'system' }));
      await withTransaction(infra, 'tenant-b', (uow) => uow.record({ type: 'team.created', actor: 'system' }));
      const [a] = await db.query("SELECT MAX(position) AS p FROM events WHERE tenant_id = 'tenant-a'");
      const [b] = await db.query("SELECT MAX(position) AS p FROM events WHERE tenant_id = 'tenant-b'");
      expect([String(a.p), String(b.p)]).toEqual(['5', '6']);
    } finally {
      await db.destroy();
    }
  });
});
