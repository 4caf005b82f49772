// Starts a real Baton backend inside the test process (real database, real bus) with a quiet logger.
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { loadEnv } from '../../backend/src/env.js';
import { createLogger } from '../../backend/src/logger.js';
import { startServer, type RunningServer } from '../../backend/src/server.js';
import type { CreatedTenant } from '../../backend/src/features/admin/tenants.service.js';
import { createTestDatabase, REDIS_URL, type TestDatabase } from './services.js';

export interface TestBackend {
  server: RunningServer;
  database: TestDatabase | null;
  dataDir: string;
  /** Creates a tenant with an admin, a team and an admin API key. */
  createTenant(slug?: string): Promise<CreatedTenant>;
  stop(): Promise<void>;
}

export interface TestBackendOptions {
  dialect: 'mysql' | 'sqlite';
  redis?: boolean;
  /** Extra variables (JWT_*, BATON_ENV …) merged into the environment (BATON_ENV defaults to development). */
  env?: Record<string, string>;
  /** Reuse an existing database instead of creating one. */
  database?: TestDatabase;
}

export async function startTestBackend(label: string, options: TestBackendOptions): Promise<TestBackend> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `baton-${label}-`));
  const database = options.dialect === 'mysql' ? (options.database ?? (await createTestDatabase(label))) : null;
  const env = loadEnv({
    // Tests sign in with development tokens, which need BATON_ENV=development said explicitly.
    BATON_ENV: 'development',
    PORT: '0',
    BATON_DATA_DIR: dataDir,
    LOG_LEVEL: process.env.BATON_TEST_LOG_LEVEL ?? 'silent',
    ...(database ? { DATABASE_URL: database.url } : {}),
    ...(options.redis ? { REDIS_URL } : {}),
    ...options.env,
  });
  const server = await startServer(env, createLogger(env.logLevel));
  return {
    server,
    database,
    dataDir,
    createTenant: (slug = `t${randomBytes(4).toString('hex')}`) =>
      server.services.tenants.create({ slug, name: `Tenant ${slug}`, admin: { email: `admin@${slug}.test`, name: `Admin ${slug}` } }),
    async stop() {
      await server.close(500);
      if (database && !options.database) await database.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
