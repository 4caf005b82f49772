// `npm run bench:popup`: what the extension's popup and notification alarm ask per agent
// (conversations.list heldByMe, escalations.listOpen myTeams) against a tenant with a long history,
// over HTTP on MariaDB + Redis, with conversations.get as the peer in the same run. Prints one JSON
// line per phase; the last is the one with the popup-list indexes (or without, if so asked).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { TableIndex, type DataSource } from 'typeorm';
import type { Principal } from '../../backend/src/auth/principal.js';
import { createDataSource } from '../../backend/src/db/data-source.js';
import { POPUP_LIST_INDEXES } from '../../backend/src/db/migrations/1764547200000-PopupListIndexes.js';
import { spawnBackend } from '../../test/support/spawned-backend.js';
import { createTestClient } from '../../test/support/trpc-client.js';
import { runClosedLoop, type LoadClient } from './load.js';
import { captureListStatements, databaseTime, explain, type ListName } from './plans.js';
import { seedTenantHistory, type SeededHistory } from './seed.js';

const SERVER_URL = process.env.BENCH_DB_SERVER_URL ?? 'mysql://root@127.0.0.1:3306';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

const log = (message: string) => process.stderr.write(`[bench:popup] ${message}\n`);

function options() {
  const { values } = parseArgs({
    options: {
      clients: { type: 'string', default: '4' },
      seconds: { type: 'string', default: '15' },
      conversations: { type: 'string', default: '50000' },
      resolved: { type: 'string', default: '50000' },
      open: { type: 'string', default: '100' },
      'db-runs': { type: 'string', default: '200' },
      'without-popup-indexes': { type: 'boolean', default: false },
      compare: { type: 'boolean', default: false },
    },
  });
  const whole = (name: string, value: string, min: number, max: number) => {
    const number = Number(value);
    if (!Number.isInteger(number) || number < min || number > max) throw new Error(`--${name} must be a whole number from ${min} to ${max}`);
    return number;
  };
  if (values.compare && values['without-popup-indexes']) throw new Error('--compare already runs without, then with, the indexes');
  return {
    clients: whole('clients', values.clients, 1, 20),
    seconds: whole('seconds', values.seconds, 1, 600),
    conversations: whole('conversations', values.conversations, 1000, 1_000_000),
    resolved: whole('resolved', values.resolved, 0, 1_000_000),
    open: whole('open', values.open, 1, 10_000),
    dbRuns: whole('db-runs', values['db-runs'], 1, 10_000),
    // Phases in order: false = the popup-list indexes dropped.
    phases: values.compare ? [false, true] : [!values['without-popup-indexes']],
  };
}

/** The backend as production runs it (test/support/spawned-backend.ts), and the admin dev token its first start prints. */
async function startBackend(databaseUrl: string, dataDir: string) {
  const backend = await spawnBackend({ DATABASE_URL: databaseUrl, REDIS_URL, BATON_DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
  const devToken = /admin dev token:\s+(\S+)/.exec(backend.output())?.[1];
  if (!devToken) throw new Error(`the backend printed no admin dev token:\n${backend.output()}`);
  return { url: backend.url, devToken, stop: () => backend.stop() };
}

/** Drops or (re)creates the popup-list indexes by hand: the migration stays recorded, so the backend does not notice. */
async function setPopupIndexes(db: DataSource, present: boolean): Promise<void> {
  const runner = db.createQueryRunner();
  try {
    for (const { table, index } of POPUP_LIST_INDEXES) {
      const [found] = (await runner.query('SELECT COUNT(*) AS n FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = ? AND index_name = ?', [table, index.name])) as { n: number | string }[];
      const exists = Number(found?.n) > 0;
      const copy = new TableIndex({ name: index.name, columnNames: [...index.columnNames] });
      if (present && !exists) await runner.createIndex(table, copy);
      if (!present && exists) await runner.dropIndex(table, copy);
    }
    await runner.query('ANALYZE TABLE conversations, escalations');
  } finally {
    await runner.release();
  }
}

/** One agent-bound API key per client, on agents of different teams, and what each client asks. */
async function makeClients(url: string, devToken: string, history: SeededHistory, count: number): Promise<(LoadClient & { agentId: string })[]> {
  const admin = createTestClient(url, devToken);
  const agentsPerTeam = history.agentIds.length / history.teamIds.length;
  const clients: (LoadClient & { agentId: string })[] = [];
  for (let index = 0; index < count; index++) {
    const agentIndex = ((index % history.teamIds.length) * agentsPerTeam + Math.floor(index / history.teamIds.length)) % history.agentIds.length;
    const agentId = history.agentIds[agentIndex]!;
    const { key } = await admin.apiKeys.create.mutate({ name: `bench popup ${index + 1}`, role: 'agent', agentId });
    clients.push({
      agentId,
      apiKey: key,
      calls: [
        { name: 'listHeldByMe', procedure: 'conversations.list', input: { filter: { heldByMe: true }, limit: 20 } },
        { name: 'listOpenMyTeams', procedure: 'escalations.listOpen', input: { myTeams: true, limit: 100 } },
        { name: 'getPeer', procedure: 'conversations.get', input: { id: history.heldConversationIds[agentIndex]![0]! } },
      ],
    });
  }
  return clients;
}

async function main(): Promise<void> {
  const settings = options();
  const name = `baton_bench_popup_${Date.now()}`;
  const databaseUrl = `${SERVER_URL}/${name}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-bench-popup-'));
  let backend: Awaited<ReturnType<typeof startBackend>> | null = null;
  let db: DataSource | null = null;
  const cleanup = async () => {
    await backend?.stop();
    if (db?.isInitialized) {
      await db.query(`DROP DATABASE IF EXISTS \`${name}\``).catch(() => undefined);
      await db.destroy();
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));
  try {
    log(`starting a backend on ${name} (runs the migrations)`);
    backend = await startBackend(databaseUrl, dataDir);
    db = createDataSource({ databaseUrl, sqlitePath: '', poolSize: 4 });
    await db.initialize();
    const [tenant] = (await db.query("SELECT id FROM tenants WHERE slug = 'demo'")) as { id: string }[];
    if (!tenant) throw new Error('the backend seeded no demo tenant');
    const seedStarted = performance.now();
    const history = await seedTenantHistory(
      db,
      tenant.id,
      { conversations: settings.conversations, resolvedEscalations: settings.resolved, openEscalations: settings.open, teams: 5, agentsPerTeam: 4, heldPerAgent: 50 },
      new Date(),
    );
    log(`seeded ${JSON.stringify(history.counts)} in ${Math.round(performance.now() - seedStarted)} ms`);
    const clients = await makeClients(backend.url, backend.devToken, history, settings.clients);
    const principal: Principal = {
      tenantId: tenant.id, tenantSlug: 'demo', via: 'api_key', agentId: clients[0]!.agentId, apiKeyId: null, role: 'agent', groups: [], displayName: 'Bench Agent', actor: `agent:${clients[0]!.agentId}`,
    };

    for (const popupIndexes of settings.phases) {
      await setPopupIndexes(db, popupIndexes);
      const statements = await captureListStatements(db, principal);
      const plans = Object.fromEntries(await Promise.all(Object.entries(statements).map(async ([list, statement]) => [list, await explain(db!, statement)] as const)));
      const dbTimes: Partial<Record<ListName, Awaited<ReturnType<typeof databaseTime>>>> = {};
      for (const list of ['listOpenMyTeams', 'listHeldByMe'] as const) dbTimes[list] = await databaseTime(db, statements[list], settings.dbRuns);
      log(`${popupIndexes ? 'with' : 'without'} the popup-list indexes: warming up 2 s, then ${settings.clients} clients for ${settings.seconds} s`);
      await runClosedLoop(backend.url, clients, 2);
      const load = await runClosedLoop(backend.url, clients, settings.seconds);
      const { resultRows: openListed, ...openDb } = dbTimes.listOpenMyTeams!;
      const { resultRows: heldListed, ...heldDb } = dbTimes.listHeldByMe!;
      console.log(
        JSON.stringify({
          popupIndexes,
          clients: settings.clients,
          seconds: settings.seconds,
          listOpenMyTeams: { ...load.byName.listOpenMyTeams, ...openDb },
          listHeldByMe: { ...load.byName.listHeldByMe, ...heldDb },
          getPeer: load.byName.getPeer,
          errors: load.errors,
          rows: { ...history.counts, listedOpenMyTeams: openListed, listedHeldByMe: heldListed },
          explain: plans,
        }),
      );
    }
  } finally {
    await cleanup();
  }
}

void main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
