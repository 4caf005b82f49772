// Groups Agenda's saveJobState calls: concurrent state writes become one UPDATE (one commit)
// instead of one transaction each — the commit rate is this machine's ceiling (reference/toolchain.md).
// A group takes its rows in id order, is retried when it loses a deadlock, and a row the database
// refuses fails alone: the group is then written row by row (issue 11 item 9). A write that finds the
// database unreachable is retried while the job's lock is ours (issue 14 item 1).
import type { JobParameters } from 'agenda';
import type { DataSource } from 'typeorm';
import { serialised } from '../db/serialised.js';
import { placeholders, stateColumns, type SqlValues, type StateColumns } from './job-rows.js';
import { retryWhileUnreachable } from './unreachable-retry.js';
import { withLockRetry } from './lock-retry.js';
import { execute } from './sql-exec.js';

interface PendingWrite {
  id: string;
  name: string;
  columns: StateColumns;
  /** Epoch ms until which the write is retried while the database is unreachable (0: not retried). */
  retryUntilMs: number;
  resolve(): void;
  reject(error: Error): void;
}

const MAX_GROUP = 200;
const COLUMN_NAMES = Object.keys(stateColumns({ name: '', priority: 0, nextRunAt: null, type: 'normal', data: null }, { isSqlite: true, time: () => null, bool: () => 0 }, null)) as (keyof StateColumns)[];

export class JobStateWriter {
  private pending: PendingWrite[] = [];
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly db: DataSource,
    private readonly sql: SqlValues,
  ) {}

  /**
   * Resolves once the state is written; rejects when the job's row no longer exists, or when the
   * database is still unreachable at `retryUntilMs` (the end of this process's lock on the job).
   */
  write(job: JobParameters, lastModifiedBy: string | null, retryUntilMs = 0): Promise<void> {
    if (!job._id) return Promise.reject(new Error('Cannot save job state without a job id'));
    return new Promise((resolve, reject) => {
      this.pending.push({ id: String(job._id), name: job.name, columns: stateColumns(job, this.sql, lastModifiedBy), retryUntilMs, resolve, reject });
      this.scheduleFlush();
    });
  }

  private scheduleFlush(): void {
    if (this.flushing) return;
    this.flushing = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.flushAll())
      .finally(() => {
        this.flushing = null;
        if (this.pending.length) this.scheduleFlush();
      });
  }

  private async flushAll(): Promise<void> {
    while (this.pending.length) await this.writeGroup(this.pending.splice(0, MAX_GROUP));
  }

  /** Writes a group and answers every caller in it; never throws. */
  private async writeGroup(group: PendingWrite[]): Promise<void> {
    // The latest write of a job wins; every caller of that job is answered. Rows in id order.
    const latest = new Map<string, PendingWrite>();
    for (const write of group) latest.set(write.id, write);
    const writes = [...latest.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const answer = (ids: string[], outcome: Set<string> | Error) => {
      const wanted = new Set(ids);
      for (const write of group) {
        if (!wanted.has(write.id)) continue;
        if (outcome instanceof Error) write.reject(outcome);
        else if (outcome.has(write.id)) write.resolve();
        else write.reject(new Error(`job ${write.id} (name: ${write.name}) cannot be updated in the database, maybe it does not exist anymore?`));
      }
    };
    try {
      answer(writes.map((write) => write.id), await this.writeRows(writes));
    } catch (error) {
      if (writes.length === 1) return answer([writes[0]!.id], error as Error);
      // Some row is refused: write them one at a time so only that row fails.
      for (const write of writes) {
        try {
          answer([write.id], await this.writeRows([write]));
        } catch (rowError) {
          answer([write.id], rowError as Error);
        }
      }
    }
  }

  /**
   * The ids of the rows written (the others are gone); retried when chosen as a deadlock victim, and
   * while the database is unreachable until the earliest of the group's locks ends.
   */
  private writeRows(writes: PendingWrite[]): Promise<Set<string>> {
    const retryUntilMs = Math.min(...writes.map((write) => write.retryUntilMs));
    return retryWhileUnreachable(() => withLockRetry(() => (this.sql.isSqlite ? this.writeOnSqlite(writes) : this.writeOnMysql(writes))), retryUntilMs);
  }

  /** One UPDATE … SET col = CASE id WHEN … END for the whole group. */
  private async writeOnMysql(writes: PendingWrite[]): Promise<Set<string>> {
    const params: unknown[] = [];
    const assignments = COLUMN_NAMES.map((column) => {
      const cases = writes.map((write) => {
        params.push(write.id, write.columns[column]);
        return 'WHEN ? THEN ?';
      });
      return `${column} = CASE id ${cases.join(' ')} END`;
    });
    const ids = writes.map((write) => write.id);
    const { affected } = await execute(this.db, `UPDATE jobs SET ${assignments.join(', ')} WHERE id IN (${placeholders(ids.length)})`, [...params, ...ids]);
    // mysql2 reports matched (found) rows, so fewer means some rows are gone.
    if (affected >= ids.length) return new Set(ids);
    const existing: { id: string }[] = await this.db.query(`SELECT id FROM jobs WHERE id IN (${placeholders(ids.length)})`, ids);
    return new Set(existing.map((row) => row.id));
  }

  /** SQLite: statements in one transaction (one commit); each row checked by its change count. */
  private writeOnSqlite(writes: PendingWrite[]): Promise<Set<string>> {
    return serialised(this.db, () =>
      this.db.transaction(async (manager) => {
        const matched = new Set<string>();
        const setClause = COLUMN_NAMES.map((column) => `${column} = ?`).join(', ');
        for (const write of writes) {
          const { affected } = await execute(
            this.db,
            `UPDATE jobs SET ${setClause} WHERE id = ? AND name = ?`,
            [...COLUMN_NAMES.map((column) => write.columns[column]), write.id, write.name],
            manager.queryRunner,
          );
          if (affected > 0) matched.add(write.id);
        }
        return matched;
      }),
    );
  }
}
