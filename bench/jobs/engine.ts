// Engine-agnostic contract for the job benchmark, plus the registry that loads engines by name.
import type { EngineSettings, SharedSettings } from './settings';

export interface BenchItem {
  id: string;
  dueAt: Date;
}

/** What every call gets: where the run's database and Redis are, and a unique id for this run. */
export interface BenchContext {
  runId: string; // unique per engine run: use it to name queues / key prefixes
  dbUrl: string; // mysql://… pointing at the run's fresh database (bench_items, bench_effects)
  redisUrl: string;
}

export interface WorkerContext extends BenchContext {
  workerIndex: number;
  /** Apply these: the same concurrency and lock settings for every engine. */
  settings: SharedSettings;
  /** Call when a job starts running (every time, also on a re-run). */
  onStart(itemId: string, dueAtMs: number): void;
  /** The job's effect: one guarded transaction (logged even when the guard stops it); true if applied, false if it was already done. */
  applyEffect(itemId: string): Promise<boolean>;
}

export interface BenchEngine {
  name: string;
  /** Runs in the parent process, before the first item is due. */
  schedule(items: BenchItem[], ctx: BenchContext): Promise<void>;
  /** Runs in each worker process; resolves once the worker is ready to take jobs, with the settings it really runs with. */
  runWorker(ctx: WorkerContext): Promise<{ settings: EngineSettings; stop(): Promise<void> }>;
  /** Optional (parent): jobs the engine still holds (waiting, delayed, running). Lets the
   *  harness wait for late re-runs after every item is done. */
  pendingCount?(ctx: BenchContext): Promise<number>;
  /** Optional (parent): remove the engine's own state for this run (queues, keys, tables). */
  cleanup?(ctx: BenchContext): Promise<void>;
}

const engines: Record<string, () => Promise<{ createEngine(): BenchEngine }>> = {
  bullmq: () => import('./engines/bullmq'),
  baton: () => import('./engines/baton'),
};

export const engineNames = Object.keys(engines);

/** Imports ./engines/<name>.ts and returns a fresh engine instance. */
export async function loadEngine(name: string): Promise<BenchEngine> {
  const load = engines[name];
  if (!load) throw new Error(`unknown engine "${name}" (known: ${engineNames.join(', ')})`);
  const mod = await load();
  return mod.createEngine();
}
