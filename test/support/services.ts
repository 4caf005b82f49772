// Where the integration tests find MariaDB and Redis (the README says how to start them).
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';

export const MYSQL_SERVER_URL = process.env.BATON_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
export const REDIS_URL = process.env.BATON_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A database of its own for one test file, so parallel files and runs never collide. */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const name = `baton_t_${label}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`.slice(0, 64);
  const url = `${MYSQL_SERVER_URL}/${name}`;
  return {
    name,
    url,
    async drop() {
      const admin = new DataSource({ type: 'mysql', url: `${MYSQL_SERVER_URL}/`, poolSize: 1 });
      await admin.initialize();
      try {
        await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await admin.destroy();
      }
    },
  };
}
