// Baton engine for the job benchmark: Agenda on Baton's SQL storage backend (the same code the
// backend runs), jobs in the bench database, notifications over Redis; the shared concurrency and
// lock settings applied, everything else at the engine's defaults.
import { z } from 'zod';
import { openDatabase } from '../../../backend/src/db/data-source';
import { createJobEngine } from '../../../backend/src/jobs/job-engine';
import { SqlJobRepository } from '../../../backend/src/jobs/sql-job-repository';
import { createLogger } from '../../../backend/src/logger';
import type { BenchContext, BenchEngine } from '../engine';
import type { EngineSettings } from '../settings';

const JOB_NAME = 'bench.effect';
const ZBenchPayload = z.object({ dueAt: z.string(), itemId: z.string() });

const open = (ctx: BenchContext) => openDatabase({ databaseUrl: ctx.dbUrl, sqlitePath: '' });

/** Wall time spent awaiting each operation (BENCH_PROFILE=1): where a job's time goes. */
function createProfile() {
  const totals = new Map<string, { calls: number; ms: number }>();
  const add = (label: string, ms: number) => {
    const entry = totals.get(label) ?? { calls: 0, ms: 0 };
    entry.calls += 1;
    entry.ms += ms;
    totals.set(label, entry);
  };
  const time = <A extends unknown[], R>(label: string, fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const started = performance.now();
      try {
        return await fn(...args);
      } finally {
        add(label, performance.now() - started);
      }
    };
  return {
    time,
    wrap(target: object, method: string, label: string) {
      const record = target as Record<string, (...args: unknown[]) => Promise<unknown>>;
      record[method] = time(label, record[method]!.bind(target));
    },
    report: () =>
      [...totals].map(([label, { calls, ms }]) => `${label}: ${calls} calls, mean ${(ms / calls).toFixed(2)} ms`).join('; '),
  };
}

/** What the running engine uses, read back from it (the claim batch from the repository's internals: null if they moved). */
function settingsOf(engine: ReturnType<typeof createJobEngine>): EngineSettings {
  const { attrs } = engine.agenda;
  const claimer = (engine.repository as unknown as { claimer?: { options?: { batchSize?: number } } }).claimer;
  return {
    concurrency: attrs.maxConcurrency,
    lockMs: attrs.defaultLockLifetime,
    lockCheckMs: attrs.processEvery,
    lockLimit: attrs.lockLimit,
    claimBatch: claimer?.options?.batchSize ?? null,
  };
}

export function createEngine(): BenchEngine {
  return {
    name: 'baton',

    async schedule(items, ctx) {
      const db = await open(ctx);
      try {
        await new SqlJobRepository(db).insertMany(
          items.map((item) => ({ name: JOB_NAME, priority: 0, type: 'normal', nextRunAt: item.dueAt, data: { dueAt: item.dueAt.toISOString(), itemId: item.id } })),
        );
      } finally {
        await db.destroy();
      }
    },

    async runWorker(ctx) {
      const db = await open(ctx);
      const engine = createJobEngine({
        db,
        redisUrl: ctx.redisUrl,
        log: createLogger(process.env.BENCH_LOG_LEVEL ?? 'warn'),
        processName: `bench-${ctx.workerIndex}-${process.pid}`,
        maxConcurrency: ctx.settings.concurrency,
        lockLifetimeMs: ctx.settings.lockMs,
        processEveryMs: ctx.settings.lockCheckMs,
      });
      const profile = createProfile();
      if (process.env.BENCH_PROFILE) {
        profile.wrap(engine.repository, 'getNextJobToRun', 'claim (getNextJobToRun, incl. buffered)');
        profile.wrap(engine.repository, 'saveJobState', 'state save (saveJobState, grouped)');
      }
      const applyEffect = process.env.BENCH_PROFILE ? profile.time('effect (guarded transaction)', ctx.applyEffect) : ctx.applyEffect;
      engine.define({
        name: JOB_NAME,
        schema: ZBenchPayload,
        async handle(payload) {
          ctx.onStart(payload.itemId, Date.parse(payload.dueAt));
          await applyEffect(payload.itemId);
        },
      });
      await engine.start();
      return {
        settings: settingsOf(engine),
        async stop() {
          await engine.stop(2000);
          await db.destroy();
          if (process.env.BENCH_PROFILE) {
            const cpu = process.cpuUsage();
            console.error(`[baton worker ${ctx.workerIndex}] ${profile.report()}; cpu ${Math.round((cpu.user + cpu.system) / 1000)} ms`);
          }
        },
      };
    },

    async pendingCount(ctx) {
      const db = await open(ctx);
      try {
        const [row] = await db.query('SELECT COUNT(*) AS pending FROM jobs WHERE next_run_at IS NOT NULL OR locked_at IS NOT NULL');
        return Number(row.pending);
      } finally {
        await db.destroy();
      }
    },
  };
}
