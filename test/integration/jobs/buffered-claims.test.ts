// Issue 11 item 9, second fault: a claim waiting in a process's buffer is re-validated when it is
// handed out, so a job deleted, disabled or rescheduled and edited meanwhile never runs with its old
// data and its new schedule survives; agenda.stop() leaves no buffered claim locked.
import type { JobParameters } from 'agenda';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createJobEngine, type JobEngine } from '../../../backend/src/jobs/job-engine.js';
import { SqlJobRepository } from '../../../backend/src/jobs/sql-job-repository.js';
import { createLogger } from '../../../backend/src/logger.js';
import { createGate, useJobsDatabase, waitUntil } from '../../support/job-engine-kit.js';

const log = createLogger('silent');
const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface StoredJob {
  id: string;
  lockedAt: Date | undefined;
  nextRunAt: Date | null;
  disabled: boolean;
  data: unknown;
}

async function storedJob(repository: SqlJobRepository, id: string): Promise<StoredJob | null> {
  const job = await repository.getJobById(id);
  return job && { id, lockedAt: job.lockedAt, nextRunAt: job.nextRunAt, disabled: Boolean(job.disabled), data: job.data };
}

/** The five jobs of each test, due one minute apart so they are claimed in this order. */
const ROLES = ['first', 'deleted', 'disabled', 'edited', 'untouched'] as const;
type Role = (typeof ROLES)[number];

async function insertRoles(repository: SqlJobRepository, name: string): Promise<Record<Role, string>> {
  const ids = await repository.insertMany(
    ROLES.map((role, index) => {
      const dueAt = minutesFromNow(index - 10);
      return { name, priority: 0, type: 'normal', nextRunAt: dueAt, data: { dueAt: dueAt.toISOString(), role, version: 1 } } satisfies JobParameters;
    }),
  );
  return Object.fromEntries(ROLES.map((role, index) => [role, ids[index]!])) as Record<Role, string>;
}

/** Deletes, disables, and reschedules an hour ahead with new data (as `job.save()` does), three of the jobs. */
async function changeBehindTheBuffer(repository: SqlJobRepository, ids: Record<Role, string>, rescheduledTo: Date): Promise<void> {
  await repository.removeJobs({ id: ids.deleted });
  await repository.disableJobs({ id: ids.disabled });
  const edited = (await repository.getJobById(ids.edited))!;
  await repository.saveJob({ ...edited, nextRunAt: rescheduledTo, data: { ...(edited.data as object), version: 2 } }, undefined);
}

async function expectChangesKept(repository: SqlJobRepository, ids: Record<Role, string>, rescheduledTo: Date): Promise<void> {
  expect(await storedJob(repository, ids.deleted)).toBeNull();
  expect(await storedJob(repository, ids.disabled)).toMatchObject({ disabled: true, lockedAt: undefined });
  // The new schedule and data survive, and the row is not left locked by the stale claim.
  expect(await storedJob(repository, ids.edited)).toMatchObject({ nextRunAt: rescheduledTo, lockedAt: undefined, data: { role: 'edited', version: 2 } });
}

describe.each(['MariaDB', 'SQLite'] as const)('a buffered claim handed out later, on %s', (dialect) => {
  const database = useJobsDatabase(dialect, 'buffered_claims');

  it('is checked against the row as it is now: deleted, disabled and edited jobs are not handed out, the unchanged one is', async () => {
    // A repository on its own claims in batches: one call claims all five, hands out the first and buffers four.
    const repository = new SqlJobRepository(database.db);
    const ids = await insertRoles(repository, 'buffered.repository');
    const claimNext = () => repository.getNextJobToRun('buffered.repository', new Date(Date.now() + 500), minutesFromNow(-10), undefined, undefined);
    expect((await claimNext())?._id).toBe(ids.first);

    const rescheduledTo = minutesFromNow(60);
    await changeBehindTheBuffer(repository, ids, rescheduledTo);
    await sleep(300); // the buffered claims are no longer as fresh as their claiming statement

    const handedOut: JobParameters[] = [];
    for (let job = await claimNext(); job; job = await claimNext()) handedOut.push(job);
    expect(handedOut.map((job) => [String(job._id), job.data])).toEqual([[ids.untouched, expect.objectContaining({ role: 'untouched', version: 1 })]]);
    expect((await storedJob(repository, ids.untouched))!.lockedAt).toEqual(handedOut[0]!.lockedAt);
    await expectChangesKept(repository, ids, rescheduledTo);
    await repository.disconnect();
  });
});

describe('buffered claims in a running engine (MariaDB)', () => {
  const database = useJobsDatabase('MariaDB', 'buffered_engine');

  interface FirstRunning {
    engine: JobEngine;
    ids: Record<Role, string>;
    runs: { role: string; version: number }[];
    gate: ReturnType<typeof createGate>;
  }

  /** Runs `body` while an engine that runs one job at a time is inside the first job's run (the others buffered or queued). */
  async function whileFirstRuns(name: string, body: (running: FirstRunning) => Promise<void>): Promise<void> {
    const engine = createJobEngine({ db: database.db, redisUrl: null, log, processName: name, maxConcurrency: 1, lockLimit: 1 });
    const gate = createGate();
    const runs: FirstRunning['runs'] = [];
    engine.define({
      name,
      schema: z.object({ dueAt: z.string(), role: z.string(), version: z.number() }),
      async handle(payload) {
        runs.push({ role: payload.role, version: payload.version });
        if (payload.role === 'first') await gate.opened;
      },
    });
    const ids = await insertRoles(engine.repository, name);
    await engine.start();
    try {
      await waitUntil(() => runs.length === 1, 5000, 'the first job to start');
      await body({ engine, ids, runs, gate });
    } finally {
      gate.open();
      await engine.stop(2000);
    }
  }

  it('never runs a deleted, disabled or rescheduled-and-edited job with its old data, and the new schedule survives', async () => {
    await whileFirstRuns('buffered.engine', async ({ engine, ids, runs, gate }) => {
      const rescheduledTo = minutesFromNow(60);
      await changeBehindTheBuffer(engine.repository, ids, rescheduledTo);
      gate.open();
      await waitUntil(() => runs.some((run) => run.role === 'untouched'), 5000, 'the untouched job to run');
      await sleep(1000); // anything else that would run has run by now

      expect(runs.map((run) => `${run.role} v${run.version}`)).toEqual(['first v1', 'untouched v1']);
      await expectChangesKept(engine.repository, ids, rescheduledTo);
    });
  });

  it('agenda.stop() leaves no buffered claim locked (only the running job keeps its lock)', async () => {
    await whileFirstRuns('buffered.stop', async ({ engine, ids }) => {
      await engine.agenda.stop();

      const locked: { id: string }[] = await database.db.query("SELECT id FROM jobs WHERE name = 'buffered.stop' AND locked_at IS NOT NULL");
      expect(locked.map((row) => row.id)).toEqual([ids.first]);
    });
  });
});

describe('claims held for their due time (issue 13, MariaDB)', () => {
  const database = useJobsDatabase('MariaDB', 'held_claims');

  it('a job claimed ahead is handed out only when due: the claimer wakes the engine then, and hands it out unchanged', async () => {
    const dueTimes: number[] = [];
    const repository = new SqlJobRepository(database.db, { onDue: () => dueTimes.push(Date.now()) });
    const name = 'held.until.due';
    const dueAt = new Date(Date.now() + 400);
    const [id] = await repository.insertMany([{ name, priority: 0, type: 'normal', nextRunAt: dueAt, data: { dueAt: dueAt.toISOString() } } satisfies JobParameters]);
    // Agenda asks with its window (now + processEvery): the job is claimed, but not handed out early.
    const claimNext = () => repository.getNextJobToRun(name, new Date(Date.now() + 500), minutesFromNow(-10), undefined, undefined);
    expect(await claimNext()).toBeUndefined();
    expect((await storedJob(repository, id!))!.lockedAt).toBeDefined(); // claimed: no other process takes it
    await waitUntil(async () => dueTimes.length > 0, 2_000, 'the due-time wake-up');
    // Never before it is due: Agenda gives a job one timer, and a job it gets early whose timer fires a
    // millisecond short of nextRunAt waits for its next scan (up to processEvery late).
    expect(dueTimes[0]!).toBeGreaterThanOrEqual(dueAt.getTime());
    expect(dueTimes[0]!).toBeLessThan(dueAt.getTime() + 200);
    const handedOut = await claimNext();
    expect(String(handedOut?._id)).toBe(id);
    expect(handedOut?.data).toEqual({ dueAt: dueAt.toISOString() });
    await repository.disconnect();
  });

  it('in a running engine, 60 jobs due over the next 1.5 s each start at their due time, not before', async () => {
    const engine = createJobEngine({ db: database.db, redisUrl: null, log, processName: 'held' });
    const started: { dueMs: number; startedMs: number }[] = [];
    engine.define({
      name: 'held.run',
      schema: z.object({ dueAt: z.string() }),
      handle: async (payload) => void started.push({ dueMs: Date.parse(payload.dueAt), startedMs: Date.now() }),
    });
    const base = Date.now() + 300;
    await engine.repository.insertMany(
      Array.from({ length: 60 }, (_, index) => {
        const dueAt = new Date(base + index * 25);
        return { name: 'held.run', priority: 0, type: 'normal', nextRunAt: dueAt, data: { dueAt: dueAt.toISOString() } } satisfies JobParameters;
      }),
    );
    await engine.start();
    try {
      await waitUntil(async () => started.length === 60, 10_000, 'all 60 jobs');
    } finally {
      await engine.stop(500);
    }
    const early = started.filter((run) => run.startedMs < run.dueMs - 10);
    expect(early).toEqual([]);
    const late = started.map((run) => run.startedMs - run.dueMs).sort((a, b) => a - b);
    expect(late[Math.floor(late.length / 2)]!).toBeLessThan(100); // median start lateness
  });
});
