// Job-engine benchmark (issue 3): schedules N jobs on MariaDB + Redis, runs W worker processes, prints one JSON line per engine.
import { randomUUID } from 'node:crypto';
import { ArgError, type BenchArgs, USAGE, parseArgs } from './args';
import { countDone, createDatabase, insertItems, readOutcome, resetTables } from './db';
import { createPool } from './effect';
import { type BenchContext, type BenchItem, loadEngine } from './engine';
import { allChildren, killWorker, spawnWorker, stopWorkers, type WorkerProc } from './procs';
import type { StartRecord } from './worker';

const SERVER_URL = process.env.BENCH_DB_SERVER_URL ?? 'mysql://root@127.0.0.1:3306';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const POLL_MS = 200;
const PROGRESS_MS = 5_000;
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

/** Cleanups of the engine run in progress, for Ctrl-C / SIGTERM. */
const onAbort = new Set<() => Promise<void>>();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (msg: string) => console.error(msg);

function makeItems(n: number, spreadS: number, t0: number): BenchItem[] {
  const offsets = Array.from({ length: n }, () => Math.floor(Math.random() * spreadS * 1000)).sort((a, b) => a - b);
  return offsets.map((o) => ({ id: randomUUID(), dueAt: new Date(t0 + o) }));
}

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

async function runEngine(name: string, args: BenchArgs, dbUrl: string, runId: string): Promise<Record<string, unknown>> {
  const engine = await loadEngine(name);
  const ctx: BenchContext = { runId, dbUrl, redisUrl: REDIS_URL };
  const pool = createPool(dbUrl);
  const starts = new Map<string, { at: number; worker: number }[]>();
  let startCount = 0;
  const onStarts = (worker: number, batch: StartRecord[]) => {
    for (const [itemId, at] of batch) {
      const list = starts.get(itemId) ?? [];
      if (list.length === 0) starts.set(itemId, list);
      list.push({ at, worker });
      startCount++;
    }
  };
  let procs: WorkerProc[] = [];
  const abort = async () => void (await engine.cleanup?.(ctx));
  onAbort.add(abort);
  try {
    await resetTables(pool);
    procs = Array.from({ length: args.workers }, (_, i) => spawnWorker(name, i, ctx, onStarts));
    let readyTimer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(procs.map((p) => p.ready)).finally(() => clearTimeout(readyTimer)),
      new Promise((_, reject) => {
        readyTimer = setTimeout(() => reject(new Error(`workers not ready after ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
      }),
    ]);

    const t0 = Date.now() + args.leadMs;
    const items = makeItems(args.pending, args.spreadS, t0);
    const firstDue = items[0]!.dueAt.getTime();
    const lastDue = items[items.length - 1]!.dueAt.getTime();
    await insertItems(pool, items);
    await engine.schedule(items, ctx);
    const overrun = Date.now() - t0;
    log(`[${name}] ${args.workers} workers ready; ${args.pending} items scheduled ${overrun > 0 ? `${overrun} ms AFTER` : `${-overrun} ms before`} T0`);

    // Wait until every item is done (and the engine holds no more jobs, so late re-runs are counted) or the deadline.
    const deadline = lastDue + (engine.lockLifetimeMs ?? 30_000) + 60_000;
    let killAt: number | undefined;
    let nextProgress = Date.now() + PROGRESS_MS;
    let done = 0;
    for (;;) {
      done = await countDone(pool);
      const now = Date.now();
      if (args.killOne && killAt === undefined && done >= args.pending / 2) {
        killWorker(procs[0]!);
        killAt = now;
        log(`[${name}] SIGKILLed worker 0 (pid ${procs[0]!.child.pid}) at ${done}/${args.pending} done`);
      }
      if (done >= args.pending && (!engine.pendingCount || (await engine.pendingCount(ctx)) === 0)) break;
      if (now >= deadline) {
        log(`[${name}] deadline reached: ${done}/${args.pending} done${done >= args.pending ? ' but the engine still holds jobs' : ''}`);
        break;
      }
      if (procs.every((p) => !p.alive)) throw new Error('every worker process has exited');
      if (now >= nextProgress) {
        nextProgress += PROGRESS_MS;
        const alive = procs.filter((p) => p.alive).length;
        log(`[${name}] T0${now >= t0 ? '+' : '-'}${(Math.abs(now - t0) / 1000).toFixed(1)}s: ${done}/${args.pending} done, ${startCount} starts, ${alive}/${args.workers} workers alive`);
      }
      await sleep(POLL_MS);
    }
    await stopWorkers(procs, STOP_TIMEOUT_MS);

    const outcome = await readOutcome(pool, killAt !== undefined);
    const lateness = items.flatMap((it) => {
      const s = starts.get(it.id);
      return s ? [s[0]!.at - it.dueAt.getTime()] : [];
    });
    lateness.sort((a, b) => a - b);
    let restarts = 0;
    for (const s of starts.values()) restarts += s.length - 1;
    const unrecorded = outcome.done - items.filter((it) => starts.has(it.id)).length;
    if (unrecorded > 0) log(`[${name}] note: ${unrecorded} done items have no start record (started by the killed worker just before the kill)`);
    const spanMs = outcome.lastAppliedMs === null ? 0 : outcome.lastAppliedMs - firstDue;

    const line: Record<string, unknown> = {
      engine: name,
      pending: args.pending,
      workers: args.workers,
      spreadS: args.spreadS,
      p50Ms: percentile(lateness, 0.5),
      p99Ms: percentile(lateness, 0.99),
      maxMs: lateness.length ? lateness[lateness.length - 1] : null,
      duplicates: outcome.duplicates,
      restarts,
      lost: outcome.lost,
      jobsPerSec: spanMs > 0 ? Math.round((outcome.done / spanMs) * 1000) : null,
    };
    if (killAt !== undefined) {
      // Orphans: items the killed worker started but whose effect it did not apply.
      const appliedBy = new Map(outcome.effects.map((e) => [e.itemId, e]));
      const orphans = [...starts].filter(([id, s]) => s[0]!.worker === 0 && appliedBy.get(id)?.worker !== 0).map(([id]) => id);
      const recovered = orphans.map((id) => appliedBy.get(id)?.appliedMs);
      line.killAtMs = killAt - firstDue;
      line.orphans = orphans.length;
      line.recoveredWithinMs = recovered.some((ms) => ms === undefined) ? null : Math.max(0, ...recovered.map((ms) => ms! - killAt!));
      line.allDoneAfterKillMs = outcome.lost === 0 && outcome.lastAppliedMs !== null ? Math.max(0, outcome.lastAppliedMs - killAt) : null;
    }
    if (Date.now() >= deadline && (outcome.lost > 0 || done < args.pending)) line.timedOut = true;
    return line;
  } finally {
    onAbort.delete(abort);
    for (const p of procs) if (p.alive) killWorker(p);
    await engine.cleanup?.(ctx).catch((e: Error) => log(`[${name}] cleanup failed: ${e.message}`));
    await pool.end();
  }
}

async function main(): Promise<number> {
  let args: BenchArgs;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof ArgError)) throw err;
    if (err.message !== 'help') console.error(`bench:jobs: ${err.message}`);
    console.error(USAGE);
    return err.message === 'help' ? 0 : 2;
  }
  const dbName = `baton_bench_${Date.now()}`;
  const db = await createDatabase(SERVER_URL, dbName);
  const dropOnSignal = (signal: NodeJS.Signals) => {
    log(`bench:jobs: ${signal}: cleaning up`);
    for (const child of allChildren) child.kill('SIGKILL');
    void Promise.allSettled([...onAbort].map((f) => f()))
      .then(() => db.drop())
      .finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', dropOnSignal);
  process.once('SIGTERM', dropOnSignal);
  log(`bench:jobs: database ${dbName}; engines ${args.engines.join(', ')}; ${args.pending} items, ${args.workers} workers, spread ${args.spreadS} s, lead ${args.leadMs} ms${args.killOne ? ', kill one' : ''}`);
  let failed = 0;
  try {
    for (const name of args.engines) {
      try {
        console.log(JSON.stringify(await runEngine(name, args, db.dbUrl, `${dbName}_${name}`)));
      } catch (err) {
        failed++;
        const message = err instanceof Error ? err.message : String(err);
        log(`[${name}] FAILED: ${message}`);
        console.log(JSON.stringify({ engine: name, error: message }));
      }
    }
  } finally {
    await db.drop().catch((e: Error) => log(`could not drop database ${dbName}: ${e.message}`));
  }
  return failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
