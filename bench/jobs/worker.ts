// Benchmark worker process: runs one engine's worker, reports job starts to the parent over IPC in batches.
import { applyEffect, createPool } from './effect';
import { loadEngine } from './engine';

export type StartRecord = [itemId: string, startedAtMs: number, dueAtMs: number];
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'starts'; starts: StartRecord[] }
  | { type: 'stopped' }
  | { type: 'error'; message: string };

const [engineName, indexArg, runId] = process.argv.slice(2);
const dbUrl = process.env.BENCH_DB_URL;
const redisUrl = process.env.BENCH_REDIS_URL;
if (!engineName || !indexArg || !runId || !dbUrl || !redisUrl || !process.send) {
  console.error('usage: worker.ts <engine> <workerIndex> <runId> (env BENCH_DB_URL, BENCH_REDIS_URL; spawned with IPC)');
  process.exit(2);
}
const workerIndex = Number(indexArg);
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

async function main(): Promise<void> {
  const engine = await loadEngine(engineName!);
  const pool = createPool(dbUrl!);
  const handle = await engine.runWorker({
    runId: runId!,
    dbUrl: dbUrl!,
    redisUrl: redisUrl!,
    workerIndex,
    onStart: recordStart,
    applyEffect: (itemId) => applyEffect(pool, itemId, workerIndex),
  });
  process.on('message', (msg) => {
    if (msg !== 'stop') return;
    void (async () => {
      await handle.stop();
      flush();
      await pool.end();
      await send({ type: 'stopped' });
      process.exit(0);
    })().catch(fail);
  });
  await send({ type: 'ready' });
}

function fail(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  console.error(`[worker ${workerIndex}] ${message}`);
  process.send!({ type: 'error', message } satisfies WorkerMessage, () => process.exit(1));
}

process.on('disconnect', () => process.exit(1)); // parent gone: do not linger
main().catch(fail);
