// Batched job claims: one statement locks up to `batchSize` due jobs of a name, and Agenda's
// one-job-per-call getNextJobToRun is served from a small in-memory buffer (reference/agenda.md).
import type { JobParameters } from 'agenda';
import type { DataSource } from 'typeorm';
import { serialised } from '../db/serialised.js';
import { placeholders, rowToJob, type JobRow, type SqlValues } from './job-rows.js';

interface Buffered {
  job: JobParameters;
  claimedAtMs: number;
}

interface NameBuffer {
  jobs: Buffered[];
  inflight: Promise<void> | null;
}

export interface ClaimRequest {
  name: string;
  /** Jobs due up to this instant may be claimed (Agenda starts early ones by timer). */
  nextScanAt: Date;
  /** A lock older than this has expired (its process died): the job may be claimed again. */
  lockDeadline: Date;
  now: Date;
  lastModifiedBy: string | null;
}

/** Expired locks are rare (a process died): look for them at most this often per job name. */
const EXPIRED_SCAN_INTERVAL_MS = 250;
const RETRYABLE_LOCK_ERRORS = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT']);

/** Agenda's run order: earliest nextRunAt first (null = due now), then highest priority. */
function runOrder(a: JobParameters, b: JobParameters): number {
  const dueA = a.nextRunAt?.getTime() ?? 0;
  const dueB = b.nextRunAt?.getTime() ?? 0;
  return dueA - dueB || (b.priority ?? 0) - (a.priority ?? 0);
}

export class JobClaimer {
  private readonly buffers = new Map<string, NameBuffer>();
  private readonly lastExpiredScanMs = new Map<string, number>();

  constructor(
    private readonly db: DataSource,
    private readonly sql: SqlValues,
    private readonly batchSize: number,
    /** Buffered claims older than this are released (kept well below any lock lifetime). */
    private readonly maxBufferedMs: number,
  ) {}

  /** Hands out one claimed job, claiming a new batch when the buffer has none due in the window. */
  async next(request: ClaimRequest): Promise<JobParameters | undefined> {
    const buffer = this.bufferOf(request.name);
    const fromBuffer = () => this.take(buffer, request);
    let job = fromBuffer();
    if (job) return job;
    if (buffer.inflight) {
      await buffer.inflight;
      job = fromBuffer();
      if (job) return job;
    }
    const claim = this.claimBatch(request).then((claimed) => {
      const claimedAtMs = Date.now();
      for (const claimedJob of claimed) buffer.jobs.push({ job: claimedJob, claimedAtMs });
      buffer.jobs.sort((a, b) => runOrder(a.job, b.job));
    });
    buffer.inflight = claim;
    try {
      await claim;
    } finally {
      if (buffer.inflight === claim) buffer.inflight = null;
    }
    return fromBuffer();
  }

  /** Waits for claims in flight, then releases every buffered claim so other processes can run those jobs. */
  async releaseAll(): Promise<void> {
    await Promise.allSettled([...this.buffers.values()].map((buffer) => buffer.inflight));
    const buffered = [...this.buffers.values()].flatMap((buffer) => buffer.jobs.splice(0));
    await this.release(buffered);
  }

  private bufferOf(name: string): NameBuffer {
    let buffer = this.buffers.get(name);
    if (!buffer) this.buffers.set(name, (buffer = { jobs: [], inflight: null }));
    return buffer;
  }

  /** The best buffered job due within the window whose lock is still live by the caller's deadline. */
  private take(buffer: NameBuffer, request: ClaimRequest): JobParameters | undefined {
    const staleBefore = Date.now() - this.maxBufferedMs;
    const isStale = (entry: Buffered) => entry.claimedAtMs < staleBefore || (entry.job.lockedAt !== undefined && entry.job.lockedAt <= request.lockDeadline);
    const stale = buffer.jobs.filter(isStale);
    if (stale.length) {
      buffer.jobs = buffer.jobs.filter((entry) => !isStale(entry));
      void this.release(stale);
    }
    const index = buffer.jobs.findIndex((entry) => !entry.job.nextRunAt || entry.job.nextRunAt <= request.nextScanAt);
    return index === -1 ? undefined : buffer.jobs.splice(index, 1)[0]!.job;
  }

  /** Unlocks claims this process still holds (only if the lock is still ours). */
  private async release(entries: Buffered[]): Promise<void> {
    for (const { job } of entries) {
      await serialised(this.db, () =>
        this.db.query('UPDATE jobs SET locked_at = NULL WHERE id = ? AND locked_at = ?', [job._id, this.sql.time(job.lockedAt)]),
      ).catch(() => undefined);
    }
  }

  private async claimBatch(request: ClaimRequest): Promise<JobParameters[]> {
    const rows = this.sql.isSqlite ? await this.claimOnSqlite(request) : await this.claimOnMysqlWithRetry(request);
    return rows.map((row) => rowToJob(row));
  }

  /** A deadlock against a concurrent state write rolls the claim back whole: try again. */
  private async claimOnMysqlWithRetry(request: ClaimRequest): Promise<JobRow[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.claimOnMysql(request);
      } catch (error) {
        const code = (error as { driverError?: { code?: string } }).driverError?.code ?? '';
        if (attempt >= 3 || !RETRYABLE_LOCK_ERRORS.has(code)) throw error;
      }
    }
  }

  private shouldScanExpired(name: string): boolean {
    const now = Date.now();
    if (now - (this.lastExpiredScanMs.get(name) ?? 0) < EXPIRED_SCAN_INTERVAL_MS) return false;
    this.lastExpiredScanMs.set(name, now);
    return true;
  }

  /**
   * MariaDB/MySQL: SELECT … FOR UPDATE SKIP LOCKED under READ COMMITTED, so concurrent claimers in
   * any number of processes skip each other's rows instead of waiting, then one UPDATE locks them.
   * ORDER BY next_run_at only: it follows the claim index, so the scan stops after LIMIT rows.
   * Adding priority would filesort — and lock — every due row, starving other claimers
   * (reference/agenda.md); priority is applied within the batch instead.
   */
  private async claimOnMysql(request: ClaimRequest): Promise<JobRow[]> {
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction('READ COMMITTED');
      // Candidates by the claim index without locking, then locked by primary key. Locking through
      // the secondary index made InnoDB skip due, unlocked rows for many seconds when the machine
      // was CPU-starved (its implicit-lock check on secondary records is conservative while purge lags).
      const lockCandidates = async (candidates: { id: string }[], stillClaimable: string, values: unknown[]): Promise<JobRow[]> =>
        candidates.length === 0
          ? []
          : runner.query(`SELECT * FROM jobs WHERE id IN (${placeholders(candidates.length)}) AND disabled = 0 AND ${stillClaimable} FOR UPDATE SKIP LOCKED`, [
              ...candidates.map((row) => row.id),
              ...values,
            ]);
      const nextScanAt = this.sql.time(request.nextScanAt);
      const due = await lockCandidates(
        await runner.query(`SELECT id FROM jobs WHERE name = ? AND disabled = 0 AND locked_at IS NULL AND next_run_at <= ? ORDER BY next_run_at LIMIT ${this.batchSize}`, [request.name, nextScanAt]),
        'locked_at IS NULL AND next_run_at <= ?',
        [nextScanAt],
      );
      const lockDeadline = this.sql.time(request.lockDeadline);
      const expired: JobRow[] =
        due.length < this.batchSize && this.shouldScanExpired(request.name)
          ? await lockCandidates(
              await runner.query(`SELECT id FROM jobs WHERE name = ? AND disabled = 0 AND locked_at <= ? ORDER BY locked_at LIMIT ${this.batchSize - due.length}`, [request.name, lockDeadline]),
              'locked_at <= ?',
              [lockDeadline],
            )
          : [];
      const rows = [...due, ...expired];
      if (rows.length > 0) {
        await runner.query(`UPDATE jobs SET locked_at = ?, last_modified_by = ? WHERE id IN (${placeholders(rows.length)})`, [
          this.sql.time(request.now),
          request.lastModifiedBy,
          ...rows.map((row) => row.id),
        ]);
      }
      await runner.commitTransaction();
      return rows.map((row) => ({ ...row, locked_at: request.now, last_modified_by: request.lastModifiedBy }));
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  /** SQLite: one writer, so a single UPDATE … RETURNING is the whole claim. */
  private claimOnSqlite(request: ClaimRequest): Promise<JobRow[]> {
    return serialised(this.db, () =>
      this.db.query(
        `UPDATE jobs SET locked_at = ?, last_modified_by = ? WHERE id IN (
           SELECT id FROM jobs WHERE name = ? AND disabled = 0
             AND ((locked_at IS NULL AND next_run_at <= ?) OR locked_at <= ?)
           ORDER BY next_run_at, priority DESC LIMIT ${this.batchSize}
         ) RETURNING *`,
        [
          this.sql.time(request.now),
          request.lastModifiedBy,
          request.name,
          this.sql.time(request.nextScanAt),
          this.sql.time(request.lockDeadline),
        ],
      ),
    );
  }
}
