// MariaDB side of the job benchmark: the throwaway database, its two tables, the database's clock,
// and the queries the figures need.
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

/** bench_items: one row per job, due_at on the database's clock. bench_effects: every effect run that committed. */
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
    applied tinyint(1) NOT NULL,
    applied_at datetime(3) NOT NULL,
    INDEX (item_id)
  ) ENGINE=InnoDB`);
}

/**
 * The database clock minus this process's clock, in ms (effects are stamped with NOW(3), due times
 * come from Date.now()): the reading with the shortest round trip of a few, taken at its midpoint.
 */
export async function measureClockOffsetMs(pool: mysql.Pool): Promise<number> {
  let best = { rtt: Infinity, offset: 0 };
  for (let i = 0; i < 7; i++) {
    const sent = Date.now();
    const [rows] = await pool.query<mysql.RowDataPacket[]>('SELECT CAST(UNIX_TIMESTAMP(NOW(3)) * 1000 AS SIGNED) AS ms');
    const received = Date.now();
    if (received - sent < best.rtt) best = { rtt: received - sent, offset: Number(rows[0]!.ms) - (sent + received) / 2 };
  }
  return Math.round(best.offset);
}

/** Due times go in on the database's clock (this process's due time + the offset). */
export async function insertItems(pool: mysql.Pool, items: BenchItem[], clockOffsetMs: number): Promise<void> {
  for (let i = 0; i < items.length; i += 1_000) {
    const chunk = items.slice(i, i + 1_000);
    await pool.query(
      `INSERT INTO bench_items (id, due_at) VALUES ${chunk.map(() => '(?, FROM_UNIXTIME(?))').join(', ')}`,
      chunk.flatMap((it) => [it.id, (it.dueAt.getTime() + clockOffsetMs) / 1000]),
    );
  }
}

export async function countDone(pool: mysql.Pool): Promise<number> {
  const [rows] = await pool.query<mysql.RowDataPacket[]>("SELECT COUNT(*) AS n FROM bench_items WHERE status = 'done'");
  return Number(rows[0]!.n);
}

/** One committed run of an item's effect; `atMs` on this process's clock. */
export interface EffectRun {
  itemId: string;
  worker: number;
  applied: boolean; // the guard let it through
  atMs: number;
}

export interface DbOutcome {
  lost: number; // items still pending
  done: number;
  runs: EffectRun[]; // in commit-stamp order
}

/** Timestamps go through UNIX_TIMESTAMP in SQL so JS and the database never disagree about time zones. */
export async function readOutcome(pool: mysql.Pool, clockOffsetMs: number): Promise<DbOutcome> {
  const q = async (sql: string) => (await pool.query<mysql.RowDataPacket[]>(sql))[0];
  const [counts] = await q(`SELECT SUM(status = 'pending') AS lost, SUM(status = 'done') AS done FROM bench_items`);
  const runs = (await q('SELECT item_id, worker, applied, CAST(UNIX_TIMESTAMP(applied_at) * 1000 AS SIGNED) AS ms FROM bench_effects ORDER BY applied_at, id')).map(
    (r) => ({ itemId: String(r.item_id), worker: Number(r.worker), applied: Number(r.applied) === 1, atMs: Number(r.ms) - clockOffsetMs }),
  );
  return { lost: Number(counts!.lost ?? 0), done: Number(counts!.done ?? 0), runs };
}

const SERVER_COUNTERS = ['Questions', 'Com_select', 'Com_insert', 'Com_update', 'Com_delete', 'Com_begin', 'Com_commit', 'Com_rollback', 'Com_set_option', 'Innodb_data_fsyncs', 'Innodb_log_writes'];

/** The server's statement counters: every client of the server counts, so a diff means something only on a quiet machine. */
export async function serverStatementCounters(pool: mysql.Pool): Promise<Record<string, number>> {
  const [rows] = await pool.query<mysql.RowDataPacket[]>(
    `SHOW GLOBAL STATUS WHERE Variable_name IN (${SERVER_COUNTERS.map(() => '?').join(', ')})`,
    SERVER_COUNTERS,
  );
  return Object.fromEntries(rows.map((r) => [String(r.Variable_name), Number(r.Value)]));
}
