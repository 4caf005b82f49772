// Locking reads (SELECT … FOR UPDATE): the row stays locked until the transaction ends, and the
// read sees the latest committed version — a plain read under MariaDB's REPEATABLE READ returns
// the transaction's snapshot, which may predate a lock it then waits for. SQLite transactions are
// already serial and have no FOR UPDATE: a plain read there.
import type { EntityManager, EntitySchema, FindOptionsOrder, FindOptionsWhere, ObjectLiteral } from 'typeorm';

const supportsRowLocks = (manager: EntityManager) => manager.connection.options.type !== 'better-sqlite3';

/** One row matching `where`, locked for the caller's transaction. */
export function findOneForUpdate<T extends ObjectLiteral>(manager: EntityManager, entity: EntitySchema<T>, where: FindOptionsWhere<T>): Promise<T | null> {
  return manager.getRepository(entity).findOne({ where, ...(supportsRowLocks(manager) ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
}

/** Every row matching `where`, locked for the caller's transaction. */
export function findForUpdate<T extends ObjectLiteral>(manager: EntityManager, entity: EntitySchema<T>, where: FindOptionsWhere<T>, order?: FindOptionsOrder<T>): Promise<T[]> {
  return manager.getRepository(entity).find({ where, order, ...(supportsRowLocks(manager) ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
}

/** A tenant's row by id, locked for the caller's transaction. */
export function findLocked<T extends ObjectLiteral & { id: string; tenantId: string }>(manager: EntityManager, entity: EntitySchema<T>, tenantId: string, id: string): Promise<T | null> {
  return findOneForUpdate(manager, entity, { id, tenantId } as FindOptionsWhere<T>);
}
