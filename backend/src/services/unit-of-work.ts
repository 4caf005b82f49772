// One transaction per use case: state changes and their timeline events commit together,
// and the events are published only after the commit (STYLE.md habit 8).
import type { DataSource, EntityManager } from 'typeorm';
import type { BatonEvent } from '../../../shared/events.js';
import type { Clock } from '../clock.js';
import { serialised } from '../db/serialised.js';
import type { Logger } from '../logger.js';
import type { EventBus } from '../realtime/event-bus.js';
import { appendEvent, type NewEvent } from './timeline.js';

export interface Infrastructure {
  db: DataSource;
  bus: EventBus;
  clock: Clock;
  log: Logger;
}

export interface UnitOfWork {
  manager: EntityManager;
  /** The transaction's clock reading: every row and event of the change carries the same instant. */
  now: Date;
  /** Appends a timeline event in this transaction; it is published after commit. */
  record(event: NewEvent): Promise<BatonEvent>;
  /** A job scheduled in this transaction: every process hears of it after the commit, never on rollback. */
  announce(job: { announce(): unknown }): void;
  /** Runs after the commit (e.g. announcing a job); never when the transaction rolls back. */
  afterCommit(action: () => unknown): void;
}

/**
 * Runs `work` in one transaction for `tenantId`, then publishes the events it recorded.
 * @example await withTransaction(infra, tenantId, async (uow) => { ...; await uow.record({ type: 'team.created', actor }) })
 */
export async function withTransaction<T>(
  infra: Infrastructure,
  tenantId: string,
  work: (uow: UnitOfWork) => Promise<T>,
): Promise<T> {
  const recorded: BatonEvent[] = [];
  const afterCommit: (() => unknown)[] = [];
  const result = await serialised(infra.db, () =>
    infra.db.transaction(async (manager) => {
      const now = infra.clock.now();
      return work({
        manager,
        now,
        record: async (event) => {
          const wire = await appendEvent(manager, tenantId, event, now);
          recorded.push(wire);
          return wire;
        },
        announce: (job) => afterCommit.push(job.announce),
        afterCommit: (action) => afterCommit.push(action),
      });
    }),
  );
  await infra.bus.publish(tenantId, recorded);
  for (const action of afterCommit) {
    try {
      await action();
    } catch (error) {
      infra.log.warn({ err: error }, 'after-commit action failed (the change itself is committed)');
    }
  }
  return result;
}
