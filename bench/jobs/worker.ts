// Benchmark worker process: runs one engine's worker, reports job starts to the parent over IPC in
// batches, its settings when ready, and what it sent to MariaDB and Redis when it stops.
import { applyEffect, createPool } from './effect';
import { loadEngine } from './engine';
import { countIo, type IoCounts } from './io-counter';
import type { EngineSettings, SharedSettings } from './settings';

export type StartRecord = [itemId: string, startedAtMs: number, dueAtMs: number];
export type WorkerMessage =
  | { type: 'ready'; settings: EngineSettings }
  | { type: 'starts'; starts: StartRecord[] }
  | { type: 'stopped'; io: IoCounts; cpuMs: number }
  | { type: 'error'; message: string };

const [engineName, indexArg, runId, settingsArg] = process.argv.slice(2);
const dbUrl = process.env.BENCH_DB_URL;
const redisUrl = process.env.BENCH_REDIS_URL;
if (!engineName || !indexArg || !runId || !settingsArg || !dbUrl || !redisUrl || !process.send) {
  console.error('usage: worker.ts <engine> <workerIndex> <runId> <shared settings JSON> (env BENCH_DB_URL, BENCH_REDIS_URL; spawned with IPC)');
  process.exit(2);
}
const workerIndex = Number(indexArg);
const settings = JSON.parse(settingsArg) as SharedSettings;
const io = countIo(); // before any client connects
const send = (msg: WorkerMessage) => new Promise<void>((resolve) => process.send!(msg, () => resolve()));

// Start records leave at the end of the current tick (batched), so they sit in the kernel's socket buffer
// before the job's effect can commit: a SIGKILLed worker's starts still reach the parent.
let buffer: StartRecord[] = [];
let flushQueued = false;
const flush = () => {
  flushQueued = false;
  if (buffer.length === 0) return;
  process.send!({ type: 'starts', starts: buffer } satisfies WorkerMessage);
  buffer = [];
};
const recordStart = (itemId: string, dueAtMs: number) => {
  buffer.push([itemId, Date.now(), dueAtMs]);
  if (!flushQueued) {
    flushQueued = true;
    queueMicrotask(flush);
  }
};

let cpuAtReady: NodeJS.CpuUsage | undefined;

async function main(): Promise<void> {
  const engine = await loadEngine(engineName!);
  const pool = createPool(dbUrl!);
  const handle = await engine.runWorker({
    runId: runId!,
    dbUrl: dbUrl!,
    redisUrl: redisUrl!,
    workerIndex,
    settings,
    onStart: recordStart,
    applyEffect: (itemId) => applyEffect(pool, itemId, workerIndex),
  });
  process.on('message', (msg) => {
    if (msg !== 'stop') return;
    void (async () => {
      await handle.stop();
      flush();
      await pool.end();
      const cpu = process.cpuUsage(cpuAtReady);
      await send({ type: 'stopped', io: io.read(), cpuMs: (cpu.user + cpu.system) / 1000 });
      process.exit(0);
    })().catch(fail);
  });
  io.reset(); // count from ready to stop: the engine's work, not its start-up (migrations, connections)
  cpuAtReady = process.cpuUsage();
  await send({ type: 'ready', settings: handle.settings });
}

function fail(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  console.error(`[worker ${workerIndex}] ${message}`);
  process.send!({ type: 'error', message } satisfies WorkerMessage, () => process.exit(1));
}

process.on('disconnect', () => process.exit(1)); // parent gone: do not linger
main().catch(fail);
