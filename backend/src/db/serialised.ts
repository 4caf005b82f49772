// SQLite has one connection and one writer: everything that must not interleave with another
// transaction goes through this per-database queue. MySQL/MariaDB runs work directly.
import type { DataSource } from 'typeorm';

const queues = new WeakMap<DataSource, Promise<unknown>>();

/** Runs `work` after every earlier serialised work on this SQLite database has finished. */
export function serialised<T>(db: DataSource, work: () => Promise<T>): Promise<T> {
  if (db.options.type !== 'better-sqlite3') return work();
  const previous = queues.get(db) ?? Promise.resolve();
  const next = previous.then(work, work);
  queues.set(db, next.catch(() => undefined));
  return next;
}
