// Counts one tenant's rows in every table that has a tenant_id column (MariaDB), so "nothing was
// stored" is one comparison of two snapshots.
import type { DataSource } from 'typeorm';

/**
 * `{ events: 12, conversations: 1, … }` for `tenantId`, every tenant-scoped table included.
 * @example expect(await tenantRowCounts(db, tenantId)).toEqual(before)
 */
export async function tenantRowCounts(db: DataSource, tenantId: string): Promise<Record<string, number>> {
  const tables = (await db.query(
    "SELECT TABLE_NAME AS name FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND COLUMN_NAME = 'tenant_id' ORDER BY TABLE_NAME",
  )) as { name: string }[];
  const counts = (await db.query(
    tables.map(({ name }) => `SELECT '${name}' AS name, COUNT(*) AS n FROM \`${name}\` WHERE tenant_id = ?`).join(' UNION ALL '),
    tables.map(() => tenantId),
  )) as { name: string; n: string | number }[];
  return Object.fromEntries(counts.map(({ name, n }) => [name, Number(n)]));
}

/**
 * The counts once the tenant's outbox effects have drained (a background relay deletes them) and `ready`
 * holds (e.g. a drafted reply is there), so that later snapshots change only when a request stores something.
 */
export async function settledTenantRowCounts(
  db: DataSource,
  tenantId: string,
  ready: (counts: Record<string, number>) => boolean = () => true,
  timeoutMs = 15_000,
): Promise<Record<string, number>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await tenantRowCounts(db, tenantId);
    if (!counts.outbox_effects && ready(counts)) return counts;
    if (Date.now() > deadline) throw new Error(`tenant ${tenantId} not settled after ${timeoutMs} ms: ${JSON.stringify(counts)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
