// The safety net: re-arms work whose job is missing (a row that needs a job and has none) and
// deletes finished one-off jobs after a day, so the jobs table stays small.
import type { Logger } from '../logger.js';
import type { JobEngine } from './job-engine.js';
import type { ScheduledPayload } from './scheduler.js';

/** A row that needs a job, as its owner (e.g. the scheduled-reply service) describes it. */
export interface JobNeed {
  ref: string;
  name: string;
  runAt: Date;
  payload: ScheduledPayload & Record<string, unknown>;
}

/** Lists rows that should have a job (e.g. pending scheduled replies), at most `limit`. */
export interface SweepSource {
  name: string;
  findNeeds(limit: number): Promise<JobNeed[]>;
}

export interface SweepResult {
  rearmed: number;
  deletedFinished: number;
}

const FINISHED_RETENTION_MS = 24 * 3600_000;

export function createSweep(engine: JobEngine, sources: SweepSource[], log: Logger) {
  async function runOnce(now = new Date()): Promise<SweepResult> {
    let rearmed = 0;
    for (const source of sources) {
      const needs = await source.findNeeds(1000);
      if (needs.length === 0) continue;
      const present = await engine.repository.refsWithPendingJobs(needs.map((need) => need.ref));
      const missing = needs.filter((need) => !present.has(need.ref));
      if (missing.length === 0) continue;
      await engine.repository.insertMany(
        missing.map((need) => ({ name: need.name, priority: 0, type: 'normal', nextRunAt: need.runAt, data: { ...need.payload, ref: need.ref } })),
      );
      rearmed += missing.length;
      log.warn({ source: source.name, rearmed: missing.length, refs: missing.slice(0, 10).map((need) => need.ref) }, 'sweep re-armed rows whose job was missing');
    }
    const deletedFinished = await engine.repository.deleteFinishedBefore(new Date(now.getTime() - FINISHED_RETENTION_MS));
    return { rearmed, deletedFinished };
  }

  let timer: NodeJS.Timeout | null = null;
  return {
    runOnce,
    /** Runs every `intervalMs` (errors are logged, the next run tries again). */
    start(intervalMs = 60_000) {
      timer ??= setInterval(() => runOnce().catch((error: unknown) => log.error({ err: error }, 'sweep failed')), intervalMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
