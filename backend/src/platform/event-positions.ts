// Per-tenant event positions in commit order (issue 11 item 3): one statement takes the next `count`
// positions from the tenant's sequence row, whose lock is held until the transaction ends.
import type { EntityManager } from 'typeorm';

/**
 * Takes `count` positions for the tenant's events in the caller's transaction and answers the last
 * one (they are last - count + 1 … last). Call it last in the transaction: the sequence row stays
 * locked until commit, so a later transaction of the tenant waits and gets higher positions — the
 * positions follow commit order, and a rollback gives them back (no gaps).
 */
export async function takeEventPositions(manager: EntityManager, tenantId: string, count: number): Promise<bigint> {
  if (manager.connection.options.type === 'better-sqlite3') {
    const rows: { last_position: number | string }[] = await manager.query(
      `INSERT INTO tenant_event_positions (tenant_id, last_position) VALUES (?, ?)
       ON CONFLICT (tenant_id) DO UPDATE SET last_position = last_position + excluded.last_position
       RETURNING last_position`,
      [tenantId, count],
    );
    return BigInt(rows[0]!.last_position);
  }
  // LAST_INSERT_ID(expr) hands the new value back in the OK packet: no second round trip.
  const result: { insertId: number | string } = await manager.query(
    `INSERT INTO tenant_event_positions (tenant_id, last_position) VALUES (?, LAST_INSERT_ID(?))
     ON DUPLICATE KEY UPDATE last_position = LAST_INSERT_ID(last_position + ?)`,
    [tenantId, count, count],
  );
  return BigInt(result.insertId);
}
