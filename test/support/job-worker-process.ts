// A separate worker process for the crash tests: runs the job engine with the deliver job and
// prints `started <replyId>` for every run it begins. Env: DATABASE_URL, REDIS_URL, LOCK_LIFETIME_MS, WORK_MS,
// MAX_CONCURRENCY and LOCK_LIMIT (the engine's limits), FAIL_FIRST (attempts of every reply that throw).
import { openDatabase } from '../../backend/src/db/data-source.js';
import { createJobEngine } from '../../backend/src/jobs/job-engine.js';
import { createLogger } from '../../backend/src/logger.js';
import { InProcessEventBus } from '../../backend/src/realtime/event-bus.js';
import { systemClock } from '../../backend/src/clock.js';
import { defineDeliverJob } from './deliver-job.js';

const optionalNumber = (value: string | undefined) => (value ? Number(value) : undefined);

async function main(): Promise<void> {
  const db = await openDatabase({ databaseUrl: process.env.DATABASE_URL!, sqlitePath: '' });
  const log = createLogger('warn');
  const engine = createJobEngine({
    db,
    redisUrl: process.env.REDIS_URL ?? null,
    log,
    processName: `worker-${process.pid}`,
    lockLifetimeMs: Number(process.env.LOCK_LIFETIME_MS ?? 3000),
    maxConcurrency: optionalNumber(process.env.MAX_CONCURRENCY),
    lockLimit: optionalNumber(process.env.LOCK_LIMIT),
  });
  defineDeliverJob(engine, { db, bus: new InProcessEventBus(), clock: systemClock, log }, {
    workMs: Number(process.env.WORK_MS ?? 0),
    failFirstAttempts: Number(process.env.FAIL_FIRST ?? 0),
    onStart: (replyId) => process.stdout.write(`started ${replyId}\n`),
  });
  await engine.start();
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => void engine.stop().then(() => db.destroy()).then(() => process.exit(0)));
}

void main();
