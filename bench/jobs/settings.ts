// The settings every engine in the job benchmark is given alike (issue 13: BullMQ runs with Baton's
// concurrency and lock settings), and the shape in which each engine reports what it ran with.

/** What both engines get, so their figures compare the same work under the same rules. */
export interface SharedSettings {
  /** Jobs one worker process runs at once: Baton's `maxConcurrency` default (backend/src/jobs/job-engine.ts). */
  concurrency: number;
  /** How long a claimed job stays locked before another process may take it (Baton: lock lifetime; BullMQ: lockDuration). */
  lockMs: number;
  /**
   * How often a process looks for jobs whose lock expired: Baton's poll (`processEvery`, 500 ms
   * default; its claims scan for expired locks at most every 250 ms), BullMQ's `stalledInterval`.
   */
  lockCheckMs: number;
}

/** Baton's defaults, but a lock of 10 s (production: 60 s) so that `--kill-one` runs stay short; `--lock-ms` changes it. */
export const DEFAULT_SETTINGS: SharedSettings = { concurrency: 200, lockMs: 10_000, lockCheckMs: 500 };

/** What a worker reports it actually runs with: the shared settings as the engine applied them, plus its own. */
export type EngineSettings = SharedSettings & Record<string, number | string | null>;
