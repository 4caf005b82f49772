// Agenda's JobRepository over Baton's own database (MariaDB/MySQL or SQLite), so a job commits in
// the same transaction as the row that needs it (ARCHITECTURE.md "MySQL is the single source of truth").
import { computeJobState } from 'agenda';
import type {
  JobId,
  JobParameters,
  JobRepository,
  JobRepositoryOptions,
  JobsOverview,
  JobsQueryOptions,
  JobsResult,
  JobsSort,
  JobWithState,
  RemoveJobsOptions,
} from 'agenda';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { serialised } from '../db/serialised.js';
import type { ClaimCapacity } from './claim-capacity.js';
import { JobClaimer, lockSafeUntilMs } from './job-claimer.js';
import {
  dataMatches,
  definitionColumns,
  placeholders,
  rowToJob,
  sqlValuesFor,
  stableJson,
  type JobRow,
  type SqlValues,
} from './job-rows.js';
import { JobStateWriter } from './job-state-writer.js';
import { withLockRetry } from './lock-retry.js';
import { execute } from './sql-exec.js';
import { deferToCommit } from '../platform/deferred-to-commit.js';

export interface SqlJobRepositoryOptions {
  /** Due jobs locked per claim statement (default 50). */
  claimBatchSize?: number;
  /** Claimed-but-not-handed-out jobs older than this are released (default 1,000 ms). */
  maxBufferedMs?: number;
  /** How many jobs this process can start now (the engine's Agenda); without it claims take whole batches. */
  claimCapacity?: ClaimCapacity;
  /** A claimed job held for its due time is due: wake Agenda's queue fill (JobClaimerOptions.onDue). */
  onDue?: (name: string) => void;
}

const ID_CHUNK = 500;

/** A new job's row as inserted. */
type NewJobRow = ReturnType<typeof definitionColumns> & { id: string; unique_key: string | null; debounce_started_at: unknown; created_at: unknown };

export class SqlJobRepository implements JobRepository {
  private readonly sql: SqlValues;
  private readonly claimer: JobClaimer;
  private readonly stateWriter: JobStateWriter;
  /**
   * Until when this process may still write the state of each job it handed to Agenda (its lock is
   * ours): a write that finds the database unreachable is retried until then (issue 14 item 1).
   */
  private readonly stateWritableUntilMs = new Map<string, number>();

  constructor(
    private readonly db: DataSource,
    options: SqlJobRepositoryOptions = {},
  ) {
    this.sql = sqlValuesFor(db);
    this.claimer = new JobClaimer(db, this.sql, {
      batchSize: options.claimBatchSize ?? 50,
      maxBufferedMs: options.maxBufferedMs ?? 1000,
      capacity: options.claimCapacity,
      onDue: options.onDue,
    });
    this.stateWriter = new JobStateWriter(db, this.sql);
  }

  /**
   * Runs a statement (serialised on SQLite, where there is one connection). On its own it is retried
   * when it loses a deadlock; inside the caller's transaction (`runner`) the caller decides.
   */
  private run<T = unknown>(sqlText: string, params: unknown[] = [], runner?: QueryRunner) {
    return runner ? execute<T>(this.db, sqlText, params, runner) : withLockRetry(() => serialised(this.db, () => execute<T>(this.db, sqlText, params)));
  }

  private async select(sqlText: string, params: unknown[] = []): Promise<JobRow[]> {
    return serialised(this.db, () => this.db.query(sqlText, params));
  }

  async connect(): Promise<void> {
    await this.select('SELECT id FROM jobs LIMIT 1');
  }

  /** Releases claims still buffered in this process, so other processes can run those jobs. */
  async disconnect(): Promise<void> {
    await this.claimer.releaseAll();
  }

  async getJobById(id: string): Promise<JobParameters | null> {
    const [row] = await this.select('SELECT * FROM jobs WHERE id = ?', [String(id)]);
    return row ? rowToJob(row) : null;
  }

  async queryJobs(options: JobsQueryOptions = {}): Promise<JobsResult> {
    const conditions: string[] = [];
    const params: unknown[] = [];
    if (options.name) (conditions.push('name = ?'), params.push(options.name));
    else if (options.names?.length) (conditions.push(`name IN (${placeholders(options.names.length)})`), params.push(...options.names));
    if (options.id) (conditions.push('id = ?'), params.push(String(options.id)));
    else if (options.ids?.length) (conditions.push(`id IN (${placeholders(options.ids.length)})`), params.push(...options.ids.map(String)));
    if (options.search) (conditions.push("LOWER(name) LIKE ? ESCAPE '!'"), params.push(`%${escapeLike(options.search.toLowerCase())}%`));
    if (options.includeDisabled === false) conditions.push('disabled = 0');
    const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
    const rows = await this.select(`SELECT * FROM jobs ${where} ORDER BY ${orderByOf(options.sort)}`, params);
    const now = new Date();
    let jobs: JobWithState[] = rows
      .map((row) => rowToJob(row))
      .filter((job) => options.data === undefined || dataMatches(job.data, options.data))
      .map((job) => ({ ...job, _id: job._id as JobId, state: computeJobState(job, now) }))
      .filter((job) => !options.state || (options.state === 'paused' ? job.disabled === true : job.state === options.state));
    const total = jobs.length;
    const skip = options.skip ?? 0;
    if (options.limit && options.limit > 0) jobs = jobs.slice(skip, skip + options.limit);
    else if (skip > 0) jobs = jobs.slice(skip);
    return { jobs, total };
  }

  async getJobsOverview(): Promise<JobsOverview[]> {
    const rows = await this.select('SELECT * FROM jobs ORDER BY name');
    const now = new Date();
    const byName = new Map<string, JobsOverview>();
    for (const row of rows) {
      const job = rowToJob(row);
      let overview = byName.get(job.name);
      if (!overview) {
        overview = { name: job.name, total: 0, running: 0, scheduled: 0, queued: 0, completed: 0, failed: 0, repeating: 0, paused: 0 };
        byName.set(job.name, overview);
      }
      overview.total += 1;
      const state = computeJobState(job, now);
      if (state !== 'paused') overview[state] += 1;
      if (job.disabled) overview.paused += 1;
    }
    return [...byName.values()];
  }

  async getDistinctJobNames(): Promise<string[]> {
    const rows: { name: string }[] = await serialised(this.db, () => this.db.query('SELECT DISTINCT name FROM jobs ORDER BY name'));
    return rows.map((row) => row.name);
  }

  /** Jobs due now and not finished: what is waiting to run. */
  async getQueueSize(): Promise<number> {
    const rows: { count: number | string }[] = await serialised(this.db, () =>
      this.db.query('SELECT COUNT(*) AS count FROM jobs WHERE next_run_at < ?', [this.sql.time(new Date())]),
    );
    return Number(rows[0]?.count ?? 0);
  }

  async removeJobs(options: RemoveJobsOptions): Promise<number> {
    return this.forMatching(options, (where, params) => this.run(`DELETE FROM jobs WHERE ${where}`, params));
  }

  async disableJobs(options: RemoveJobsOptions): Promise<number> {
    return this.forMatching(options, (where, params) => this.run(`UPDATE jobs SET disabled = 1 WHERE ${where}`, params));
  }

  async enableJobs(options: RemoveJobsOptions): Promise<number> {
    return this.forMatching(options, (where, params) => this.run(`UPDATE jobs SET disabled = 0 WHERE ${where}`, params));
  }

  async purgeAllJobs(): Promise<number> {
    return (await this.run('DELETE FROM jobs')).affected;
  }

  async saveJobState(job: JobParameters, options: JobRepositoryOptions | undefined): Promise<void> {
    const id = String(job._id);
    const writableUntilMs = this.stateWritableUntilMs.get(id) ?? 0;
    // Agenda's last write of a run clears lockedAt: the lock is given up with it.
    if (!job.lockedAt) this.stateWritableUntilMs.delete(id);
    await this.stateWriter.write(job, options?.lastModifiedBy ?? null, writableUntilMs);
  }

  async lockJob(job: JobParameters, options: JobRepositoryOptions | undefined): Promise<JobParameters | undefined> {
    if (!job._id) return undefined;
    const now = new Date();
    const { affected } = await this.run(
      `UPDATE jobs SET locked_at = ?, last_modified_by = ?
       WHERE id = ? AND name = ? AND locked_at IS NULL AND disabled = 0 AND ${job.nextRunAt ? 'next_run_at = ?' : 'next_run_at IS NULL'}`,
      [this.sql.time(now), options?.lastModifiedBy ?? null, String(job._id), job.name, ...(job.nextRunAt ? [this.sql.time(job.nextRunAt)] : [])],
    );
    return affected === 1 ? ((await this.getJobById(String(job._id))) ?? undefined) : undefined;
  }

  /** Unlocks a job that is not being processed (nextRunAt set), as Agenda's own backends do. */
  async unlockJob(job: JobParameters): Promise<void> {
    if (!job._id) return;
    this.stateWritableUntilMs.delete(String(job._id));
    await this.run('UPDATE jobs SET locked_at = NULL WHERE id = ? AND next_run_at IS NOT NULL', [String(job._id)]);
    this.claimer.noteNotification(job.name);
  }

  /** Unlocks on stop; a running one-off job (nextRunAt null) keeps its lock so it is recovered after expiry. */
  async unlockJobs(jobIds: (JobId | string)[]): Promise<void> {
    for (const chunk of chunks(jobIds.map(String).sort(), ID_CHUNK)) {
      await this.run(`UPDATE jobs SET locked_at = NULL WHERE id IN (${placeholders(chunk.length)}) AND next_run_at IS NOT NULL`, chunk);
    }
  }

  /** A job of `name` was committed or announced (claims after it ask the database again). */
  noteNotification(name: string): void {
    this.claimer.noteNotification(name);
  }

  async getNextJobToRun(
    jobName: string,
    nextScanAt: Date,
    lockDeadline: Date,
    now: Date | undefined,
    options: JobRepositoryOptions | undefined,
  ): Promise<JobParameters | undefined> {
    const request = { name: jobName, nextScanAt, lockDeadline, now: now ?? new Date(), lastModifiedBy: options?.lastModifiedBy ?? null };
    const job = await this.claimer.next(request);
    if (job?.lockedAt) this.noteLockHeld(String(job._id), lockSafeUntilMs(job.lockedAt, request));
    return job;
  }

  /** Remembers a handed-out job's lock (no statement); entries of runs Agenda dropped are pruned as they expire. */
  private noteLockHeld(id: string, untilMs: number): void {
    if (this.stateWritableUntilMs.size >= 10_000) {
      const now = Date.now();
      for (const [heldId, heldUntilMs] of this.stateWritableUntilMs) if (heldUntilMs < now) this.stateWritableUntilMs.delete(heldId);
    }
    this.stateWritableUntilMs.set(id, untilMs);
  }

  async saveJob<DATA = unknown>(job: JobParameters<DATA>, options: JobRepositoryOptions | undefined): Promise<JobParameters<DATA>> {
    const lastModifiedBy = options?.lastModifiedBy ?? null;
    if (job._id) return this.updateDefinition(job, lastModifiedBy);
    if (job.type === 'single') return this.upsertSingle(job, lastModifiedBy);
    if (job.unique) return this.upsertUnique(job, lastModifiedBy);
    return this.insertJob(job, null, lastModifiedBy);
  }

  /**
   * Inserts a job inside the caller's transaction — the row that needs the job and the job commit
   * together (or not at all). Publish a notification after commit so other processes pick it up.
   */
  async insertInTransaction<DATA>(manager: EntityManager, job: Omit<JobParameters<DATA>, 'priority' | 'type'> & Partial<JobParameters<DATA>>): Promise<JobParameters<DATA>> {
    const full = { priority: 0, type: 'normal', ...job } as JobParameters<DATA>;
    const row = this.newJobRow(full, null, null);
    const runner = manager.queryRunner ?? undefined;
    const queued = runner ? this.rowsAwaitingCommit.get(runner) : undefined;
    if (queued) queued.push(row);
    else if (runner && deferToCommit(manager, () => this.insertRowsAwaitingCommit(runner))) this.rowsAwaitingCommit.set(runner, [row]);
    else await this.insertRows([row], runner);
    return this.insertedJob(full, row.id);
  }

  /** The job rows of a transaction that go in one INSERT just before its commit (deferred-to-commit.ts). */
  private readonly rowsAwaitingCommit = new WeakMap<QueryRunner, NewJobRow[]>();

  private async insertRowsAwaitingCommit(runner: QueryRunner): Promise<void> {
    const rows = this.rowsAwaitingCommit.get(runner) ?? [];
    this.rowsAwaitingCommit.delete(runner);
    if (rows.length > 0) await this.insertRows(rows, runner);
  }

  /** Bulk insert (benchmarks, the sweep): one multi-row INSERT per 500 jobs. */
  async insertMany(jobs: JobParameters[]): Promise<string[]> {
    const ids: string[] = [];
    for (const chunk of chunks(jobs, ID_CHUNK)) {
      const rows = chunk.map((job) => this.newJobRow(job, null, null));
      await this.insertRows(rows);
      ids.push(...rows.map((row) => row.id));
    }
    return ids;
  }

  /** Removes the jobs of one reference (`data.ref`, e.g. `scheduled_reply:<id>`); exact match, indexed. */
  async removeByRef(ref: string, manager?: EntityManager): Promise<number> {
    const runner = manager?.queryRunner ?? undefined;
    // A job of this reference armed earlier in the same transaction and not yet inserted: it never will be.
    const queued = runner ? this.rowsAwaitingCommit.get(runner) : undefined;
    const dropped = queued ? dropRowsOfRef(queued, ref) : 0;
    return dropped + (await this.run('DELETE FROM jobs WHERE ref_key = ?', [ref], runner)).affected;
  }

  /** Which of these references have a job that has not finished (the sweep re-arms the others). */
  async refsWithPendingJobs(refs: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (const chunk of chunks(refs, ID_CHUNK)) {
      const rows: { ref_key: string }[] = await serialised(this.db, () =>
        this.db.query(`SELECT ref_key FROM jobs WHERE ref_key IN (${placeholders(chunk.length)}) AND (next_run_at IS NOT NULL OR locked_at IS NOT NULL)`, chunk),
      );
      for (const row of rows) found.add(row.ref_key);
    }
    return found;
  }

  /** Deletes finished one-off jobs older than `before`, in bounded batches; returns how many. */
  async deleteFinishedBefore(before: Date, batch = 1000): Promise<number> {
    let total = 0;
    for (;;) {
      const rows: { id: string }[] = await this.select(
        `SELECT id FROM jobs WHERE next_run_at IS NULL AND locked_at IS NULL AND last_finished_at < ? AND repeat_interval IS NULL LIMIT ${batch}`,
        [this.sql.time(before)],
      );
      if (rows.length === 0) return total;
      total += (await this.run(`DELETE FROM jobs WHERE id IN (${placeholders(rows.length)})`, rows.map((row) => row.id))).affected;
    }
  }

  private async insertJob<DATA>(job: JobParameters<DATA>, uniqueKey: string | null, lastModifiedBy: string | null, runner?: QueryRunner): Promise<JobParameters<DATA>> {
    const row = this.newJobRow(job, uniqueKey, lastModifiedBy);
    await this.insertRows([row], runner);
    return this.insertedJob(job, row.id);
  }

  private newJobRow(job: JobParameters<unknown>, uniqueKey: string | null, lastModifiedBy: string | null): NewJobRow {
    return {
      id: randomUUID(),
      ...definitionColumns(job, this.sql, lastModifiedBy),
      unique_key: uniqueKey,
      debounce_started_at: this.sql.time(job.debounceStartedAt),
      created_at: this.sql.time(new Date()),
    };
  }

  /** One INSERT for all `rows` (they share their columns). */
  private async insertRows(rows: NewJobRow[], runner?: QueryRunner): Promise<void> {
    const columns = Object.keys(rows[0]!) as (keyof NewJobRow)[];
    await this.run(
      `INSERT INTO jobs (${columns.join(', ')}) VALUES ${rows.map(() => `(${placeholders(columns.length)})`).join(', ')}`,
      rows.flatMap((row) => columns.map((column) => row[column])),
      runner,
    );
  }

  private insertedJob<DATA>(job: JobParameters<DATA>, id: string): JobParameters<DATA> {
    const { _id: _ignored, unique: _unique, uniqueOpts: _uniqueOpts, ...rest } = job;
    return { ...rest, _id: id as JobId, nextRunAt: job.nextRunAt ?? null };
  }

  private async updateDefinition<DATA>(job: JobParameters<DATA>, lastModifiedBy: string | null): Promise<JobParameters<DATA>> {
    const columns = definitionColumns(job, this.sql, lastModifiedBy);
    const names = Object.keys(columns);
    const { affected } = await this.run(
      `UPDATE jobs SET ${names.map((name) => `${name} = ?`).join(', ')} WHERE id = ? AND name = ?`,
      [...names.map((name) => columns[name as keyof typeof columns]), String(job._id), job.name],
    );
    if (affected === 0) return job; // removed meanwhile: Agenda keeps its in-memory copy
    return ((await this.getJobById(String(job._id))) as JobParameters<DATA> | null) ?? job;
  }

  /** `single` jobs (agenda.every): one row per name; a due nextRunAt already stored is kept. */
  private async upsertSingle<DATA>(job: JobParameters<DATA>, lastModifiedBy: string | null): Promise<JobParameters<DATA>> {
    const uniqueKey = `single:${job.name}`;
    const existing = await this.findByUniqueKey(uniqueKey);
    if (!existing) {
      try {
        return await this.insertJob(job, uniqueKey, lastModifiedBy);
      } catch (error) {
        if (!(await this.findByUniqueKey(uniqueKey))) throw error; // a concurrent save inserted it: update below
      }
    }
    const current = (await this.findByUniqueKey(uniqueKey))!;
    const protectNextRunAt = job.nextRunAt && job.nextRunAt <= new Date() && current.nextRunAt;
    return this.updateDefinition({ ...job, _id: current._id, nextRunAt: protectNextRunAt ? current.nextRunAt : job.nextRunAt } as JobParameters<DATA>, lastModifiedBy);
  }

  /** `unique` jobs: one row per (name, unique query); insertOnly and debounce as Agenda defines them. */
  private async upsertUnique<DATA>(job: JobParameters<DATA>, lastModifiedBy: string | null): Promise<JobParameters<DATA>> {
    const uniqueKey = `${job.name}:${stableJson(job.unique)}`.slice(0, 255);
    const debounce = job.uniqueOpts?.debounce;
    const now = new Date();
    const existing = await this.findByUniqueKey(uniqueKey);
    if (!existing) {
      const nextRunAt = debounce && debounce.strategy !== 'leading' ? new Date(now.getTime() + debounce.delay) : job.nextRunAt;
      const toInsert = { ...job, nextRunAt, debounceStartedAt: debounce ? now : undefined };
      try {
        return await this.insertJob(toInsert, uniqueKey, lastModifiedBy);
      } catch (error) {
        if (!(await this.findByUniqueKey(uniqueKey))) throw error;
        return this.upsertUnique(job, lastModifiedBy);
      }
    }
    if (job.uniqueOpts?.insertOnly && !debounce) return existing as JobParameters<DATA>;
    let nextRunAt = job.nextRunAt;
    let debounceStartedAt: Date | undefined;
    if (debounce) {
      const startedAt = existing.debounceStartedAt ?? now;
      if (debounce.strategy === 'leading') {
        nextRunAt = existing.nextRunAt;
        debounceStartedAt = startedAt;
      } else if (debounce.maxWait && now.getTime() - startedAt.getTime() >= debounce.maxWait) {
        nextRunAt = now;
      } else {
        nextRunAt = new Date(now.getTime() + debounce.delay);
        debounceStartedAt = startedAt;
      }
    }
    await this.run('UPDATE jobs SET debounce_started_at = ? WHERE id = ?', [this.sql.time(debounceStartedAt), String(existing._id)]);
    return this.updateDefinition({ ...job, _id: existing._id, nextRunAt } as JobParameters<DATA>, lastModifiedBy);
  }

  private async findByUniqueKey(uniqueKey: string): Promise<JobParameters | null> {
    const [row] = await this.select('SELECT * FROM jobs WHERE unique_key = ?', [uniqueKey]);
    return row ? rowToJob(row) : null;
  }

  /**
   * Applies `action` to the jobs matching Agenda's remove/disable/enable options. Data is matched
   * exactly per field (`{ conversationId: 1 }` never matches conversation 12). No criteria: nothing.
   * The action always names rows by id, in id order, as every other writer takes them: a statement
   * that scanned the claim index by name would lock rows in another order and deadlock with them.
   */
  private async forMatching(options: RemoveJobsOptions, action: (where: string, params: unknown[]) => Promise<{ affected: number }>): Promise<number> {
    const conditions: string[] = [];
    const params: unknown[] = [];
    if (options.id) (conditions.push('id = ?'), params.push(String(options.id)));
    else if (options.ids?.length) (conditions.push(`id IN (${placeholders(options.ids.length)})`), params.push(...options.ids.map(String)));
    if (options.name) (conditions.push('name = ?'), params.push(options.name));
    else if (options.names?.length) (conditions.push(`name IN (${placeholders(options.names.length)})`), params.push(...options.names));
    else if (options.notNames?.length) (conditions.push(`name NOT IN (${placeholders(options.notNames.length)})`), params.push(...options.notNames));
    if (conditions.length === 0 && options.data === undefined) return 0;
    const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
    const columns = options.data === undefined ? 'id' : 'id, data';
    const candidates: { id: string; data: string }[] = await serialised(this.db, () => this.db.query(`SELECT ${columns} FROM jobs ${where}`, params));
    const ids = candidates
      .filter((row) => options.data === undefined || dataMatches(JSON.parse(row.data), options.data))
      .map((row) => row.id)
      .sort();
    let affected = 0;
    for (const chunk of chunks(ids, ID_CHUNK)) affected += (await action(`id IN (${placeholders(chunk.length)})`, chunk)).affected;
    return affected;
  }
}

function orderByOf(sort: JobsSort | undefined): string {
  const nullsLast = (column: string, direction: 'ASC' | 'DESC') => `(${column} IS NULL), ${column} ${direction}`;
  const dir = (value: unknown): 'ASC' | 'DESC' => (value === 'asc' || value === 1 || value === 'ascending' ? 'ASC' : 'DESC');
  const parts: string[] = [];
  if (sort?.nextRunAt !== undefined) parts.push(nullsLast('next_run_at', dir(sort.nextRunAt)));
  if (sort?.lastRunAt !== undefined) parts.push(nullsLast('last_run_at', dir(sort.lastRunAt)));
  if (sort?.lastFinishedAt !== undefined) parts.push(nullsLast('last_finished_at', dir(sort.lastFinishedAt)));
  if (sort?.priority !== undefined) parts.push(`priority ${dir(sort.priority)}`);
  if (sort?.name !== undefined) parts.push(`name ${dir(sort.name)}`);
  return parts.length ? parts.join(', ') : `${nullsLast('next_run_at', 'DESC')}, ${nullsLast('last_run_at', 'DESC')}`;
}

/** Escapes LIKE wildcards with `!` (a backslash means different things in MySQL and SQLite strings). */
function escapeLike(text: string): string {
  return text.replace(/[!%_]/g, (character) => `!${character}`);
}

/** Removes `ref`'s rows from `queued` in place; answers how many it removed. */
function dropRowsOfRef(queued: NewJobRow[], ref: string): number {
  const kept = queued.filter((row) => row.ref_key !== ref);
  const dropped = queued.length - kept.length;
  queued.splice(0, queued.length, ...kept);
  return dropped;
}

function chunks<T>(items: T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}
