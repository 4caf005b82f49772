// Issue 11 item 9, fourth fault: a grouped state write that MariaDB picks as a deadlock victim is
// retried, not rejected whole. The deadlock is made on purpose: another transaction holds one row of
// the group and then asks for a row the group already holds.
import type { JobParameters } from 'agenda';
import type { QueryRunner } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { SqlJobRepository } from '../../../backend/src/jobs/sql-job-repository.js';
import { useJobsDatabase, waitUntil } from '../../support/job-engine-kit.js';

const database = useJobsDatabase('MariaDB', 'state_deadlock');

/** Whether the grouped state write (one UPDATE … CASE id …) of `rowId` is running (here: waiting for a row lock). */
async function groupRunning(rowId: string): Promise<boolean> {
  const rows: { info: string | null }[] = await database.db.query("SELECT info FROM information_schema.PROCESSLIST WHERE db = DATABASE() AND command = 'Query'");
  return rows.some((row) => row.info?.startsWith('UPDATE jobs SET locked_at = CASE id') && row.info.includes(rowId));
}

describe('grouped state writes and deadlocks (MariaDB)', () => {
  it('a group chosen as deadlock victim is written after the other transaction commits; no write is rejected', async () => {
    const repository = new SqlJobRepository(database.db);
    const ids = await repository.insertMany(
      Array.from({ length: 8 }, (_, index) => ({ name: 'deadlock.job', priority: 0, type: 'normal', nextRunAt: null, data: { index } }) satisfies JobParameters),
    );
    // The group locks its rows in primary-key order: `low` first, then `high`.
    const [low, high] = ids.slice(0, 2).sort();
    const others = ids.filter((id) => id !== low && id !== high);

    const other: QueryRunner = database.db.createQueryRunner();
    await other.connect();
    try {
      await other.startTransaction();
      // The other transaction changes more rows than the group, so InnoDB rolls the group back.
      // (One row per statement: an IN list over this small table would scan, and lock, every row.)
      for (const id of others) await other.query('UPDATE jobs SET priority = 1 WHERE id = ?', [id]);
      await other.query('SELECT id FROM jobs WHERE id = ? FOR UPDATE', [high]);

      const finishedAt = new Date();
      const state = (id: string): JobParameters => ({ _id: id, name: 'deadlock.job', priority: 0, type: 'normal', nextRunAt: null, data: {}, lastRunAt: finishedAt, lastFinishedAt: finishedAt }) as JobParameters;
      const writes = Promise.allSettled([repository.saveJobState(state(low!), undefined), repository.saveJobState(state(high!), undefined)]);
      await waitUntil(() => groupRunning(low!), 5000, 'the group to wait for the row the other transaction holds');

      await other.query('UPDATE jobs SET priority = 2 WHERE id = ?', [low]); // deadlock: InnoDB picks the group
      await other.commitTransaction();

      const outcomes = await writes;
      expect(outcomes.map((outcome) => (outcome.status === 'rejected' ? String(outcome.reason) : 'written'))).toEqual(['written', 'written']);
      const rows: { id: string; last_finished_at: Date | null }[] = await database.db.query('SELECT id, last_finished_at FROM jobs WHERE id IN (?, ?)', [low, high]);
      expect(rows.map((row) => row.last_finished_at?.getTime())).toEqual([finishedAt.getTime(), finishedAt.getTime()]);
    } finally {
      if (other.isTransactionActive) await other.rollbackTransaction();
      await other.release();
    }
  });
});
