// A backend process that dies right after a commit (outbox tests): it commits a `team.created` event
// and a job in one unit of work, prints `committing <jobId>`, and is SIGKILLed the moment it starts
// its after-commit effects (announcing the job comes first), so only another process's outbox relay
// can perform them: the event is still without a stream position, and nothing was published.
// Env: DATABASE_URL, TENANT_ID, TEAM_NAME.
import { systemClock } from '../../backend/src/clock.js';
import { openDatabase } from '../../backend/src/db/data-source.js';
import { createJobEngine } from '../../backend/src/jobs/job-engine.js';
import { createLogger } from '../../backend/src/logger.js';
import type { EventBus } from '../../backend/src/realtime/event-bus.js';
import { withTransaction } from '../../backend/src/platform/unit-of-work.js';

const die = () => void process.kill(process.pid, 'SIGKILL');

/** Never reached: the process dies at the job's announcement, before its events are published. */
const dyingBus: EventBus = {
  publish: async () => die(),
  subscribe: () => ({ ready: Promise.resolve(), unsubscribe: () => undefined }),
  status: () => 'in-process',
  close: async () => undefined,
};

async function main(): Promise<void> {
  const db = await openDatabase({ databaseUrl: process.env.DATABASE_URL!, sqlitePath: '' });
  const log = createLogger('warn');
  const jobs = createJobEngine({ db, redisUrl: null, log, processName: `doomed-${process.pid}` });
  await withTransaction({ db, bus: dyingBus, clock: systemClock, log }, process.env.TENANT_ID!, async (uow) => {
    await uow.record({ type: 'team.created', actor: 'system', after: { name: process.env.TEAM_NAME! } });
    const runAt = new Date(uow.now.getTime() + 3600_000);
    const job = await jobs.scheduleInTransaction(uow.manager, 'outbox-test.never-runs', runAt, { dueAt: runAt.toISOString() });
    uow.announce({ ...job, announce: async () => die() });
    process.stdout.write(`committing ${job.jobId}\n`);
  });
  process.stdout.write('survived\n');
}

void main();
