// What features see of the job engine (issue 11 item 8): jobs scheduled, replaced and cancelled inside
// the caller's transaction, and the shape of a job definition. Services and feature jobs files depend on
// this module, never on the engine (jobs/job-engine.ts satisfies `Scheduler`; server.ts binds handlers).
import type { Job } from 'agenda';
import type { EntityManager } from 'typeorm';
import type { z } from 'zod';

/** Every job payload carries the instant it was meant to run (Agenda clears nextRunAt on start). */
export interface ScheduledPayload {
  dueAt: string;
  /** The row this job acts on, e.g. `scheduled_reply:<id>`; indexed, for exact cancellation. */
  ref?: string;
}

/** A job scheduled in a transaction: pass it to `uow.announce` so every process hears of it after the commit. */
export interface ScheduledJob {
  jobId: string;
  name: string;
  runAt: Date;
  /** Tells every process of the job now (the committing process's fast path). */
  announce(): unknown;
}

/** Jobs armed with the change that needs them: they commit, or roll back, with it. */
export interface Scheduler {
  /** Schedules a job in the caller's transaction (the row that needs it commits with it). */
  scheduleInTransaction<T extends ScheduledPayload>(manager: EntityManager, name: string, runAt: Date, payload: T): Promise<ScheduledJob>;
  /** Like `scheduleInTransaction`, after removing the jobs armed earlier under the payload's `ref`: one job per reference. */
  replaceInTransaction<T extends ScheduledPayload & { ref: string }>(manager: EntityManager, name: string, runAt: Date, payload: T): Promise<ScheduledJob>;
  /** Removes a reference's jobs (exact match), inside the caller's transaction when given; answers how many. */
  cancelByRef(ref: string, manager?: EntityManager): Promise<number>;
}

export interface JobDefinition<T extends ScheduledPayload> {
  name: string;
  schema: z.ZodType<T>;
  /** Reloads state and applies its effect guarded by that state (STYLE.md habit 7). */
  handle(payload: T, job: Job<T>): Promise<void>;
  /** How long a run may hold its lock before another process may run it again. */
  lockLifetimeMs?: number;
  /** Concurrent runs of this job in one process. */
  concurrency?: number;
  /** Retry delays for failures other than payload errors; null stops retrying. */
  retryDelayMs?: (attempt: number) => number | null;
  /**
   * Called once when the last attempt failed (no retry follows), before the failure is stored: the
   * owner records it where people see it (issue 11 item 7). If it throws, the failure is only logged.
   */
  onRetriesExhausted?(payload: T, error: string, attempts: number): Promise<void>;
}

/** A job's definition but its name and payload schema: what a service hands to the registration in server.ts. */
export type JobHandling<T extends ScheduledPayload> = Omit<JobDefinition<T>, 'name' | 'schema'>;
