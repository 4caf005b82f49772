// Job-engine benchmark (issues 3, 13): schedules N jobs on MariaDB + Redis, runs W worker processes
// per engine with the same settings, prints one JSON line per engine (the last engine's line last).
import { randomUUID } from 'node:crypto';
import { ArgError, type BenchArgs, USAGE, parseArgs } from './args';
import { countDone, createDatabase, insertItems, measureClockOffsetMs, readOutcome, resetTables, serverStatementCounters } from './db';
import { createPool } from './effect';
import { type BenchContext, type BenchItem, loadEngine } from './engine';
import { cpuPerJob, ioPerJob, killFigures, runFigures, type Starts } from './figures';
import { allChildren, killWorker, spawnWorker, stopWorkers, type WorkerProc } from './procs';
import { serverCpuMs } from './server-cpu';
import { DEFAULT_SETTINGS, type SharedSettings } from './settings';
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

/** Whole-server statement counters over the run, on stderr (only meaningful when nothing else uses the server). */
function logServerCounters(name: string, before: Record<string, number>, after: Record<string, number>, done: number): void {
  const diff = Object.keys(after).map((key) => `${key} ${((after[key]! - (before[key] ?? 0)) / Math.max(1, done)).toFixed(2)}`);
  log(`[${name}] whole server, per item done (harness polling and any other client included): ${diff.join(', ')}`);
}

async function runEngine(name: string, args: BenchArgs, dbUrl: string, runId: string): Promise<Record<string, unknown>> {
  const engine = await loadEngine(name);
  const ctx: BenchContext = { runId, dbUrl, redisUrl: REDIS_URL };
  const settings: SharedSettings = { ...DEFAULT_SETTINGS, lockMs: args.lockMs };
  const pool = createPool(dbUrl);
  const starts: Starts = new Map();
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
    const clockOffsetMs = await measureClockOffsetMs(pool);
    procs = Array.from({ length: args.workers }, (_, i) => spawnWorker(name, i, ctx, settings, onStarts));
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
    await insertItems(pool, items, clockOffsetMs);
    await engine.schedule(items, ctx);
    const serverBefore = await serverStatementCounters(pool);
    const cpuBefore = await serverCpuMs();
    const overrun = Date.now() - t0;
    log(`[${name}] ${args.workers} workers ready; ${args.pending} items scheduled ${overrun > 0 ? `${overrun} ms AFTER` : `${-overrun} ms before`} T0`);

    // Wait until every item is done (and the engine holds no more jobs, so late re-runs are counted) or the deadline:
    // a killed worker's jobs come back after the lock and at most two lock checks.
    const deadline = lastDue + settings.lockMs + 2 * settings.lockCheckMs + 60_000;
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
    const cpuAfter = await serverCpuMs();
    logServerCounters(name, serverBefore, await serverStatementCounters(pool), done);

    const outcome = await readOutcome(pool, clockOffsetMs);
    const { figures, lastAppliedMs, unrecordedStarts } = runFigures(items, starts, outcome);
    if (unrecordedStarts > 0) log(`[${name}] note: ${unrecordedStarts} done items have no start record (started by the killed worker just before the kill)`);
    const line: Record<string, unknown> = {
      engine: name,
      pending: args.pending,
      workers: args.workers,
      spreadS: args.spreadS,
      ...figures,
      settings: procs[0]!.settings,
      clockOffsetMs,
      // A killed worker's counts are gone with it: per-job figures only when every worker reported.
      ...(procs.every((p) => p.io) ? ioPerJob(procs.map((p) => p.io!), outcome.done) : { sqlPerJob: null, redisPerJob: null }),
      cpuMsPerJob: cpuPerJob(procs.map((p) => p.cpuMs), cpuBefore, cpuAfter, outcome.done),
    };
    if (killAt !== undefined) Object.assign(line, killFigures(starts, outcome, killAt, firstDue, lastAppliedMs));
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
  const dbName = `baton_bench_jobs_${Date.now()}`;
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
  log(`bench:jobs: database ${dbName}; engines ${args.engines.join(', ')}; ${args.pending} items, ${args.workers} workers, spread ${args.spreadS} s, lead ${args.leadMs} ms, lock ${args.lockMs} ms${args.killOne ? ', kill one' : ''}`);
  let failed = 0;
  const jobsPerSec = new Map<string, number>();
  try {
    for (const name of args.engines) {
      try {
        const line = await runEngine(name, args, db.dbUrl, `${dbName}_${name}`);
        // Throughput relative to the engines that ran before it in this run (the issue's target: Baton ≥ 1.0× BullMQ).
        if (jobsPerSec.size > 0 && typeof line.jobsPerSec === 'number')
          line.jobsPerSecVs = Object.fromEntries([...jobsPerSec].map(([other, rate]) => [other, Math.round(((line.jobsPerSec as number) / rate) * 100) / 100]));
        if (typeof line.jobsPerSec === 'number') jobsPerSec.set(name, line.jobsPerSec);
        console.log(JSON.stringify(line));
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
