// Exactly-once effects on top of an at-least-once job engine: the effect commits in the same
// transaction as a conditional status change, so a job that runs again finds nothing to do.
import type { EntitySchema } from 'typeorm';
import { withTransaction, type Infrastructure, type UnitOfWork } from '../platform/unit-of-work.js';

export interface StatusGuard<Row extends { id: string; tenantId: string; status: string }> {
  entity: EntitySchema<Row>;
  id: string;
  tenantId: string;
  /** The status the row must still have for the effect to apply (e.g. `pending`). */
  from: Row['status'];
  /** The status it moves to in the same transaction (e.g. `sent`). */
  to: Row['status'];
}

export type GuardedOutcome<T> = { applied: true; result: T } | { applied: false };

/**
 * Moves the row from `from` to `to` and applies `effect`, all in one transaction; when the row is
 * no longer in `from` (already done, cancelled, taken over…) nothing is written and
 * `{ applied: false }` is returned. If `effect` throws, the status change rolls back with it.
 * @example await applyGuardedEffect(infra, { entity: ScheduledReplyEntity, id, tenantId, from: 'pending', to: 'sent' }, (uow) => deliver(uow))
 */
export async function applyGuardedEffect<Row extends { id: string; tenantId: string; status: string }, T>(
  infra: Infrastructure,
  guard: StatusGuard<Row>,
  effect: (uow: UnitOfWork) => Promise<T>,
): Promise<GuardedOutcome<T>> {
  return withTransaction(infra, guard.tenantId, async (uow) => {
    const claimed = await uow.manager
      .createQueryBuilder()
      .update(guard.entity)
      .set({ status: guard.to } as never)
      .where('id = :id AND tenant_id = :tenantId AND status = :from', { id: guard.id, tenantId: guard.tenantId, from: guard.from })
      .execute();
    if (!claimed.affected) return { applied: false } as const;
    return { applied: true, result: await effect(uow) } as const;
  });
}
