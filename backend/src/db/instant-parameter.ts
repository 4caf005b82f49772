// An instant as a raw query parameter: SQLite stores datetime columns as UTC text, MySQL as DATETIME(3).
import type { DataSource } from 'typeorm';

/** The same text form TypeORM writes for SQLite datetime columns, so comparisons in SQL agree. */
export function instantParameter(db: DataSource, value: Date): Date | string {
  return db.options.type === 'better-sqlite3' ? value.toISOString().replace('T', ' ').replace('Z', '') : value;
}
