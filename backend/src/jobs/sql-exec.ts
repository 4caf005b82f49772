// Runs one SQL statement and reports the rows it affected, the same way on MySQL and SQLite.
import type { DataSource, QueryRunner } from 'typeorm';

export interface Execution<T> {
  affected: number;
  records: T[];
}

/** Executes on `runner` (inside its transaction) or on a pooled connection. */
export async function execute<T = unknown>(db: DataSource, sql: string, params: unknown[], runner?: QueryRunner): Promise<Execution<T>> {
  const own = runner ?? db.createQueryRunner();
  try {
    const result = await own.query(sql, params, true);
    return { affected: Number(result.affected ?? 0), records: (result.records ?? []) as T[] };
  } finally {
    if (!runner) await own.release();
  }
}
