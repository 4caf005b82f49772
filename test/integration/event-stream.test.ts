// The event stream across two backend processes sharing MariaDB and Redis: live fan-out,
// tenant isolation, and resuming from a last event id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatonEvent } from '../../shared/events.js';
import type { CreatedTenant } from '../../backend/src/features/admin/tenants.service.js';
import { collectEvents } from '../support/event-collector.js';
import { startTestBackend, type TestBackend } from '../support/in-process-server.js';
import { REDIS_URL } from '../support/services.js';
import { spawnBackend, type SpawnedBackend } from '../support/spawned-backend.js';
import { createTestClient } from '../support/trpc-client.js';

let setup: TestBackend;
let processA: SpawnedBackend;
let processB: SpawnedBackend;
let acme: CreatedTenant;
let globex: CreatedTenant;

beforeAll(async () => {
  setup = await startTestBackend('stream', { dialect: 'mysql', redis: true });
  acme = await setup.createTenant('acme');
  globex = await setup.createTenant('globex');
  const env = { DATABASE_URL: setup.database!.url, REDIS_URL, BATON_DATA_DIR: setup.dataDir };
  [processA, processB] = await Promise.all([spawnBackend(env), spawnBackend(env)]);
}, 60_000);

afterAll(async () => {
  await Promise.all([processA?.stop(), processB?.stop()]);
  await setup?.stop();
});

const teamNames = (events: BatonEvent[]) => events.filter((event) => event.type === 'team.created').map((event) => event.after?.name);

describe('events.onChange across processes', () => {
  it('delivers a change made on process B to a subscriber on process A, with its stream position as event id', async () => {
    const onA = createTestClient(processA.url, acme.apiKey);
    const onB = createTestClient(processB.url, acme.apiKey);
    const collector = collectEvents(onA, { lastEventId: await onA.events.latestId.query() });
    await collector.started;
    await onB.teams.create.mutate({ name: 'Live 1' });
    await collector.waitFor((events) => teamNames(events).includes('Live 1'));
    // Once replay is over, later changes can only arrive through Redis.
    await onB.teams.create.mutate({ name: 'Live 2' });
    const events = await collector.waitFor((seen) => teamNames(seen).includes('Live 2'));
    collector.stop();

    expect(teamNames(events)).toEqual(['Live 1', 'Live 2']);
    const ids = events.map((event) => BigInt(event.id));
    expect(ids[1]! > ids[0]!).toBe(true);
    const rows = await setup.server.db.query('SELECT position, type FROM events WHERE tenant_id = ? AND position IN (?, ?) ORDER BY position', [acme.tenant.id, events[0]!.id, events[1]!.id]);
    expect(rows.map((row: { position: string; type: string }) => [String(row.position), row.type])).toEqual(events.map((event) => [event.id, 'team.created']));
    expect(events[0]!.actor).toMatch(/^api_key:/);
  });

  it("never delivers one tenant's events to another tenant's subscriber", async () => {
    const acmeOnA = createTestClient(processA.url, acme.apiKey);
    const globexOnA = createTestClient(processA.url, globex.apiKey);
    const acmeCollector = collectEvents(acmeOnA, { lastEventId: await acmeOnA.events.latestId.query() });
    const globexCollector = collectEvents(globexOnA, { lastEventId: await globexOnA.events.latestId.query() });
    await Promise.all([acmeCollector.started, globexCollector.started]);

    await createTestClient(processB.url, acme.apiKey).teams.create.mutate({ name: 'Acme only' });
    await createTestClient(processB.url, globex.apiKey).teams.create.mutate({ name: 'Globex only' });
    await acmeCollector.waitFor((events) => teamNames(events).includes('Acme only'));
    await globexCollector.waitFor((events) => teamNames(events).includes('Globex only'));
    acmeCollector.stop();
    globexCollector.stop();

    expect(teamNames(acmeCollector.events)).toEqual(['Acme only']);
    expect(teamNames(globexCollector.events)).toEqual(['Globex only']);
  });

  it('resumes from a last event id: first what was missed while away, then live events', async () => {
    const onA = createTestClient(processA.url, acme.apiKey);
    const onB = createTestClient(processB.url, acme.apiKey);
    const first = collectEvents(onA, { lastEventId: await onA.events.latestId.query() });
    await first.started;
    await onB.teams.create.mutate({ name: 'Before the blip' });
    const seen = await first.waitFor((events) => teamNames(events).includes('Before the blip'));
    const lastEventId = seen.at(-1)!.id;
    first.stop();

    // While the client is away (a sleeping service worker, a network blip), changes go on.
    await onB.teams.create.mutate({ name: 'Missed 1' });
    await onB.teams.create.mutate({ name: 'Missed 2' });

    const resumed = collectEvents(onA, { lastEventId });
    await resumed.waitFor((events) => teamNames(events).includes('Missed 2'));
    await onB.teams.create.mutate({ name: 'After resume' });
    const events = await resumed.waitFor((all) => teamNames(all).includes('After resume'));
    resumed.stop();

    expect(teamNames(events)).toEqual(['Missed 1', 'Missed 2', 'After resume']);
    expect(events.every((event) => BigInt(event.id) > BigInt(lastEventId))).toBe(true);
    expect(new Set(events.map((event) => event.id)).size).toBe(events.length);
  });

  it('filters to one conversation when asked', async () => {
    const onA = createTestClient(processA.url, acme.apiKey);
    const collector = collectEvents(onA, { lastEventId: await onA.events.latestId.query(), conversationId: '00000000-0000-4000-8000-000000000000' });
    await collector.started;
    await createTestClient(processB.url, acme.apiKey).teams.create.mutate({ name: 'Not about a conversation' });
    // A tenant-wide subscriber sees it; the conversation subscriber must not.
    const wide = collectEvents(onA, { lastEventId: '0' });
    await wide.waitFor((events) => teamNames(events).includes('Not about a conversation'));
    wide.stop();
    collector.stop();
    expect(collector.events).toEqual([]);
  });
});
