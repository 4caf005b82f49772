// The run's own database `baton_bench_cadence_<timestamp>` (the first backend process creates and
// migrates it): a connection for the bench's reads, and the drop at the end — skipped with BENCH_KEEP_DB=1.
import { DataSource } from 'typeorm';
import { SERVER_URL } from '../support/backend-process';

export const benchDatabaseName = () => `baton_bench_cadence_${Date.now()}`;

export const databaseUrlOf = (name: string) => `${SERVER_URL}/${name}`;

export async function connect(name: string): Promise<DataSource> {
  const db = new DataSource({ type: 'mysql', url: databaseUrlOf(name), timezone: 'Z' });
  return db.initialize();
}

/** Drops the database over a server connection of its own, so it also works when the run failed before connecting. */
export async function dropDatabase(name: string): Promise<void> {
  if (process.env.BENCH_KEEP_DB) {
    console.error(`  kept database ${name} (BENCH_KEEP_DB)`);
    return;
  }
  const server = await new DataSource({ type: 'mysql', url: SERVER_URL }).initialize();
  try {
    await server.query(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await server.destroy();
  }
}
