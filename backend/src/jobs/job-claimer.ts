// Batched job claims: one statement locks as many due jobs of a name as this process can start now,
// and Agenda's one-job-per-call getNextJobToRun is served from a small in-memory buffer
// (reference/agenda.md). A buffered claim is re-checked against its row when it is handed out late.
import type { JobParameters } from 'agenda';
import type { DataSource } from 'typeorm';
import { serialised } from '../db/serialised.js';
import { UNLIMITED_CAPACITY, type ClaimCapacity } from './claim-capacity.js';
import { placeholders, rowToJob, type JobRow, type SqlValues } from './job-rows.js';
import { withLockRetry } from './lock-retry.js';
import { execute } from './sql-exec.js';

interface Buffered {
  job: JobParameters;
  claimedAtMs: number;
  /** The lock and the row's columns as claimed (raw values): a late hand-out checks the row still has them. */
  claimed: { lockedAt: Date | string | null; nextRunAt: Date | string | null; data: string };
}

interface NameBuffer {
  jobs: Buffered[];
  inflight: Promise<void> | null;
  /** Slots promised to claims in flight. */
  claiming: number;
  /**
   * Jobs handed out but maybe not yet in Agenda's count of locked jobs: it adds each a few
   * microtasks later, before its fill chain asks again, so this resets on the next call or tick.
   */
  handingOut: number;
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

export interface JobClaimerOptions {
  batchSize: number;
  /** Claims still buffered after this long are released for any process to take. */
  maxBufferedMs: number;
  /** How many jobs this process can start now; claims never take more. */
  capacity?: ClaimCapacity;
}

/** Expired locks are rare (a process died): look for them at most this often per job name. */
const EXPIRED_SCAN_INTERVAL_MS = 250;
/**
 * A claim handed out this soon after its statement is as current as the statement itself (the same
 * race remains between hand-out and run); later ones are re-checked against their row first.
 */
const FRESH_CLAIM_MS = 100;

/** Agenda's run order: earliest nextRunAt first (null = due now), then highest priority. */
function runOrder(a: JobParameters, b: JobParameters): number {
  const dueA = a.nextRunAt?.getTime() ?? 0;
  const dueB = b.nextRunAt?.getTime() ?? 0;
  return dueA - dueB || (b.priority ?? 0) - (a.priority ?? 0);
}

export class JobClaimer {
  private readonly buffers = new Map<string, NameBuffer>();
  private readonly lastExpiredScanMs = new Map<string, number>();
  private readonly capacity: ClaimCapacity;
  private leftoverTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: DataSource,
    private readonly sql: SqlValues,
    private readonly options: JobClaimerOptions,
  ) {
    this.capacity = options.capacity ?? UNLIMITED_CAPACITY;
  }

  /** Hands out one claimed job, claiming a new batch (no larger than what can start now) when none is buffered. */
  async next(request: ClaimRequest): Promise<JobParameters | undefined> {
    const buffer = this.bufferOf(request.name);
    buffer.handingOut = 0;
    let job = await this.take(buffer, request);
    if (!job && buffer.inflight) {
      await buffer.inflight;
      job = await this.take(buffer, request);
    }
    if (!job) {
      const room = await this.roomAfterOtherClaims(request.name, buffer);
      if (room === 0) return undefined;
      await this.claimInto(buffer, request, room);
      job = await this.take(buffer, request);
    }
    if (job) this.markHandingOut(buffer);
    return job;
  }

  /** Waits for claims in flight, then releases every buffered claim so other processes can run those jobs. */
  async releaseAll(): Promise<void> {
    await Promise.allSettled([...this.buffers.values()].map((buffer) => buffer.inflight));
    if (this.leftoverTimer) clearTimeout(this.leftoverTimer);
    this.leftoverTimer = null;
    const buffered = [...this.buffers.values()].flatMap((buffer) => buffer.jobs.splice(0));
    await this.release(buffered);
  }

  private bufferOf(name: string): NameBuffer {
    let buffer = this.buffers.get(name);
    if (!buffer) this.buffers.set(name, (buffer = { jobs: [], inflight: null, claiming: 0, handingOut: 0 }));
    return buffer;
  }

  private held(buffer: NameBuffer): number {
    return buffer.jobs.length + buffer.claiming + buffer.handingOut;
  }

  /** Jobs of `name` one claim may lock: what the process can start now, less what is buffered or being claimed. */
  private roomFor(name: string): number {
    const free = this.capacity.free(name);
    let heldInAll = 0;
    for (const buffer of this.buffers.values()) heldInAll += this.held(buffer);
    const room = Math.min(this.options.batchSize, free.total - heldInAll, free.ofName - this.held(this.bufferOf(name)));
    return Math.max(0, Math.floor(room));
  }

  /**
   * The room for a claim of `name`. Agenda fills every name's queue at once, and each claim in flight
   * reserves a whole batch: room taken only by other names' reservations is waited for (their claims
   * end in milliseconds), or the names asked last would find none on every tick and never run.
   */
  private async roomAfterOtherClaims(name: string, own: NameBuffer): Promise<number> {
    for (;;) {
      const room = this.roomFor(name);
      const others = [...this.buffers.values()].filter((buffer) => buffer !== own && buffer.claiming > 0 && buffer.inflight);
      if (room > 0 || others.length === 0) return room;
      await Promise.allSettled(others.map((buffer) => buffer.inflight));
    }
  }

  private markHandingOut(buffer: NameBuffer): void {
    if (buffer.handingOut++ === 0) setImmediate(() => (buffer.handingOut = 0));
  }

  private async claimInto(buffer: NameBuffer, request: ClaimRequest, room: number): Promise<void> {
    buffer.claiming += room;
    const claim = this.claimBatch(request, room)
      .then((claimed) => {
        const claimedAtMs = Date.now();
        for (const entry of claimed) buffer.jobs.push({ ...entry, claimedAtMs });
        buffer.jobs.sort((a, b) => runOrder(a.job, b.job));
        if (buffer.jobs.length) this.scheduleLeftoverRelease();
      })
      .finally(() => (buffer.claiming -= room));
    buffer.inflight = claim;
    try {
      await claim;
    } finally {
      if (buffer.inflight === claim) buffer.inflight = null;
    }
  }

  /** The best buffered job due within the window whose lock is live by the caller's deadline and whose row is unchanged. */
  private async take(buffer: NameBuffer, request: ClaimRequest): Promise<JobParameters | undefined> {
    for (;;) {
      const isStale = (entry: Buffered) => entry.job.lockedAt !== undefined && entry.job.lockedAt <= request.lockDeadline;
      const stale = buffer.jobs.filter(isStale);
      if (stale.length) {
        buffer.jobs = buffer.jobs.filter((entry) => !isStale(entry));
        void this.release(stale);
      }
      const index = buffer.jobs.findIndex((entry) => !entry.job.nextRunAt || entry.job.nextRunAt <= request.nextScanAt);
      if (index === -1) return undefined;
      const [entry] = buffer.jobs.splice(index, 1);
      if (Date.now() - entry!.claimedAtMs <= FRESH_CLAIM_MS) return entry!.job;
      const revalidated = await this.revalidate(entry!);
      if (revalidated) return revalidated;
    }
  }

  /**
   * Re-locks a buffered claim only if its row is as claimed: same lock, data and nextRunAt, not
   * disabled. A job deleted, disabled, or rescheduled and edited meanwhile is dropped and its lock
   * released, so the row keeps its new schedule and runs with its new data when that comes.
   */
  private async revalidate(entry: Buffered): Promise<JobParameters | undefined> {
    const lockedAt = new Date();
    const { claimed } = entry;
    const { affected } = await withLockRetry(() =>
      serialised(this.db, () =>
        execute(
          this.db,
          `UPDATE jobs SET locked_at = ? WHERE id = ? AND locked_at = ? AND disabled = 0 AND data = ?
             AND (next_run_at = ? OR (next_run_at IS NULL AND ? IS NULL))`,
          [this.sql.time(lockedAt), String(entry.job._id), claimed.lockedAt, claimed.data, claimed.nextRunAt, claimed.nextRunAt],
        ),
      ),
    );
    if (affected === 1) return { ...entry.job, lockedAt };
    await this.release([entry]);
    return undefined;
  }

  /** Releases claims left in the buffer (Agenda stopped asking): at once, for any process to take. */
  private scheduleLeftoverRelease(): void {
    if (this.leftoverTimer) return;
    this.leftoverTimer = setTimeout(() => {
      this.leftoverTimer = null;
      const before = Date.now() - this.options.maxBufferedMs;
      const leftovers: Buffered[] = [];
      for (const buffer of this.buffers.values()) {
        leftovers.push(...buffer.jobs.filter((entry) => entry.claimedAtMs <= before));
        buffer.jobs = buffer.jobs.filter((entry) => entry.claimedAtMs > before);
      }
      void this.release(leftovers);
      if ([...this.buffers.values()].some((buffer) => buffer.jobs.length)) this.scheduleLeftoverRelease();
    }, this.options.maxBufferedMs);
    this.leftoverTimer.unref();
  }

  /** Unlocks claims this process still holds (only where the lock is still ours). */
  private async release(entries: Buffered[]): Promise<void> {
    const inLockOrder = [...entries].sort((a, b) => (String(a.job._id) < String(b.job._id) ? -1 : 1));
    for (const { job, claimed } of inLockOrder) {
      await withLockRetry(() =>
        serialised(this.db, () => this.db.query('UPDATE jobs SET locked_at = NULL WHERE id = ? AND locked_at = ?', [job._id, claimed.lockedAt])),
      ).catch(() => undefined); // not released: the lock expires after its lifetime
    }
  }

  private async claimBatch(request: ClaimRequest, limit: number): Promise<Omit<Buffered, 'claimedAtMs'>[]> {
    const rows = this.sql.isSqlite ? await this.claimOnSqlite(request, limit) : await withLockRetry(() => this.claimOnMysql(request, limit));
    return rows.map((row) => ({ job: rowToJob(row), claimed: { lockedAt: row.locked_at, nextRunAt: row.next_run_at, data: row.data } }));
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
  private async claimOnMysql(request: ClaimRequest, limit: number): Promise<JobRow[]> {
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
              ...candidates.map((row) => row.id).sort(),
              ...values,
            ]);
      const nextScanAt = this.sql.time(request.nextScanAt);
      const due = await lockCandidates(
        await runner.query(`SELECT id FROM jobs WHERE name = ? AND disabled = 0 AND locked_at IS NULL AND next_run_at <= ? ORDER BY next_run_at LIMIT ${limit}`, [request.name, nextScanAt]),
        'locked_at IS NULL AND next_run_at <= ?',
        [nextScanAt],
      );
      const lockDeadline = this.sql.time(request.lockDeadline);
      const expired: JobRow[] =
        due.length < limit && this.shouldScanExpired(request.name)
          ? await lockCandidates(
              await runner.query(`SELECT id FROM jobs WHERE name = ? AND disabled = 0 AND locked_at <= ? ORDER BY locked_at LIMIT ${limit - due.length}`, [request.name, lockDeadline]),
              'locked_at <= ?',
              [lockDeadline],
            )
          : [];
      const rows = [...due, ...expired];
      if (rows.length > 0) {
        await runner.query(`UPDATE jobs SET locked_at = ?, last_modified_by = ? WHERE id IN (${placeholders(rows.length)})`, [
          this.sql.time(request.now),
          request.lastModifiedBy,
          ...rows.map((row) => row.id).sort(),
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
  private claimOnSqlite(request: ClaimRequest, limit: number): Promise<JobRow[]> {
    return serialised(this.db, () =>
      this.db.query(
        `UPDATE jobs SET locked_at = ?, last_modified_by = ? WHERE id IN (
           SELECT id FROM jobs WHERE name = ? AND disabled = 0
             AND ((locked_at IS NULL AND next_run_at <= ?) OR locked_at <= ?)
           ORDER BY next_run_at, priority DESC LIMIT ${limit}
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
