// The job engine: Agenda on Baton's SQL storage backend, with Redis (or in-process) notifications,
// typed job definitions, metrics, and jobs scheduled inside the caller's transaction (it is the
// features' `Scheduler`, jobs/scheduler.ts, structurally).
import { Agenda, type AgendaBackend, type Job, type JobId, type JobNotification } from 'agenda';
import type { DataSource, EntityManager } from 'typeorm';
import type { Metrics } from '../http/metrics.js';
import type { Logger } from '../logger.js';
import { agendaClaimCapacity, assertAgendaCapacityReadable } from './claim-capacity.js';
import { retryWhileUnreachable } from './unreachable-retry.js';
import { LocalNotificationChannel } from './local-notification-channel.js';
import { RedisNotificationChannel } from './redis-notification-channel.js';
import type { JobDefinition, ScheduledJob, ScheduledPayload } from './scheduler.js';
import { SqlJobRepository } from './sql-job-repository.js';
import { describeThrown } from './thrown-text.js';
import { decideDebugColoursOnce } from './quiet-debug.js';

/** A job's payload failed validation: recorded as a failure, never retried (it will not parse later). */
export class JobPayloadError extends Error {
  override name = 'JobPayloadError';
}

export interface JobEngineOptions {
  db: DataSource;
  redisUrl: string | null;
  log: Logger;
  metrics?: Metrics;
  /** This process's name in `last_modified_by`. */
  processName: string;
  processEveryMs?: number;
  lockLifetimeMs?: number;
  /**
   * Jobs one process holds locked at once (default: maxConcurrency). Claims never exceed what the
   * process can start now either — maxConcurrency and each job's concurrency — so due jobs it cannot
   * start stay free for an idle process.
   */
  lockLimit?: number;
  maxConcurrency?: number;
  claimBatchSize?: number;
}

/** A handler ran into its lock lifetime: recorded as a failure (and retried) before another process may take the job. */
export class JobTimeoutError extends Error {
  override name = 'JobTimeoutError';
}

export const DEFAULT_LOCK_LIFETIME_MS = 60_000;
/**
 * For timers whose handler only reads and writes the database (auto-release, SLA check): a process
 * killed while holding their claim frees it after 15 s, not 60 s, so they fire late by about the
 * outage (issue 14). Their runs take milliseconds; a run cut at 90 % of this is retried, and their
 * effects are guarded, so a second run finds nothing to do.
 */
export const TIMER_LOCK_LIFETIME_MS = 15_000;

/** A run must end before its lock expires (90 % of the lifetime, counted from the claim). */
function deadlineOf(job: Job, lockLifetimeMs: number): number {
  const lockedAt = job.attrs.lockedAt?.getTime() ?? Date.now();
  return lockedAt + lockLifetimeMs * 0.9;
}

async function withDeadline<T>(work: Promise<T>, deadlineMs: number, name: string, lockLifetimeMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new JobTimeoutError(`${name} did not finish within its lock lifetime (${lockLifetimeMs} ms); it will be retried`)),
      Math.max(0, deadlineMs - Date.now()),
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const defaultRetry = (attempt: number) => (attempt <= 5 ? Math.min(1000 * 2 ** (attempt - 1), 60_000) : null);

export function createJobEngine(options: JobEngineOptions) {
  const { db, log } = options;
  decideDebugColoursOnce();
  const maxConcurrency = options.maxConcurrency ?? 200;
  const repository = new SqlJobRepository(db, {
    claimBatchSize: options.claimBatchSize ?? 50,
    claimCapacity: agendaClaimCapacity(() => agenda),
    // Claimed jobs wait in the claimer until due, and wake Agenda's fill then (its own queue is slow when long).
    onDue: (name) => wake(name),
  });
  const channel = options.redisUrl ? new RedisNotificationChannel(options.redisUrl, log.child({ component: 'job-notifications' })) : new LocalNotificationChannel();
  const backend: AgendaBackend = {
    name: 'baton-sql',
    repository,
    notificationChannel: channel,
    // Agenda calls disconnect on stop() only if the backend "owns" its connection; ours releases the
    // buffered claims (and leaves the database open), so agenda.stop() on its own frees them too.
    ownsConnection: true,
    connect: () => repository.connect(),
    disconnect: () => repository.disconnect(),
  };
  // Subscribed before Agenda (handlers run in order): a claim after a notification asks the
  // database even if the last one found nothing. Our own wake-ups (no job id) announce no new job.
  channel.subscribe((notification) => void (notification.jobId && repository.noteNotification(notification.jobName)));
  const lockLifetimeMs = options.lockLifetimeMs ?? DEFAULT_LOCK_LIFETIME_MS;
  const agenda = new Agenda({
    backend,
    name: options.processName,
    processEvery: options.processEveryMs ?? 500,
    maxConcurrency,
    defaultConcurrency: maxConcurrency,
    lockLimit: options.lockLimit ?? maxConcurrency,
    defaultLockLifetime: lockLifetimeMs,
  });
  let running = false;
  /** Handlers running in this process now (graceful stop waits for them). */
  let inFlight = 0;
  agenda.on('error', (error: Error) => (running ? log.warn({ err: error }, 'job engine error') : log.debug({ err: error }, 'job engine error while stopping')));

  // Agenda never refills its queue when a job finishes; wake it ourselves so throughput is not
  // capped at lockLimit per processEvery (reference/agenda.md).
  const wakeScheduled = new Set<string>();
  const wake = (jobName: string) => {
    if (!running || wakeScheduled.has(jobName)) return;
    wakeScheduled.add(jobName);
    setImmediate(() => {
      wakeScheduled.delete(jobName);
      // The engine may have stopped (and its channel disconnected) since the wake was scheduled.
      if (!running) return;
      const notification: JobNotification = { jobId: '' as JobId, jobName, nextRunAt: new Date(), priority: 0, timestamp: new Date() };
      channel.notifyLocally(notification).catch((error: unknown) => log.debug({ err: error }, 'local job wake-up not delivered (engine stopping)'));
    });
  };
  // Only this process's own runs: another process's 'complete' (remote = true) carries no job.
  agenda.on('complete', (job: Job, remote?: false) => !remote && wake(job.attrs.name));

  options.metrics?.setJobQueueSizeSource(() => repository.getQueueSize());

  /**
   * Tells every process of a committed job by its id, name and due time (the outbox relay performs
   * it from data). Idempotent: announcing twice only wakes a poll.
   */
  const announceScheduled = (job: { jobId: string; name: string; runAt: Date }) =>
    channel.publish({ jobId: job.jobId as JobId, jobName: job.name, nextRunAt: job.runAt, priority: 0, timestamp: new Date() });

  return {
    agenda,
    repository,

    define<T extends ScheduledPayload>(definition: JobDefinition<T>): void {
      const retry = definition.retryDelayMs ?? defaultRetry;
      agenda.define<T>(
        definition.name,
        async (job) => {
          const parsed = definition.schema.safeParse(job.attrs.data);
          if (!parsed.success) {
            options.metrics?.jobFailures.inc({ job: definition.name, reason: 'payload' });
            throw new JobPayloadError(`payload does not parse: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'data'}: ${issue.message}`).join('; ')}`);
          }
          const lateSeconds = (Date.now() - Date.parse(parsed.data.dueAt)) / 1000;
          if (Number.isFinite(lateSeconds)) options.metrics?.jobLateness.observe({ job: definition.name }, Math.max(0, lateSeconds));
          const jobLockLifetimeMs = definition.lockLifetimeMs ?? lockLifetimeMs;
          const deadlineMs = deadlineOf(job, jobLockLifetimeMs);
          inFlight += 1;
          try {
            // A run cut by a lost database connection runs again here, while the lock is ours, once
            // the database answers (handlers are idempotent): not a failure counted against its retries.
            const handleUntilDbAnswers = retryWhileUnreachable(() => definition.handle(parsed.data, job as Job<T>), deadlineMs);
            await withDeadline(handleUntilDbAnswers, deadlineMs, definition.name, jobLockLifetimeMs);
          } catch (error) {
            options.metrics?.jobFailures.inc({ job: definition.name, reason: error instanceof JobTimeoutError ? 'timeout' : 'handler' });
            const attempt = (job.attrs.failCount ?? 0) + 1;
            log.warn({ err: error, job: definition.name, jobId: String(job.attrs._id), attempt }, 'job failed');
            if (retry(attempt) === null) {
              options.metrics?.jobRetriesExhausted.inc({ job: definition.name });
              await definition.onRetriesExhausted?.(parsed.data, describeThrown(error), attempt).catch((hookError: unknown) =>
                log.error({ err: hookError, job: definition.name, jobId: String(job.attrs._id) }, 'recording a job that ran out of retries failed'),
              );
            }
            // An Error, so Agenda's failure events and logs carry a message (a plain object has none).
            throw error instanceof Error ? error : new Error(describeThrown(error));
          } finally {
            inFlight -= 1;
          }
        },
        {
          lockLifetime: definition.lockLifetimeMs ?? lockLifetimeMs,
          concurrency: definition.concurrency ?? maxConcurrency,
          backoff: (context) => (context.error instanceof JobPayloadError ? null : retry(context.attempt)),
        },
      );
    },

    announceScheduled,

    /**
     * Schedules a job in the caller's transaction (the row that needs it commits with it).
     * Pass the answer to `uow.announce` so every process hears of it after the commit.
     */
    async scheduleInTransaction<T extends ScheduledPayload>(manager: EntityManager, name: string, runAt: Date, payload: T): Promise<ScheduledJob> {
      const job = await repository.insertInTransaction(manager, { name, nextRunAt: runAt, data: payload });
      const scheduled = { jobId: String(job._id), name, runAt };
      return { ...scheduled, announce: () => announceScheduled(scheduled) };
    },

    /** Like `scheduleInTransaction`, after removing the jobs armed earlier under the payload's `ref`: one job per reference. */
    async replaceInTransaction<T extends ScheduledPayload & { ref: string }>(manager: EntityManager, name: string, runAt: Date, payload: T): Promise<ScheduledJob> {
      await repository.removeByRef(payload.ref, manager);
      return this.scheduleInTransaction(manager, name, runAt, payload);
    },

    /** Removes a reference's jobs (exact match), inside the caller's transaction when given. */
    cancelByRef: (ref: string, manager?: EntityManager) => repository.removeByRef(ref, manager),

    async start(): Promise<void> {
      running = true;
      await agenda.start();
      assertAgendaCapacityReadable(agenda);
    },

    /**
     * Stops taking jobs and unlocks those claimed but not started, buffered ones included (so other
     * processes run them at once), then waits up to `timeoutMs` for running handlers.
     */
    async stop(timeoutMs = 10_000): Promise<void> {
      if (!running) return;
      running = false;
      await agenda.stop();
      const deadline = Date.now() + timeoutMs;
      while (inFlight > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
      if (inFlight > 0) log.warn({ inFlight }, 'job engine stopped with handlers still running; they run again after their lock lifetime');
      await repository.disconnect();
    },

    /** `ok`, `degraded` (notifications down: jobs still run, picked up by polling), or `stopped`. */
    health(): 'ok' | 'degraded' | 'stopped' {
      if (!running) return 'stopped';
      return channel.state === 'connected' ? 'ok' : 'degraded';
    },
  };
}

export type JobEngine = ReturnType<typeof createJobEngine>;

