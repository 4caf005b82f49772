// Bad configuration, unreachable services at start, Redis dropping mid-run, graceful shutdown:
// a clear log line and a non-zero exit, or a degraded /healthz — never a hang, never a lost event.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedTenant } from '../../backend/src/features/admin/tenants.service.js';
import { collectEvents } from '../support/event-collector.js';
import { startTestBackend, type TestBackend } from '../support/in-process-server.js';
import { createPrivateRedis, freePort, type PrivateRedis } from '../support/private-redis.js';
import { REDIS_URL } from '../support/services.js';
import { runBackendUntilExit, spawnBackend } from '../support/spawned-backend.js';
import { createTestClient } from '../support/trpc-client.js';

describe('start-up failures', () => {
  it('a malformed DATABASE_URL exits with code 2 and names the variable', async () => {
    const result = await runBackendUntilExit({ DATABASE_URL: 'postgres://127.0.0.1/baton', PORT: '0' });
    expect(result.code).toBe(2);
    expect(result.output).toContain('Invalid configuration:');
    expect(result.output).toMatch(/DATABASE_URL must start with mysql:\/\/ or mariadb:\/\//);
  });

  it('an unreachable database exits with code 1 and says which database, without hanging', async () => {
    const port = await freePort();
    const result = await runBackendUntilExit({ DATABASE_URL: `mysql://root:s3cret@127.0.0.1:${port}/baton`, PORT: '0' });
    expect(result.code).toBe(1);
    expect(result.output).toMatch(new RegExp(`Baton could not start: Database at mysql://root:\\*\\*\\*@127.0.0.1:${port}/baton could not be opened`));
    expect(result.output).not.toContain('s3cret');
    expect(result.ms).toBeLessThan(15_000);
  });

  it('an unreachable Redis at start exits with code 1 and says so', async () => {
    const port = await freePort();
    const result = await runBackendUntilExit({ REDIS_URL: `redis://127.0.0.1:${port}`, PORT: '0', BATON_DATA_DIR: '/tmp/baton-resilience-redis' });
    expect(result.code).toBe(1);
    expect(result.output).toMatch(new RegExp(`Redis at redis://127.0.0.1:${port}.* is unreachable`));
  });
});

describe('Redis dropping mid-run', () => {
  let redis: PrivateRedis;
  let backend: TestBackend;
  let tenant: CreatedTenant;

  beforeAll(async () => {
    redis = await createPrivateRedis();
    await redis.start();
    backend = await startTestBackend('redis-drop', { dialect: 'mysql', env: { REDIS_URL: redis.url } });
    tenant = await backend.createTenant('acme');
  });

  afterAll(async () => {
    await backend?.stop();
    await redis?.stop();
  });

  const health = async () => {
    const response = await fetch(`${backend.server.url}/healthz`);
    return { httpStatus: response.status, body: (await response.json()) as Record<string, string> };
  };

  const waitForHealth = async (expected: Record<string, string>) => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const current = await health();
      if (JSON.stringify(current.body) === JSON.stringify(expected)) return current;
      if (Date.now() > deadline) throw new Error(`health stayed ${JSON.stringify(current)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  it('reports degraded health, keeps serving, and delivers what happened during the outage once Redis is back', async () => {
    const client = createTestClient(backend.server.url, tenant.apiKey);
    expect(await health()).toEqual({ httpStatus: 200, body: { status: 'ok', db: 'ok', redis: 'ok', jobs: 'ok' } });
    const collector = collectEvents(client, { lastEventId: await client.events.latestId.query() });
    await collector.started;
    await client.teams.create.mutate({ name: 'Before outage' });
    await collector.waitFor((events) => events.some((event) => event.after?.name === 'Before outage'));

    await redis.stop();
    // Redis carries the event fan-out and the job engine's notifications: both report it.
    expect(await waitForHealth({ status: 'degraded', db: 'ok', redis: 'down', jobs: 'degraded' })).toEqual({
      httpStatus: 200,
      body: { status: 'degraded', db: 'ok', redis: 'down', jobs: 'degraded' },
    });
    // Writes go on: the change and its event are committed to the database.
    const team = await client.teams.create.mutate({ name: 'During outage' });
    expect(team.name).toBe('During outage');

    await redis.start();
    await waitForHealth({ status: 'ok', db: 'ok', redis: 'ok', jobs: 'ok' });
    const events = await collector.waitFor((seen) => seen.some((event) => event.after?.name === 'During outage'), 15_000);
    collector.stop();
    expect(events.filter((event) => event.type === 'team.created').map((event) => event.after?.name)).toEqual(['Before outage', 'During outage']);
  });
});

describe('graceful shutdown', () => {
  it('SIGTERM drains open event streams and exits 0 with a log line', async () => {
    const setup = await startTestBackend('shutdown', { dialect: 'mysql', redis: true });
    try {
      const tenant = await setup.createTenant('acme');
      const backend = await spawnBackend({ DATABASE_URL: setup.database!.url, REDIS_URL, BATON_DATA_DIR: setup.dataDir });
      const client = createTestClient(backend.url, tenant.apiKey);
      const collector = collectEvents(client, { lastEventId: '0' });
      await collector.waitFor((events) => events.some((event) => event.type === 'tenant.created'));
      const started = Date.now();
      const code = await backend.stop('SIGTERM');
      collector.stop();
      expect(code).toBe(0);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(backend.output()).toContain('"msg":"shut down cleanly"');
    } finally {
      await setup.stop();
    }
  });
});
