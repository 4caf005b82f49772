// Turns one engine run's records — job starts reported by the workers, effect runs committed in the
// database, what the workers sent to MariaDB and Redis — into the benchmark's figures.
import type { DbOutcome, EffectRun } from './db';
import type { BenchItem } from './engine';
import type { IoCounts } from './io-counter';
import type { ServerCpu } from './server-cpu';

export type Starts = Map<string, { at: number; worker: number }[]>;

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

/** Each item's first effect run that the guard let through (runs come in commit-stamp order). */
function firstApplied(runs: EffectRun[]): Map<string, EffectRun> {
  const first = new Map<string, EffectRun>();
  for (const run of runs) if (run.applied && !first.has(run.itemId)) first.set(run.itemId, run);
  return first;
}

/** Lateness, duplicates, re-runs and throughput; every time on the harness's clock. */
export function runFigures(items: BenchItem[], starts: Starts, outcome: DbOutcome) {
  const applied = firstApplied(outcome.runs);
  const latenessOf = (at: (item: BenchItem) => number | undefined) =>
    items.flatMap((item) => {
      const ms = at(item);
      return ms === undefined ? [] : [ms - item.dueAt.getTime()];
    }).sort((a, b) => a - b);
  const effectLateness = latenessOf((item) => applied.get(item.id)?.atMs);
  const startLateness = latenessOf((item) => starts.get(item.id)?.[0]!.at);

  const appliedRuns = new Map<string, number>();
  for (const run of outcome.runs) if (run.applied) appliedRuns.set(run.itemId, (appliedRuns.get(run.itemId) ?? 0) + 1);
  let restarts = 0;
  let handlerRunsTwice = 0;
  for (const list of starts.values()) {
    restarts += list.length - 1;
    if (list.length > 1) handlerRunsTwice++;
  }
  const firstDue = items[0]!.dueAt.getTime();
  const lastAppliedMs = outcome.runs.reduce<number | null>((last, run) => (run.applied && (last === null || run.atMs > last) ? run.atMs : last), null);
  const spanMs = lastAppliedMs === null ? 0 : lastAppliedMs - firstDue;
  return {
    figures: {
      p50Ms: percentile(effectLateness, 0.5),
      p99Ms: percentile(effectLateness, 0.99),
      maxMs: effectLateness.length ? effectLateness[effectLateness.length - 1]! : null,
      startP50Ms: percentile(startLateness, 0.5),
      startP99Ms: percentile(startLateness, 0.99),
      duplicates: [...appliedRuns.values()].filter((n) => n > 1).length,
      guardedReruns: outcome.runs.filter((run) => !run.applied).length,
      restarts,
      handlerRunsTwice,
      lost: outcome.lost,
      jobsPerSec: spanMs > 0 ? Math.round((outcome.done / spanMs) * 1000) : null,
    },
    lastAppliedMs,
    unrecordedStarts: outcome.done - items.filter((item) => starts.has(item.id)).length,
  };
}

/** Kill recovery: what the killed worker (0) left behind, and how long until its work was done. */
export function killFigures(starts: Starts, outcome: DbOutcome, killAt: number, firstDue: number, lastAppliedMs: number | null) {
  const applied = firstApplied(outcome.runs);
  // Orphans: items the killed worker started first but whose effect it did not apply.
  const orphans = [...starts].filter(([id, list]) => list[0]!.worker === 0 && applied.get(id)?.worker !== 0).map(([id]) => id);
  const recovered = orphans.map((id) => applied.get(id)?.atMs);
  return {
    killAtMs: killAt - firstDue,
    orphans: orphans.length,
    recoveredWithinMs: recovered.some((ms) => ms === undefined) ? null : Math.max(0, ...recovered.map((ms) => ms! - killAt)),
    allDoneAfterKillMs: outcome.lost === 0 && lastAppliedMs !== null ? Math.max(0, lastAppliedMs - killAt) : null,
  };
}

/** Per item done, by kind, split into SQL statements and Redis commands (kinds under 0.01 per job only in the total). */
export function ioPerJob(counts: IoCounts[], done: number) {
  if (done === 0) return { sqlPerJob: null, redisPerJob: null };
  const sum: IoCounts = {};
  for (const c of counts) for (const [kind, n] of Object.entries(c)) sum[kind] = (sum[kind] ?? 0) + n;
  const perJob = (prefix: string) => {
    const kinds = Object.entries(sum).filter(([kind]) => kind.startsWith(prefix)).sort((a, b) => b[1] - a[1]);
    const round = (n: number) => Math.round((n / done) * 100) / 100;
    const result: Record<string, number> = { total: round(kinds.reduce((t, [, n]) => t + n, 0)) };
    for (const [kind, n] of kinds) if (round(n) >= 0.01) result[kind.slice(prefix.length)] = round(n);
    return result;
  };
  return { sqlPerJob: perJob('sql '), redisPerJob: perJob('redis ') };
}

/** CPU ms per item done: the worker processes' own (null if one was killed), and the servers' (whole-server diffs). */
export function cpuPerJob(workerCpuMs: (number | undefined)[], before: ServerCpu, after: ServerCpu, done: number) {
  const per = (ms: number | null) => (ms === null || done === 0 ? null : Math.round((ms / done) * 100) / 100);
  const diff = (key: keyof ServerCpu) => (before[key] === null || after[key] === null ? null : after[key]! - before[key]!);
  const workers = workerCpuMs.every((ms) => ms !== undefined) ? workerCpuMs.reduce<number>((t, ms) => t + ms!, 0) : null;
  return { workers: per(workers), mariadb: per(diff('mariadb')), redis: per(diff('redis')) };
}
