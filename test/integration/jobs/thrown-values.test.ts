// Issue 11 item 9, third fault: a handler that throws something other than an Error (Agenda's fork
// mode throws plain objects) is recorded as text, and one row the database refuses never fails the
// other state writes grouped with it (SQLite and MariaDB).
import type { JobParameters } from 'agenda';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createJobEngine } from '../../../backend/src/jobs/job-engine.js';
import { createLogger } from '../../../backend/src/logger.js';
import { createGate, useJobsDatabase, waitUntil } from '../../support/job-engine-kit.js';

interface JobStateRow {
  id: string;
  name: string;
  locked_at: unknown;
  last_finished_at: unknown;
  fail_count: number | null;
  fail_reason: string | null;
}

describe.each(['SQLite', 'MariaDB'] as const)('thrown values and refused rows on %s', (dialect) => {
  const database = useJobsDatabase(dialect, 'thrown_values');

  const rowsNamed = (prefix: string): Promise<JobStateRow[]> =>
    database.db.query('SELECT id, name, locked_at, last_finished_at, fail_count, fail_reason FROM jobs WHERE name LIKE ?', [`${prefix}%`]);

  it('records a plain object thrown by a handler as its JSON text, and every job finishing with it is unlocked', async () => {
    const engine = createJobEngine({ db: database.db, redisUrl: null, log: createLogger('silent'), processName: 'thrown' });
    const gate = createGate();
    let started = 0;
    // Defined on Agenda directly, as a forked child's failure reaches Agenda: a plain object, no Error.
    engine.agenda.define('thrown.fork', async () => {
      started += 1;
      await gate.opened;
      throw { code: 'E_FORK', detail: 'child exited' };
    });
    engine.define({
      name: 'thrown.good',
      schema: z.object({ dueAt: z.string() }),
      async handle() {
        started += 1;
        await gate.opened;
      },
    });
    const dueAt = new Date(Date.now() - 1000);
    const job = (name: string): JobParameters => ({ name, priority: 0, type: 'normal', nextRunAt: dueAt, data: { dueAt: dueAt.toISOString() } });
    await engine.repository.insertMany([job('thrown.fork'), ...Array.from({ length: 6 }, () => job('thrown.good'))]);
    await engine.start();
    try {
      await waitUntil(() => started === 7, 5000, 'all seven jobs to start');
      gate.open(); // all seven finish in the same tick: their final state writes form one group
      const finished = (row: JobStateRow) => row.locked_at === null && row.last_finished_at !== null;
      await waitUntil(async () => (await rowsNamed('thrown.')).every(finished), 5000, 'every job to be finished and unlocked').catch(() => undefined);

      const rows = await rowsNamed('thrown.');
      expect(rows.filter((row) => !finished(row)).map((row) => row.name)).toEqual([]);
      const failed = rows.find((row) => row.name === 'thrown.fork')!;
      expect(failed.fail_count).toBe(1);
      expect(failed.fail_reason).toBe('{"code":"E_FORK","detail":"child exited"}');
    } finally {
      gate.open();
      await engine.stop(2000);
    }
  });

  it('writes the rest of a group when the database refuses one row of it, and rejects only that row', async () => {
    const engine = createJobEngine({ db: database.db, redisUrl: null, log: createLogger('silent'), processName: 'refused' });
    const [goodId, badId] = await engine.repository.insertMany(
      ['refused.good', 'refused.bad'].map((name) => ({ name, priority: 0, type: 'normal', nextRunAt: null, data: {} }) satisfies JobParameters),
    );
    const finishedAt = new Date();
    const state = (id: string, name: string, extra: Partial<JobParameters> = {}): JobParameters =>
      ({ _id: id, name, priority: 0, type: 'normal', nextRunAt: null, data: {}, lastRunAt: finishedAt, lastFinishedAt: finishedAt, ...extra }) as JobParameters;

    // Issued in the same tick, so they are grouped; an object is no value either database can store.
    const [good, bad] = await Promise.allSettled([
      engine.repository.saveJobState(state(goodId!, 'refused.good'), undefined),
      engine.repository.saveJobState(state(badId!, 'refused.bad', { progress: {} as unknown as number }), undefined),
    ]);

    expect(good.status).toBe('fulfilled');
    expect(bad.status).toBe('rejected');
    const [goodRow] = (await rowsNamed('refused.good')) as JobStateRow[];
    expect(goodRow!.last_finished_at).not.toBeNull();
  });
});
