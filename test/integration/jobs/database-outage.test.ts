// Issue 14 item 1: timers due while MariaDB is down (SIGKILLed, back a few seconds later) run once it
// answers again — late by the outage, not by the job lock lifetime (60 s) — each to completion, and a
// run the crash cut short does not use up one of the job's retries.
import type { JobParameters } from 'agenda';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openDatabase } from '../../../backend/src/db/data-source.js';
import { DEFAULT_LOCK_LIFETIME_MS, createJobEngine } from '../../../backend/src/jobs/job-engine.js';
import { SqlJobRepository } from '../../../backend/src/jobs/sql-job-repository.js';
import { createLogger } from '../../../backend/src/logger.js';
import { waitUntil } from '../../support/job-engine-kit.js';
import { createPrivateMariadb, type PrivateMariadb } from '../../support/private-mariadb.js';

const OUTAGE_MS = 5000;
/** What a timer may add to the outage: the pool reconnecting, a claim, the retry pauses. */
const RECOVERY_ALLOWANCE_MS = 4000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('timers due while MariaDB is down', () => {
  let mariadb: PrivateMariadb;
  let db: DataSource;

  beforeAll(async () => {
    mariadb = await createPrivateMariadb();
    await mariadb.start();
    db = await openDatabase({ databaseUrl: `${mariadb.serverUrl}/baton_outage`, sqlitePath: '', poolSize: 10 });
  }, 60_000);

  /** SIGKILLs mariadbd, keeps it down for OUTAGE_MS, starts it again; answers when it is back (epoch ms). */
  const crashDatabase = async (): Promise<number> => {
    await mariadb.kill();
    await sleep(OUTAGE_MS);
    await mariadb.start();
    return Date.now();
  };

  afterAll(async () => {
    await db?.destroy().catch(() => undefined);
    await mariadb?.remove();
  });

  it('runs every job due around the crash within the outage plus a few seconds, each to completion once, none given up', async () => {
    const engine = createJobEngine({ db, redisUrl: null, log: createLogger('silent'), processName: 'outage-test' });
    expect(DEFAULT_LOCK_LIFETIME_MS).toBeGreaterThan(OUTAGE_MS + RECOVERY_ALLOWANCE_MS * 2);
    /** Per job: when its handler last ran to completion (it reads the database, as every handler does first). */
    const completedAtMs = new Map<string, number>();
    const completions = new Map<string, number>();
    const givenUp: string[] = [];
    engine.define({
      name: 'outage.timer',
      schema: z.object({ dueAt: z.string(), label: z.string() }),
      // Every run is its last attempt (as a job's sixth is): a run cut by the outage must not use it up.
      retryDelayMs: () => null,
      async onRetriesExhausted(payload) {
        givenUp.push(payload.label);
      },
      async handle(payload) {
        // Long enough that the crash finds some runs in flight (their statement fails mid-run).
        await db.query('SELECT SLEEP(0.4)');
        completedAtMs.set(payload.label, Date.now());
        completions.set(payload.label, (completions.get(payload.label) ?? 0) + 1);
      },
    });
    await engine.start();
    const killAtMs = Date.now() + 2000;
    // Due from 600 ms before the crash (running when it comes) to 900 ms after (claimed before it, or during it).
    const offsets = Array.from({ length: 11 }, (_, index) => -600 + index * 150);
    const jobs: JobParameters[] = offsets.map((offset) => {
      const dueAt = new Date(killAtMs + offset);
      return { name: 'outage.timer', priority: 0, type: 'normal', nextRunAt: dueAt, data: { dueAt: dueAt.toISOString(), label: `due${offset}` } };
    });
    await engine.repository.insertMany(jobs);
    try {
      await sleep(killAtMs - Date.now());
      const backAtMs = await crashDatabase();

      const labels = offsets.map((offset) => `due${offset}`);
      await waitUntil(() => labels.every((label) => completedAtMs.has(label)), RECOVERY_ALLOWANCE_MS + 1000, 'every timer to run').catch(() => undefined);
      const lateAfterRestart = labels.map((label) => ({ label, lateMs: completedAtMs.has(label) ? completedAtMs.get(label)! - backAtMs : Infinity }));
      expect(lateAfterRestart.filter((entry) => entry.lateMs > RECOVERY_ALLOWANCE_MS)).toEqual([]);
      // Ran to completion once each (a run cut by the crash may have started twice, never finished twice).
      expect(labels.filter((label) => completions.get(label) !== 1)).toEqual([]);
      // And the rows say so: nothing left locked or due (the final state write follows the handler).
      const settled = async () => {
        const [row] = await db.query("SELECT COUNT(*) AS open FROM jobs WHERE name = 'outage.timer' AND (locked_at IS NOT NULL OR next_run_at IS NOT NULL)");
        return Number(row.open) === 0;
      };
      await waitUntil(settled, 2000, 'every row to be unlocked').catch(() => undefined);
      const rows: { locked: number; pending: number }[] = await db.query(
        "SELECT SUM(locked_at IS NOT NULL) AS locked, SUM(next_run_at IS NOT NULL) AS pending FROM jobs WHERE name = 'outage.timer'",
      );
      expect({ locked: Number(rows[0]!.locked), pending: Number(rows[0]!.pending) }).toEqual({ locked: 0, pending: 0 });
      expect(givenUp).toEqual([]);
    } finally {
      await engine.stop(2000);
    }
  }, 60_000);

  it('releases claims it buffered but never handed out once the database is back, so any process can run those jobs', async () => {
    const repository = new SqlJobRepository(db, { claimBatchSize: 5, maxBufferedMs: 1000 });
    const dueAt = new Date(Date.now() - 1000);
    const ids = await repository.insertMany(
      Array.from({ length: 3 }, () => ({ name: 'outage.buffered', priority: 0, type: 'normal', nextRunAt: dueAt, data: { dueAt: dueAt.toISOString() } }) satisfies JobParameters),
    );
    const now = new Date();
    // One statement claims all three; one is handed out (and let go of here), two stay buffered.
    const handedOut = await repository.getNextJobToRun('outage.buffered', new Date(now.getTime() + 500), new Date(now.getTime() - DEFAULT_LOCK_LIFETIME_MS), now, { lastModifiedBy: 'outage-test' });
    expect(handedOut).toBeDefined();
    const buffered = ids.filter((id) => id !== String(handedOut!._id));
    try {
      // The buffer's leftovers are released 1 s after the claim: in the middle of the outage.
      const backAtMs = await crashDatabase();
      const lockedOf = async () => {
        const rows: { id: string }[] = await db.query('SELECT id FROM jobs WHERE id IN (?, ?) AND locked_at IS NOT NULL', buffered);
        return rows.map((row) => row.id);
      };
      await waitUntil(async () => (await lockedOf()).length === 0, RECOVERY_ALLOWANCE_MS, 'the buffered claims to be released').catch(() => undefined);
      expect({ stillLocked: await lockedOf(), withinMs: Date.now() - backAtMs <= RECOVERY_ALLOWANCE_MS }).toEqual({ stillLocked: [], withinMs: true });
    } finally {
      await repository.disconnect();
    }
  }, 60_000);
});
