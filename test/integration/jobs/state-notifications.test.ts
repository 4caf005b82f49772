// Issue 11 item 9, fifth fault: Agenda's job events (start, fail, retry, success, complete) reach
// other processes over the Redis notification channel (MariaDB + Redis, a worker process).
import type { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createJobEngine } from '../../../backend/src/jobs/job-engine.js';
import { DELIVER_JOB, schedulePendingReplies } from '../../support/deliver-job.js';
import { spawnJobWorker, stopJobWorker, useJobsDatabase, waitUntil } from '../../support/job-engine-kit.js';
import { REDIS_URL } from '../../support/services.js';

const database = useJobsDatabase('MariaDB', 'state_notifications');

interface RemoteEvent {
  type: string;
  jobId: string;
  remote: boolean;
  error?: string;
}

describe('job events across processes (Redis)', () => {
  it('a process that does not run the job hears its start, failure, retry, success and completion from the worker that does', async () => {
    // The observer defines no handler for the job, so it never runs it: all it knows comes over Redis.
    const observer = createJobEngine({ db: database.infra.db, redisUrl: REDIS_URL, log: database.infra.log, processName: 'observer' });
    const events: RemoteEvent[] = [];
    // Agenda types each event's listener apart; one generic listener per event name here.
    const emitter = observer.agenda as unknown as EventEmitter;
    const on = (type: string, toEvent: (...args: unknown[]) => RemoteEvent) => emitter.on(`${type}:${DELIVER_JOB}`, (...args: unknown[]) => events.push(toEvent(...args)));
    type Notification = { jobId: string; error?: string };
    for (const type of ['start', 'success', 'complete']) on(type, (notification, remote) => ({ type, jobId: String((notification as Notification).jobId), remote: remote === true }));
    on('fail', (error, notification, remote) => ({ type: 'fail', jobId: String((notification as Notification).jobId), remote: remote === true, error: String(error) }));
    on('retry', (notification, _details, remote) => ({ type: 'retry', jobId: String((notification as Notification).jobId), remote: remote === true }));
    await observer.start();

    const worker = await spawnJobWorker(database.url!, { FAIL_FIRST: '1', LOCK_LIFETIME_MS: '10000' });
    try {
      const [replyId] = await schedulePendingReplies(observer, database.infra, [new Date()]);
      const [job]: { id: string }[] = await database.infra.db.query('SELECT id FROM jobs WHERE ref_key = ?', [`scheduled_reply:${replyId}`]);
      const ofJob = () => events.filter((event) => event.jobId === job!.id);
      await waitUntil(() => ofJob().some((event) => event.type === 'success') && ofJob().filter((event) => event.type === 'complete').length === 2, 10_000, 'the success to be heard').catch(() => undefined);

      expect(worker.started).toEqual([replyId, replyId]); // it failed once, then succeeded
      expect(ofJob().map((event) => event.type)).toEqual(['start', 'fail', 'retry', 'complete', 'start', 'success', 'complete']);
      expect(ofJob().every((event) => event.remote)).toBe(true);
      expect(ofJob().find((event) => event.type === 'fail')!.error).toBe('gateway unavailable (attempt 1)');
    } finally {
      await stopJobWorker(worker);
      await observer.stop(500);
    }
  }, 30_000);
});
