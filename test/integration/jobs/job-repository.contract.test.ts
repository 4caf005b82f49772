// Runs the JobRepository contract against SqlJobRepository on MariaDB and on SQLite.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe } from 'vitest';
import { openDatabase } from '../../../backend/src/db/data-source.js';
import { SqlJobRepository } from '../../../backend/src/jobs/sql-job-repository.js';
import { createTestDatabase, type TestDatabase } from '../../support/services.js';
import { describeJobRepositoryContract, type JobRepositoryUnderTest } from './job-repository.contract.js';

// One data source per database; every repository instance (one per test, two for the two-worker test)
// shares it, as two workers would share the database. Each instance has its own in-memory claim state.
// On SQLite a second connection in this one thread could only wait on the first by blocking it, so
// sharing is also the only honest way to run two instances in one process.
function repositoriesOn(db: () => DataSource) {
  return async (): Promise<JobRepositoryUnderTest> => ({
    repository: new SqlJobRepository(db()),
    cleanup: async () => {},
  });
}

describe('SqlJobRepository on MariaDB', () => {
  let database: TestDatabase;
  let db: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase('jobs_contract');
    db = await openDatabase({ databaseUrl: database.url, sqlitePath: '' });
  });

  afterAll(async () => {
    if (db?.isInitialized) await db.destroy();
    await database?.drop();
  });

  describeJobRepositoryContract('MariaDB', repositoriesOn(() => db));
});

describe('SqlJobRepository on SQLite', () => {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-jobs-contract-'));
  let db: DataSource;

  beforeAll(async () => {
    db = await openDatabase({ databaseUrl: null, sqlitePath: path.join(directory, 'baton.sqlite') });
  });

  afterAll(async () => {
    if (db?.isInitialized) await db.destroy();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  describeJobRepositoryContract('SQLite', repositoriesOn(() => db));
});
