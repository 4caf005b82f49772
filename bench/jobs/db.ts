// MariaDB side of the job benchmark: the throwaway database, its two tables, and the queries the stats need.
import mysql from 'mysql2/promise';
import type { BenchItem } from './engine';

export async function createDatabase(serverUrl: string, name: string): Promise<{ dbUrl: string; drop(): Promise<void> }> {
  const admin = await mysql.createConnection({ uri: serverUrl });
  await admin.query(`CREATE DATABASE \`${name}\``);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    dbUrl: url.toString(),
    async drop() {
      try {
        await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await admin.end();
      }
    },
  };
}

export async function resetTables(pool: mysql.Pool): Promise<void> {
  await pool.query('DROP TABLE IF EXISTS bench_effects, bench_items');
  await pool.query(`CREATE TABLE bench_items (
    id varchar(36) NOT NULL PRIMARY KEY,
    due_at datetime(3) NOT NULL,
    status varchar(16) NOT NULL DEFAULT 'pending',
    done_at datetime(3) NULL
  ) ENGINE=InnoDB`);
  await pool.query(`CREATE TABLE bench_effects (
    id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY,
    item_id varchar(36) NOT NULL,
    worker int NOT NULL,
    applied_at datetime(3) NOT NULL,
    INDEX (item_id)
  ) ENGINE=InnoDB`);
}

export async function insertItems(pool: mysql.Pool, items: BenchItem[]): Promise<void> {
  for (let i = 0; i < items.length; i += 1_000) {
    const chunk = items.slice(i, i + 1_000);
    await pool.query(
      `INSERT INTO bench_items (id, due_at) VALUES ${chunk.map(() => '(?, FROM_UNIXTIME(?))').join(', ')}`,
      chunk.flatMap((it) => [it.id, it.dueAt.getTime() / 1000]),
    );
  }
}

export async function countDone(pool: mysql.Pool): Promise<number> {
  const [rows] = await pool.query<mysql.RowDataPacket[]>("SELECT COUNT(*) AS n FROM bench_items WHERE status = 'done'");
  return Number(rows[0]!.n);
}

export interface DbOutcome {
  lost: number; // items still pending
  duplicates: number; // items with more than one effect row
  done: number;
  lastAppliedMs: number | null;
  effects: { itemId: string; worker: number; appliedMs: number }[];
}

/** Timestamps go through UNIX_TIMESTAMP in SQL so JS and the database never disagree about time zones. */
export async function readOutcome(pool: mysql.Pool, withEffects: boolean): Promise<DbOutcome> {
  const q = async (sql: string) => (await pool.query<mysql.RowDataPacket[]>(sql))[0];
  const [counts] = await q(`SELECT SUM(status = 'pending') AS lost, SUM(status = 'done') AS done FROM bench_items`);
  const [dups] = await q('SELECT COUNT(*) AS n FROM (SELECT item_id FROM bench_effects GROUP BY item_id HAVING COUNT(*) > 1) d');
  const [last] = await q('SELECT CAST(UNIX_TIMESTAMP(MAX(applied_at)) * 1000 AS SIGNED) AS ms FROM bench_effects');
  const effects = withEffects
    ? (await q('SELECT item_id, worker, CAST(UNIX_TIMESTAMP(applied_at) * 1000 AS SIGNED) AS ms FROM bench_effects')).map(
        (r) => ({ itemId: String(r.item_id), worker: Number(r.worker), appliedMs: Number(r.ms) }),
      )
    : [];
  return {
    lost: Number(counts!.lost ?? 0),
    done: Number(counts!.done ?? 0),
    duplicates: Number(dups!.n),
    lastAppliedMs: last!.ms === null ? null : Number(last!.ms),
    effects,
  };
}
