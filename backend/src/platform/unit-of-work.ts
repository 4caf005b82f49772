// One transaction per use case: state changes, their timeline events and an outbox row of what must
// follow (publications, job announcements) commit together; the committing process then performs
// the row at once and deletes it, and the outbox relay of any process performs it if that never happens.
// Events get their stream positions after the commit (see event-positions.ts), before they are published.
import type { DataSource, EntityManager } from 'typeorm';
import type { Clock } from '../clock.js';
import { serialised } from '../db/serialised.js';
import { withLockRetry } from '../jobs/lock-retry.js';
import type { ScheduledJob } from '../jobs/scheduler.js';
import type { Logger } from '../logger.js';
import type { EventBus } from '../realtime/event-bus.js';
import { acceptDeferredWork, runDeferredWork } from './deferred-to-commit.js';
import { forgetPerformedOutboxRow, insertOutboxRow, type OutboxEffects } from './outbox.js';
import type { ProcessCaches } from './process-caches.js';
import { appendEvents, withStreamPositions, type NewEvent } from './timeline.js';
import type { EventRow } from '../db/entities/event.entity.js';

export interface Infrastructure {
  db: DataSource;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  /** This process's caches of committed rows (absent: nothing cached, e.g. a worker in a test). */
  caches?: ProcessCaches;
}

export interface UnitOfWork {
  manager: EntityManager;
  /** The transaction's clock reading: every row and event of the change carries the same instant. */
  now: Date;
  /** Adds a timeline event to this change: written when the work ends, given its stream position and published after commit. */
  record(event: NewEvent): Promise<void>;
  /** A job scheduled in this transaction: every process hears of it after the commit, never on rollback. */
  announce(job: ScheduledJob): void;
  /** An agent or API key changed: cached principals are forgotten after the commit (other processes within their cache time). */
  credentialsChanged(): void;
}

export interface ChangeOptions {
  /**
   * `before-return` (the default): the change's jobs are announced and its events numbered and
   * published before the call answers, so a caller that reads the stream next finds them.
   * `in-background`: the call answers at the commit and the effects follow (the outbox row covers
   * them either way) — for a hot path whose next step does not need them, e.g. delivering a claimed reply.
   */
  afterCommit?: 'before-return' | 'in-background';
}

/** Runs of a change that deadlocked before it fails (a lock wait timeout is not run again: it already waited long). */
const DEADLOCK_ATTEMPTS = 4;

/** What the work asked for, collected until its end. */
interface PendingChange {
  events: NewEvent[];
  jobs: ScheduledJob[];
  credentialsChanged: boolean;
}

/** A committed change whose effects are still to perform. */
interface CommittedChange {
  tenantId: string;
  events: EventRow[];
  jobs: ScheduledJob[];
  credentialsChanged: boolean;
  outboxId: string;
}

/**
 * Runs `work` in one transaction for `tenantId`; at its end, still in the transaction, writes the
 * recorded events and the outbox row; after commit performs the row.
 * @example await withTransaction(infra, tenantId, async (uow) => { ...; await uow.record({ type: 'team.created', actor }) })
 */
export async function withTransaction<T>(
  infra: Infrastructure,
  tenantId: string,
  work: (uow: UnitOfWork) => Promise<T>,
  options: ChangeOptions = {},
): Promise<T> {
  const attempt = () =>
    serialised(infra.db, () =>
      infra.db.transaction(async (manager) => {
        const now = infra.clock.now();
        const pending: PendingChange = { events: [], jobs: [], credentialsChanged: false };
        acceptDeferredWork(manager);
        const value = await work({
          manager,
          now,
          record: async (event) => void pending.events.push(event),
          announce: (job) => void pending.jobs.push(job),
          credentialsChanged: () => void (pending.credentialsChanged = true),
        });
        // Rows the work deferred to its end (its jobs, in one INSERT), then its events and outbox row.
        await runDeferredWork(manager);
        return [value, await writeChange(manager, tenantId, pending, now)] as const;
      }),
    );
  // A deadlock rolled the attempt back whole (its events and jobs are collected per attempt): run it again.
  const [result, committed] = await withLockRetry(attempt, DEADLOCK_ATTEMPTS, false);
  if (committed && options.afterCommit === 'in-background') void performAfterCommit(infra, committed);
  else if (committed) await performAfterCommit(infra, committed);
  return result;
}

/** The change's events (one insert) and its outbox row; null when it asks for nothing after commit. */
async function writeChange(manager: EntityManager, tenantId: string, pending: PendingChange, now: Date): Promise<CommittedChange | null> {
  if (pending.events.length === 0 && pending.jobs.length === 0 && !pending.credentialsChanged) return null;
  const events = await appendEvents(manager, tenantId, pending.events, now);
  const effects: OutboxEffects = {
    events: null,
    eventIds: events.length ? { from: events[0]!.id, to: events[events.length - 1]!.id } : null,
    jobs: pending.jobs.map((job) => ({ jobId: job.jobId, name: job.name, runAt: job.runAt.toISOString() })),
    ...(pending.credentialsChanged ? { credentialsChanged: true as const } : {}),
  };
  const outboxId = await insertOutboxRow(manager, tenantId, effects, now);
  return { tenantId, events, jobs: pending.jobs, credentialsChanged: pending.credentialsChanged, outboxId };
}

/**
 * The fast path: the committing process performs its outbox row from memory, then deletes it. If
 * anything fails the row stays, and a relay performs it once its grace time has passed. Jobs are
 * announced first: they do not wait for the events' positions.
 */
async function performAfterCommit(infra: Infrastructure, change: CommittedChange): Promise<void> {
  try {
    for (const job of change.jobs) await job.announce();
    if (change.credentialsChanged) infra.caches?.credentialsChanged();
    if (change.events.length > 0) infra.caches?.eventsCommitted(change.tenantId, change.events);
    if (change.events.length > 0) await infra.bus.publish(change.tenantId, await withStreamPositions(infra.db, change.tenantId, change.events));
    forgetPerformedOutboxRow(infra.db, change.outboxId, infra.log);
  } catch (error) {
    infra.log.warn({ err: error, outboxId: change.outboxId }, 'after-commit effects failed (the change is committed); the outbox relay performs them');
  }
}
