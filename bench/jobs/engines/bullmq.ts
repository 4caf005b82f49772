// BullMQ engine for the job benchmark: delayed jobs on the local Redis, one Worker per process, with
// Baton's concurrency and lock settings (concurrency, lockDuration, stalledInterval: settings.ts).
import { type ConnectionOptions, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { BenchContext, BenchEngine, BenchItem } from '../engine';

const QUEUE = 'jobs';
const CHUNK = 1_000;

interface JobData {
  id: string;
  dueAtMs: number;
}

const prefixOf = (ctx: BenchContext) => `baton-bench:${ctx.runId}`;
// bullmq bundles its own ioredis (5.11) while Baton uses 5.9: same API, BullMQ checks it by duck typing.
const asConnection = (redis: Redis) => redis as unknown as ConnectionOptions;

export function createEngine(): BenchEngine {
  const queues = new Map<string, { queue: Queue; redis: Redis }>();
  const queueFor = (ctx: BenchContext) => {
    let q = queues.get(ctx.runId);
    if (!q) {
      const redis = new Redis(ctx.redisUrl, { maxRetriesPerRequest: null });
      q = { redis, queue: new Queue<JobData>(QUEUE, { connection: asConnection(redis), prefix: prefixOf(ctx) }) };
      queues.set(ctx.runId, q);
    }
    return q.queue;
  };

  return {
    name: 'bullmq',

    async schedule(items: BenchItem[], ctx) {
      const queue = queueFor(ctx);
      for (let i = 0; i < items.length; i += CHUNK) {
        const now = Date.now();
        await queue.addBulk(
          items.slice(i, i + CHUNK).map((it) => ({
            name: 'item',
            data: { id: it.id, dueAtMs: it.dueAt.getTime() },
            opts: {
              jobId: it.id,
              delay: Math.max(0, it.dueAt.getTime() - now),
              removeOnComplete: true,
              attempts: 5,
              backoff: { type: 'fixed', delay: 500 },
            },
          })),
        );
      }
    },

    async runWorker(ctx) {
      const connection = new Redis(ctx.redisUrl, { maxRetriesPerRequest: null });
      const worker = new Worker<JobData>(
        QUEUE,
        async (job) => {
          ctx.onStart(job.data.id, job.data.dueAtMs);
          await ctx.applyEffect(job.data.id);
        },
        {
          connection: asConnection(connection),
          prefix: prefixOf(ctx),
          concurrency: ctx.settings.concurrency,
          lockDuration: ctx.settings.lockMs,
          stalledInterval: ctx.settings.lockCheckMs,
        },
      );
      worker.on('error', (err) => console.error(`[bullmq worker ${ctx.workerIndex}] ${err.message}`));
      worker.on('failed', (job, err) => console.error(`[bullmq worker ${ctx.workerIndex}] job ${job?.id} failed: ${err.message}`));
      await worker.waitUntilReady();
      const { opts } = worker;
      return {
        settings: {
          concurrency: opts.concurrency!,
          lockMs: opts.lockDuration!,
          lockCheckMs: opts.stalledInterval!,
          lockRenewMs: opts.lockRenewTime ?? null,
          maxStalledCount: opts.maxStalledCount ?? null,
        },
        async stop() {
          await worker.close();
          await connection.quit();
        },
      };
    },

    async pendingCount(ctx) {
      const counts = await queueFor(ctx).getJobCounts('active', 'wait', 'delayed', 'prioritized', 'paused', 'waiting-children');
      return Object.values(counts).reduce((a, b) => a + b, 0);
    },

    async cleanup(ctx) {
      const queue = queueFor(ctx);
      await queue.obliterate({ force: true });
      await queue.close();
      await queues.get(ctx.runId)?.redis.quit();
      queues.delete(ctx.runId);
    },
  };
}
