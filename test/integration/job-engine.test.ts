// The job engine on MariaDB + Redis: exactly-once effects across processes (also when one is
// SIGKILLed), bad payloads, failing and hanging handlers, guarded effects and the sweep.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScheduledReplyEntity } from '../../backend/src/db/entities/conversation.entities.js';
import { applyGuardedEffect } from '../../backend/src/jobs/guarded-effect.js';
import { createJobEngine, type JobEngine } from '../../backend/src/jobs/job-engine.js';
import { createSweep } from '../../backend/src/jobs/sweep.js';
import { createMetrics } from '../../backend/src/http/metrics.js';
import { DELIVER_JOB, TENANT_ID, defineDeliverJob, deliveriesByReply, schedulePendingReplies } from '../support/deliver-job.js';
import { spawnJobWorker, stopJobWorker, useJobsDatabase, waitUntil } from '../support/job-engine-kit.js';
import { REDIS_URL } from '../support/services.js';
import { recordQueries } from '../support/query-counter.js';
import { withTransaction } from '../../backend/src/platform/unit-of-work.js';

const database = useJobsDatabase('MariaDB', 'jobs');

const replyStatuses = async (ids: string[]) => {
  const rows = await database.infra.db.getRepository(ScheduledReplyEntity).find({ select: { id: true, status: true } });
  const wanted = new Set(ids);
  return rows.filter((row) => wanted.has(row.id)).map((row) => row.status);
};

/** An engine in this process used to schedule (not started unless a test starts it). */
const newEngine = (overrides: Partial<Parameters<typeof createJobEngine>[0]> = {}) =>
  createJobEngine({ db: database.infra.db, redisUrl: REDIS_URL, log: database.infra.log, processName: 'test', ...overrides });

describe('exactly-once effects across worker processes', () => {
  it('delivers every reply once when one of two workers is SIGKILLed mid-run; its jobs finish within lock lifetime + 5 s', async () => {
    const lockLifetimeMs = 3000;
    const scheduler = newEngine();
    const start = Date.now() + 1500;
    const dueTimes = Array.from({ length: 300 }, (_, index) => new Date(start + (index * 3000) / 300));
    const ids = await schedulePendingReplies(scheduler, database.infra, dueTimes);
    const workers = await Promise.all([0, 1].map(() => spawnJobWorker(database.url!, { LOCK_LIFETIME_MS: String(lockLifetimeMs), WORK_MS: '20' })));
    try {
      await waitUntil(async () => (await replyStatuses(ids)).filter((status) => status === 'sent').length >= 100, 20_000, 'a third of the replies');
      const killedAt = Date.now();
      workers[0]!.child.kill('SIGKILL');
      await waitUntil(async () => (await replyStatuses(ids)).every((status) => status === 'sent'), lockLifetimeMs + 15_000, 'every reply to be sent');
      const recoveredMs = Date.now() - killedAt;

      const deliveries = await deliveriesByReply(database.infra);
      const lost = ids.filter((id) => !deliveries.has(id));
      const duplicates = ids.filter((id) => (deliveries.get(id) ?? 0) > 1);
      const starts = [...workers[0]!.started, ...workers[1]!.started];
      const restarts = starts.length - new Set(starts).size;
      console.info(`kill test: ${ids.length} replies, lost ${lost.length}, duplicates ${duplicates.length}, restarts ${restarts}, all sent ${recoveredMs} ms after the kill`);
      expect(lost).toEqual([]);
      expect(duplicates).toEqual([]);
      // Every job the killed worker held is done within lock lifetime + 5 s of the kill (the rest of
      // the spread ends earlier than that).
      expect(recoveredMs).toBeLessThan(lockLifetimeMs + 5000);
      expect(workers[1]!.started.length).toBeGreaterThan(0);
    } finally {
      await Promise.all(workers.map(stopJobWorker));
    }
  }, 60_000);
});

describe('bad input and failures', () => {
  let engine: JobEngine;
  const metrics = createMetrics();
  const hang = new Set<string>();
  const starts: string[] = [];

  beforeAll(async () => {
    engine = newEngine({ metrics, redisUrl: null, processName: 'failures' });
    defineDeliverJob(engine, database.infra, {
      lockLifetimeMs: 1500,
      hangReplyIds: hang,
      failFirstAttempts: 0,
      onStart: (replyId) => starts.push(replyId),
    });
    await engine.start();
  });

  afterAll(() => engine?.stop(500));

  const jobRow = async (ref: string) => {
    const [row] = await database.infra.db.query('SELECT * FROM jobs WHERE ref_key = ?', [ref]);
    return row as { fail_count: number | null; fail_reason: string | null; next_run_at: Date | null; failed_at: Date | null };
  };

  it('records a job whose payload no longer parses, does not retry it, and keeps running other jobs', async () => {
    await database.infra.db.transaction(async (manager) => {
      await engine.scheduleInTransaction(manager, DELIVER_JOB, new Date(), { dueAt: new Date().toISOString(), ref: 'broken:1', replyId: 'not-a-uuid' } as never);
    });
    const [good] = await schedulePendingReplies(engine, database.infra, [new Date()]);
    await waitUntil(async () => (await jobRow('broken:1'))?.fail_count === 1, 10_000, 'the failure to be recorded');
    await waitUntil(async () => (await replyStatuses([good!]))[0] === 'sent', 10_000, 'the good job');
    const row = await jobRow('broken:1');
    expect(row.fail_reason).toMatch(/payload does not parse: replyId/);
    expect(row.failed_at).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await jobRow('broken:1')).fail_count).toBe(1);
    expect((await jobRow('broken:1')).next_run_at).toBeNull();
    const failures = await metrics.registry.getSingleMetricAsString('baton_job_failures_total');
    expect(failures, failures).toMatch(/baton_job_failures_total\{job="test.deliver",reason="payload"\} 1/);
  });

  it('records a handler that hangs past its lock lifetime, while other jobs keep running', async () => {
    const [stuck, other] = await schedulePendingReplies(engine, database.infra, [new Date(), new Date(Date.now() + 200)]);
    hang.add(stuck!);
    await waitUntil(async () => (await replyStatuses([other!]))[0] === 'sent', 5000, 'the other job');
    await waitUntil(async () => (await jobRow(`scheduled_reply:${stuck}`))?.fail_count === 1, 10_000, 'the hang to be recorded');
    expect(await metrics.registry.getSingleMetricAsString('baton_job_failures_total')).toMatch(/reason="timeout"\} 1/);
    expect((await jobRow(`scheduled_reply:${stuck}`)).fail_reason).toMatch(/did not finish within its lock lifetime \(1500 ms\)/);
    expect((await replyStatuses([stuck!]))[0]).toBe('pending');
  });
});

describe('retries', () => {
  it('retries a failing handler with backoff until it succeeds, applying the effect once', async () => {
    const engine = newEngine({ redisUrl: null, processName: 'retries' });
    const starts: number[] = [];
    let id: string | undefined;
    // Count only this reply's runs: jobs left by earlier tests (e.g. the hung one's retry) may run here too.
    defineDeliverJob(engine, database.infra, { failFirstAttempts: 2, retryDelayMs: (attempt) => (attempt <= 3 ? 300 * attempt : null), onStart: (replyId) => replyId === id && starts.push(Date.now()) });
    [id] = await schedulePendingReplies(engine, database.infra, [new Date()]);
    await engine.start();
    try {
      await waitUntil(async () => (await replyStatuses([id!]))[0] === 'sent', 10_000, 'the retried reply');
      expect(starts.map((at) => at - starts[0]!), 'start offsets').toHaveLength(3);
      // Backoff: the second try waits ~300 ms, the third ~600 ms.
      expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(250);
      expect(starts[2]! - starts[1]!).toBeGreaterThanOrEqual(550);
      expect((await deliveriesByReply(database.infra)).get(id!)).toBe(1);
    } finally {
      await engine.stop(500);
    }
  });
});

describe('claims the engine skips', () => {
  it('never lets an empty claim hide a job announced after it: each runs at once, with no poll for 10 s', async () => {
    // Polls 10 s apart: only the announcement can start these jobs quickly. After the first, every
    // claim of the name has just come back empty ("nothing due for 10 s"), which a new job must undo.
    const engine = newEngine({ processEveryMs: 10_000, processName: 'announced' });
    defineDeliverJob(engine, database.infra);
    await engine.start();
    try {
      for (let round = 0; round < 4; round++) {
        const dueAt = new Date();
        const [id] = await schedulePendingReplies(engine, database.infra, [dueAt]);
        const [job] = (await database.infra.db.query('SELECT id FROM jobs WHERE ref_key = ?', [`scheduled_reply:${id}`])) as { id: string }[];
        await engine.announceScheduled({ jobId: job!.id, name: DELIVER_JOB, runAt: dueAt });
        await waitUntil(async () => (await replyStatuses([id!]))[0] === 'sent', 2000, `announced job ${round + 1} to run`);
      }
    } finally {
      await engine.stop(500);
    }
  });
});

describe('guarded effects and the sweep', () => {
  it('applies a guarded effect once: a re-run finds the row moved on and does nothing', async () => {
    const engine = newEngine({ redisUrl: null });
    const [id] = await schedulePendingReplies(engine, database.infra, [new Date(Date.now() + 3_600_000)]);
    let effects = 0;
    const guard = { entity: ScheduledReplyEntity, id: id!, tenantId: TENANT_ID, from: 'pending', to: 'sent' } as const;
    const first = await applyGuardedEffect(database.infra, guard, async () => ++effects);
    const second = await applyGuardedEffect(database.infra, guard, async () => ++effects);
    expect(first).toEqual({ applied: true, result: 1 });
    expect(second).toEqual({ applied: false });
    expect(effects).toBe(1);
    // Another tenant's id never matches.
    expect(await applyGuardedEffect(database.infra, { ...guard, tenantId: '00000000-0000-4000-8000-00000000000f', from: 'sent', to: 'failed' }, async () => ++effects)).toEqual({ applied: false });
  });

  it('rolls the status change back when the effect throws', async () => {
    const engine = newEngine({ redisUrl: null });
    const [id] = await schedulePendingReplies(engine, database.infra, [new Date(Date.now() + 3_600_000)]);
    await expect(
      applyGuardedEffect(database.infra, { entity: ScheduledReplyEntity, id: id!, tenantId: TENANT_ID, from: 'pending', to: 'sent' }, async () => {
        throw new Error('gateway down');
      }),
    ).rejects.toThrow('gateway down');
    expect(await replyStatuses([id!])).toEqual(['pending']);
  });

  it('re-arms a pending row whose job is missing, once, and the job then runs', async () => {
    const engine = newEngine({ redisUrl: null, processName: 'sweep' });
    defineDeliverJob(engine, database.infra);
    const [id] = await schedulePendingReplies(engine, database.infra, [new Date()]);
    await engine.cancelByRef(`scheduled_reply:${id}`); // the job is lost (e.g. deleted by hand)
    const source = {
      name: 'pending replies',
      async findNeeds() {
        const rows = await database.infra.db.getRepository(ScheduledReplyEntity).findBy({ status: 'pending', id: id! });
        return rows.map((row) => ({ ref: `scheduled_reply:${row.id}`, name: DELIVER_JOB, runAt: row.dueAt, payload: { dueAt: row.dueAt.toISOString(), replyId: row.id } }));
      },
    };
    const sweep = createSweep(engine, [source], database.infra.log);
    expect((await sweep.runOnce()).rearmed).toBe(1);
    expect((await sweep.runOnce()).rearmed).toBe(0);
    await engine.start();
    try {
      await waitUntil(async () => (await replyStatuses([id!]))[0] === 'sent', 10_000, 'the re-armed job');
    } finally {
      await engine.stop(500);
    }
  });
});

describe('jobs armed in a change (issue 13)', () => {
  const jobRefs = async (refs: string[]) =>
    ((await database.infra.db.query(`SELECT ref_key FROM jobs WHERE ref_key IN (${refs.map(() => '?').join(', ')}) ORDER BY ref_key`, refs)) as { ref_key: string }[]).map((row) => row.ref_key);
  const armed = (scheduler: JobEngine, manager: Parameters<JobEngine['scheduleInTransaction']>[0], ref: string) =>
    scheduler.scheduleInTransaction(manager, DELIVER_JOB, new Date(Date.now() + 3_600_000), { dueAt: new Date().toISOString(), ref });

  it('go in with one INSERT just before the commit, all of them', async () => {
    const engine = newEngine({ redisUrl: null });
    const refs = [`batch:${randomUUID()}`, `batch:${randomUUID()}`, `batch:${randomUUID()}`];
    const { queries } = await recordQueries(database.infra.db, () =>
      withTransaction(database.infra, TENANT_ID, async (uow) => {
        for (const ref of refs) uow.announce(await armed(engine, uow.manager, ref));
      }),
    );
    expect(queries.filter((query) => /^INSERT INTO jobs/.test(query))).toHaveLength(1);
    expect(await jobRefs(refs)).toEqual([...refs].sort());
  });

  it('a job cancelled later in the same change is never inserted; a rolled-back change leaves none', async () => {
    const engine = newEngine({ redisUrl: null });
    const [cancelled, kept, rolledBack] = [`batch:${randomUUID()}`, `batch:${randomUUID()}`, `batch:${randomUUID()}`];
    const removed = await withTransaction(database.infra, TENANT_ID, async (uow) => {
      await armed(engine, uow.manager, cancelled);
      await armed(engine, uow.manager, kept);
      return engine.cancelByRef(cancelled, uow.manager);
    });
    expect(removed).toBe(1);
    await expect(
      withTransaction(database.infra, TENANT_ID, async (uow) => {
        await armed(engine, uow.manager, rolledBack);
        throw new Error('the change fails');
      }),
    ).rejects.toThrow('the change fails');
    expect(await jobRefs([cancelled, kept, rolledBack])).toEqual([kept]);
  });

  it('outside a unit of work (a plain transaction) a job is inserted at once', async () => {
    const engine = newEngine({ redisUrl: null });
    const ref = `batch:${randomUUID()}`;
    await database.infra.db.transaction(async (manager) => {
      await armed(engine, manager, ref);
      expect((await manager.query('SELECT ref_key FROM jobs WHERE ref_key = ?', [ref])).length).toBe(1);
    });
    expect(await jobRefs([ref])).toEqual([ref]);
  });
});
