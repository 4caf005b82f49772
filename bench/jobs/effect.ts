// The benchmark job's effect, applied the way the real send job will: one transaction guarded by the row's state.
import mysql from 'mysql2/promise';

export function createPool(dbUrl: string): mysql.Pool {
  return mysql.createPool({ uri: dbUrl, connectionLimit: 10 });
}

/** Marks the item done and records one effect row, in one transaction; a re-run finds status 'done' and does nothing. */
export async function applyEffect(pool: mysql.Pool, itemId: string, worker: number): Promise<boolean> {
  const conn = await pool.getConnection();
  try {
    await conn.beginTransaction();
    const [res] = await conn.query<mysql.ResultSetHeader>(
      "UPDATE bench_items SET status = 'done', done_at = NOW(3) WHERE id = ? AND status = 'pending'",
      [itemId],
    );
    if (res.affectedRows === 1) {
      await conn.query('INSERT INTO bench_effects (item_id, worker, applied_at) VALUES (?, ?, NOW(3))', [itemId, worker]);
    }
    await conn.commit();
    return res.affectedRows === 1;
  } catch (err) {
    await conn.rollback().catch(() => undefined);
    throw err;
  } finally {
    conn.release();
  }
}
