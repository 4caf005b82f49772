// Helpers for the job-engine tests: a database of their own (MariaDB or SQLite), worker processes
// (test/support/job-worker-process.ts) that say who started which job and when, waiting for a
// condition, and a gate handlers wait on.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll } from 'vitest';
import { systemClock } from '../../backend/src/clock.js';
import { openDatabase } from '../../backend/src/db/data-source.js';
import { createLogger } from '../../backend/src/logger.js';
import { InProcessEventBus } from '../../backend/src/realtime/event-bus.js';
import type { Infrastructure } from '../../backend/src/platform/unit-of-work.js';
import { createTestDatabase, REDIS_URL } from './services.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface JobWorker {
  child: ChildProcess;
  /** Reply ids in the order this worker started them (a restart appears twice). */
  started: string[];
  /** When the test received each `started` line (epoch ms), same order as `started`. */
  startedAtMs: number[];
  /** When the worker said it was ready (epoch ms). */
  readyAtMs: number;
}

/**
 * Spawns a worker on `databaseUrl` and resolves once it is ready. Env (all optional): LOCK_LIFETIME_MS,
 * WORK_MS, MAX_CONCURRENCY, LOCK_LIMIT, FAIL_FIRST (see job-worker-process.ts).
 */
export function spawnJobWorker(databaseUrl: string, env: Record<string, string> = {}): Promise<JobWorker> {
  // `node --import tsx` (not the tsx CLI, which runs a child process a SIGKILL would not reach).
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/job-worker-process.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: databaseUrl, REDIS_URL, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const worker: JobWorker = { child, started: [], startedAtMs: [], readyAtMs: 0 };
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        if (line === 'ready') {
          worker.readyAtMs = Date.now();
          resolve(worker);
        } else if (line.startsWith('started ')) {
          worker.started.push(line.slice(8));
          worker.startedAtMs.push(Date.now());
        }
      }
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code} before it was ready`)));
  });
}

/** Kills a worker and waits until it is gone (so it cannot take later tests' jobs). */
export async function stopJobWorker(worker: JobWorker): Promise<void> {
  if (worker.child.exitCode !== null || worker.child.signalCode !== null) return;
  const exited = new Promise((resolve) => worker.child.once('exit', resolve));
  worker.child.kill('SIGKILL');
  await exited;
}

/** Polls `condition` every 50 ms; throws naming `what` after `timeoutMs`. */
export async function waitUntil(condition: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A promise handlers await until the test opens it (all waiting handlers finish in the same tick). */
export function createGate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

interface OpenedDatabase {
  db: DataSource;
  /** The MariaDB URL (worker processes open it too); null on SQLite. */
  url: string | null;
  /** Closes the data source and removes the database (or the SQLite file). */
  close(): Promise<void>;
}

/** A migrated database of its own: a new MariaDB database, or SQLite in a temporary directory. */
async function openJobsDatabase(dialect: 'MariaDB' | 'SQLite', label: string): Promise<OpenedDatabase> {
  if (dialect === 'MariaDB') {
    const database = await createTestDatabase(label);
    const db = await openDatabase({ databaseUrl: database.url, sqlitePath: '' });
    return { db, url: database.url, close: async () => void (await db.destroy(), await database.drop()) };
  }
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), `baton-${label}-`));
  const db = await openDatabase({ databaseUrl: null, sqlitePath: path.join(directory, 'baton.sqlite') });
  return { db, url: null, close: async () => void (await db.destroy(), fs.rmSync(directory, { recursive: true, force: true })) };
}

/** What job handlers get in the tests: the database, an in-process bus, the system clock, a silent log. */
function jobInfrastructure(db: DataSource): Infrastructure {
  return { db, bus: new InProcessEventBus(), clock: systemClock, log: createLogger('silent') };
}

export interface JobsTestDatabase {
  db: DataSource;
  /** The MariaDB URL worker processes open; null on SQLite. */
  url: string | null;
  infra: Infrastructure;
}

/**
 * Gives the calling test file (or describe block) a database of its own for all its tests: opened
 * before them, removed after. Read its fields inside tests and hooks, not at collection time.
 */
export function useJobsDatabase(dialect: 'MariaDB' | 'SQLite', label: string): JobsTestDatabase {
  let opened: OpenedDatabase | undefined;
  const handle = {} as JobsTestDatabase;
  beforeAll(async () => {
    opened = await openJobsDatabase(dialect, label);
    Object.assign(handle, { db: opened.db, url: opened.url, infra: jobInfrastructure(opened.db) });
  });
  afterAll(() => opened?.close());
  return handle;
}
