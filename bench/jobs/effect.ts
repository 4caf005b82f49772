// The benchmark job's effect, applied the way the real send job is: one transaction guarded by the
// item's status. Every run that commits also logs itself in bench_effects, guard passed or not, so
// an effect committed twice is visible (the guard must keep that at zero) beside the guarded re-runs.
import mysql from 'mysql2/promise';

export function createPool(dbUrl: string): mysql.Pool {
  return mysql.createPool({ uri: dbUrl, connectionLimit: 10 });
}

/**
 * Marks the item done if it is still pending and logs this run (`applied` = the guard let it
 * through) in the same transaction. Resolves true if the effect applied, false if it was already done.
 */
export async function applyEffect(pool: mysql.Pool, itemId: string, worker: number): Promise<boolean> {
  const conn = await pool.getConnection();
  try {
    await conn.beginTransaction();
    const [res] = await conn.query<mysql.ResultSetHeader>(
      "UPDATE bench_items SET status = 'done', done_at = NOW(3) WHERE id = ? AND status = 'pending'",
      [itemId],
    );
    const applied = res.affectedRows === 1;
    await conn.query('INSERT INTO bench_effects (item_id, worker, applied, applied_at) VALUES (?, ?, ?, NOW(3))', [itemId, worker, applied]);
    await conn.commit();
    return applied;
  } catch (err) {
    await conn.rollback().catch(() => undefined);
    throw err;
  } finally {
    conn.release();
  }
}
