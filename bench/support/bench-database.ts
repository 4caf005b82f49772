// A benchmark run's own database, baton_bench_<bench>_<timestamp>: created (and migrated) by the
// first backend process, read by the bench for its accounting, dropped at the end.
import { DataSource } from 'typeorm';
import { SERVER_URL } from './backend-process';

export const benchDatabaseName = (bench: string) => `baton_bench_${bench}_${Date.now()}`;

export async function connect(name: string): Promise<DataSource> {
  const db = new DataSource({ type: 'mysql', url: `${SERVER_URL}/${name}`, timezone: 'Z', poolSize: 2 });
  return db.initialize();
}

export async function dropDatabase(name: string): Promise<void> {
  const admin = new DataSource({ type: 'mysql', url: `${SERVER_URL}/`, poolSize: 1 });
  await admin.initialize();
  try {
    await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await admin.destroy();
  }
}
