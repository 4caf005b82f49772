// Reads one tenant row for update: the row stays locked until the transaction ends (MySQL/MariaDB;
// SQLite transactions are already serial, and it has no FOR UPDATE).
import type { EntityManager, EntitySchema, ObjectLiteral } from 'typeorm';

export async function findLocked<T extends ObjectLiteral & { id: string; tenantId: string }>(manager: EntityManager, entity: EntitySchema<T>, tenantId: string, id: string): Promise<T | null> {
  const repository = manager.getRepository(entity);
  if (manager.connection.options.type === 'better-sqlite3') return repository.findOneBy({ id, tenantId } as never);
  return repository.createQueryBuilder('row').setLock('pessimistic_write').where('row.id = :id AND row.tenant_id = :tenantId', { id, tenantId }).getOne();
}
