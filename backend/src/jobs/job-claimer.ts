// Batched job claims: one statement locks as many due jobs of a name as this process can start now,
// and Agenda's one-job-per-call getNextJobToRun is served from a small in-memory buffer
// (reference/agenda.md). A buffered claim is re-checked against its row when it is handed out late.
import type { JobParameters } from 'agenda';
import type { DataSource } from 'typeorm';
import { serialised } from '../db/serialised.js';
import { UNLIMITED_CAPACITY, type ClaimCapacity } from './claim-capacity.js';
import { isDatabaseUnreachable } from '../db/errors.js';
import { retryWhileUnreachable } from './unreachable-retry.js';
import { parseTime, placeholders, rowToJob, type JobRow, type SqlValues } from './job-rows.js';
import { withLockRetry } from './lock-retry.js';
import { execute } from './sql-exec.js';

interface Buffered {
  job: JobParameters;
  claimedAtMs: number;
  /** Until when releasing this claim is worth retrying while the database is unreachable (lockSafeUntilMs). */
  lockSafeUntilMs: number;
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
  /** Wakes Agenda when the earliest job held for its due time is due (see `onDue`). */
  dueTimer: { timer: NodeJS.Timeout; atMs: number } | null;
  /** The last claim of the name: when, the notifications counted then, and whether it took as many as it could. */
  lastClaim: { atMs: number; notifications: number; full: boolean } | null;
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
  /**
   * Called when a claimed job held for its due time is due: the engine asks Agenda to fill its queue.
   * With it, jobs are handed to Agenda only when (nearly) due; without it, up to the request's window
   * ahead (Agenda keeps those in its own queue with a timer each).
   */
  onDue?: (name: string) => void;
}

/**
 * Until when a lock taken at `lockedAt` is still this process's to write under (95 % of the lock
 * lifetime, `now - lockDeadline` in Agenda's request): past it another process may claim the job.
 */
export function lockSafeUntilMs(lockedAt: Date, request: Pick<ClaimRequest, 'now' | 'lockDeadline'>): number {
  return lockedAt.getTime() + (request.now.getTime() - request.lockDeadline.getTime()) * 0.95;
}

/** While jobs are held for their due time, a claim that was not full covers the fills of this long after it. */
const RECENT_CLAIM_MS = 100;

/** Expired locks are rare (a process died): look for them at most this often per job name. */
const EXPIRED_SCAN_INTERVAL_MS = 250;
/**
 * A claim handed out this soon after its statement is as current as the statement itself (the same
 * race remains between hand-out and run); later ones are re-checked against their row first.
 */
const FRESH_CLAIM_MS = 100;

/** Since when a buffered claim has been waiting to be handed out: its claim, or its due time if later. */
const heldSinceMs = (entry: Buffered): number => Math.max(entry.claimedAtMs, entry.job.nextRunAt?.getTime() ?? 0);

/** The columns a buffered claim is checked against when handed out late, as the claim left them. */
const claimedColumns = (row: JobRow): Buffered['claimed'] => ({ lockedAt: row.locked_at, nextRunAt: row.next_run_at, data: row.data });

/** A candidate's due instant (ms); the query only returns rows with one. */
const dueMs = (value: Date | string): number => parseTime(value)!.getTime();

/** Agenda's run order: earliest nextRunAt first (null = due now), then highest priority. */
function runOrder(a: JobParameters, b: JobParameters): number {
  const dueA = a.nextRunAt?.getTime() ?? 0;
  const dueB = b.nextRunAt?.getTime() ?? 0;
  return dueA - dueB || (b.priority ?? 0) - (a.priority ?? 0);
}

/**
 * What the last claim of a name saw: no unlocked job of it due before `nothingDueBeforeMs`. Valid
 * until a notification of the name arrives (a job was committed, `notifications` moves on) or a
 * request scans to that instant; until then a claim would find nothing, and is not sent.
 */
interface Drained {
  nothingDueBeforeMs: number;
  notifications: number;
}

/**
 * How far past the requested window a claim's candidate query looks, to learn when the next job is
 * due. A job that becomes claimable without a notification (released by a stopping process, or
 * rescheduled by a retry) waits at most this much longer than a poll would have found it.
 */
const LOOK_AHEAD_MS = 250;

export class JobClaimer {
  private readonly buffers = new Map<string, NameBuffer>();
  private readonly drained = new Map<string, Drained>();
  private readonly notificationsByName = new Map<string, number>();
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

  /**
   * A job of `name` was committed (or announced): the next claim must ask the database. Called
   * before Agenda hears the notification, so its queue fill never trusts an older "nothing due".
   */
  noteNotification(name: string): void {
    this.notificationsByName.set(name, (this.notificationsByName.get(name) ?? 0) + 1);
  }

  /** Hands out one claimed job, claiming a new batch (no larger than what can start now) when none is buffered. */
  async next(request: ClaimRequest): Promise<JobParameters | undefined> {
    const buffer = this.bufferOf(request.name);
    buffer.handingOut = 0;
    const job = await this.takeOrClaim(buffer, request);
    if (job) this.markHandingOut(buffer);
    // Whatever this call handed out, jobs still held for their due time wake Agenda then.
    this.armDueTimer(request.name, buffer);
    return job;
  }

  private async takeOrClaim(buffer: NameBuffer, request: ClaimRequest): Promise<JobParameters | undefined> {
    const job = (await this.take(buffer, request)) ?? (buffer.inflight ? await buffer.inflight.then(() => this.take(buffer, request)) : undefined);
    if (job) return job;
    // Every fill of Agenda's queue asks until a claim comes back empty, and every notification starts
    // a fill: most claims would find nothing. Known empty ones are answered here (expired locks are
    // still looked for on their own schedule).
    if (this.knownEmpty(request) || this.coveredByRecentClaim(request.name, buffer)) return undefined;
    const room = await this.roomAfterOtherClaims(request.name, buffer);
    if (room === 0) return undefined;
    await this.claimInto(buffer, request, room);
    return this.take(buffer, request);
  }


  /** Waits for claims in flight, then releases every buffered claim so other processes can run those jobs. */
  async releaseAll(): Promise<void> {
    await Promise.allSettled([...this.buffers.values()].map((buffer) => buffer.inflight));
    if (this.leftoverTimer) clearTimeout(this.leftoverTimer);
    this.leftoverTimer = null;
    for (const buffer of this.buffers.values()) this.clearDueTimer(buffer);
    const buffered = [...this.buffers.values()].flatMap((buffer) => buffer.jobs.splice(0));
    await this.release(buffered);
  }

  /**
   * Jobs are held for their due time (onDue) and the last claim of the name, less than
   * RECENT_CLAIM_MS ago with no notification since, was not full: it took every job due within its
   * window, which reaches past the jobs held. Each due job wakes a fill; without this, every fill
   * sent a claim (1.7 claims per job at 333 jobs/s instead of ~0.5).
   */
  private coveredByRecentClaim(name: string, buffer: NameBuffer): boolean {
    const last = buffer.lastClaim;
    if (!this.options.onDue || buffer.jobs.length === 0 || !last || last.full) return false;
    return Date.now() - last.atMs < RECENT_CLAIM_MS && last.notifications === (this.notificationsByName.get(name) ?? 0);
  }

  private knownEmpty(request: ClaimRequest): boolean {
    const drained = this.drained.get(request.name);
    if (!drained || drained.notifications !== (this.notificationsByName.get(request.name) ?? 0)) return false;
    if (request.nextScanAt.getTime() >= drained.nothingDueBeforeMs) return false;
    return !this.shouldScanExpiredSoon(request.name);
  }

  private bufferOf(name: string): NameBuffer {
    let buffer = this.buffers.get(name);
    if (!buffer) this.buffers.set(name, (buffer = { jobs: [], inflight: null, claiming: 0, handingOut: 0, dueTimer: null, lastClaim: null }));
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
    const notifications = this.notificationsByName.get(request.name) ?? 0;
    const claim = this.claimBatch(request, room)
      .then((claimed) => {
        buffer.lastClaim = { atMs: Date.now(), notifications, full: claimed.length >= room };
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
      const handOutByMs = this.options.onDue ? Math.min(request.nextScanAt.getTime(), Date.now()) : request.nextScanAt.getTime();
      const index = buffer.jobs.findIndex((entry) => !entry.job.nextRunAt || entry.job.nextRunAt.getTime() <= handOutByMs);
      if (index === -1) return undefined;
      const [entry] = buffer.jobs.splice(index, 1);
      // Held for its due time, a claim is as Agenda's queue would have held it: fresh from when it became due.
      if (Date.now() - heldSinceMs(entry!) <= FRESH_CLAIM_MS) return entry!.job;
      const revalidated = await this.revalidate(entry!).catch((error: unknown) => {
        // Still claimed by us (the database did not answer): kept, for a later hand-out or release.
        buffer.jobs.push(entry!);
        buffer.jobs.sort((a, b) => runOrder(a.job, b.job));
        this.scheduleLeftoverRelease();
        throw error;
      });
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

  /**
   * Arms one timer for the earliest buffered job not yet handed out: Agenda is woken when it is due,
   * and `take` hands out only jobs already due (issue 13). Agenda walks its whole queue of not-yet-due
   * jobs each time one of their timers fires (setImmediate per job, skipping handled ones by array
   * search): with ~170 held at 333 jobs/s that cost 4 ms of CPU per job. And a job handed out even a
   * few ms early can stall: Agenda arms one timer per job (`gotTimerToExecute`), and when that timer
   * fires a millisecond before `nextRunAt` (timers run on the event loop's cached clock) the job is
   * queued again with no timer, until Agenda's next scan — up to processEvery (500 ms) late. A
   * sequential probe saw 3 of 16 cadence sends start 120–340 ms late that way.
   */
  private armDueTimer(name: string, buffer: NameBuffer): void {
    const onDue = this.options.onDue;
    const atMs = buffer.jobs[0]?.job.nextRunAt?.getTime();
    if (!onDue || atMs === undefined) return;
    if (buffer.dueTimer && buffer.dueTimer.atMs <= atMs) return;
    this.clearDueTimer(buffer);
    const timer = setTimeout(() => {
      buffer.dueTimer = null;
      // A timer may fire a little before the wall clock reaches its time: a fill now would find nothing due.
      if (Date.now() < atMs) this.armDueTimer(name, buffer);
      else onDue(name);
    }, Math.max(0, atMs - Date.now()));
    timer.unref();
    buffer.dueTimer = { timer, atMs };
  }

  private clearDueTimer(buffer: NameBuffer): void {
    if (buffer.dueTimer) clearTimeout(buffer.dueTimer.timer);
    buffer.dueTimer = null;
  }

  /** Releases claims left in the buffer (Agenda stopped asking): at once, for any process to take. */
  private scheduleLeftoverRelease(): void {
    if (this.leftoverTimer) return;
    this.leftoverTimer = setTimeout(() => {
      this.leftoverTimer = null;
      const before = Date.now() - this.options.maxBufferedMs;
      const leftovers: Buffered[] = [];
      for (const buffer of this.buffers.values()) {
        leftovers.push(...buffer.jobs.filter((entry) => heldSinceMs(entry) <= before));
        buffer.jobs = buffer.jobs.filter((entry) => heldSinceMs(entry) > before);
      }
      void this.release(leftovers);
      if ([...this.buffers.values()].some((buffer) => buffer.jobs.length)) this.scheduleLeftoverRelease();
    }, this.options.maxBufferedMs);
    this.leftoverTimer.unref();
  }

  /**
   * Unlocks claims this process still holds (only where the lock is still ours). While the database
   * is unreachable this waits for it, as long as the lock is ours: otherwise the jobs would wait for
   * their lock to expire (60 s) once it is back.
   */
  private async release(entries: Pick<Buffered, 'job' | 'claimed' | 'lockSafeUntilMs'>[]): Promise<void> {
    const inLockOrder = [...entries].sort((a, b) => (String(a.job._id) < String(b.job._id) ? -1 : 1));
    for (const { job, claimed, lockSafeUntilMs: untilMs } of inLockOrder) {
      const unlock = () => serialised(this.db, () => this.db.query('UPDATE jobs SET locked_at = NULL WHERE id = ? AND locked_at = ?', [job._id, claimed.lockedAt]));
      await retryWhileUnreachable(() => withLockRetry(unlock), untilMs).catch(() => undefined); // not released: the lock expires after its lifetime
      this.noteNotification(job.name); // claimable again, and no notification says so
    }
  }

  private async claimBatch(request: ClaimRequest, limit: number): Promise<Omit<Buffered, 'claimedAtMs'>[]> {
    const notifications = this.notificationsByName.get(request.name) ?? 0;
    this.drained.delete(request.name);
    const rows = this.sql.isSqlite
      ? await this.claimOnSqlite(request, limit)
      : await withLockRetry(() => this.claimOnMysql(request, limit, (nothingDueBeforeMs) => this.drained.set(request.name, { nothingDueBeforeMs, notifications })));
    return rows.map((row) => ({ job: rowToJob(row), claimed: claimedColumns(row), lockSafeUntilMs: lockSafeUntilMs(request.now, request) }));
  }

  private shouldScanExpiredSoon(name: string): boolean {
    return Date.now() - (this.lastExpiredScanMs.get(name) ?? 0) >= EXPIRED_SCAN_INTERVAL_MS;
  }

  private shouldScanExpired(name: string): boolean {
    if (!this.shouldScanExpiredSoon(name)) return false;
    this.lastExpiredScanMs.set(name, Date.now());
    return true;
  }

  /**
   * MariaDB/MySQL: candidates by the claim index, read without locking and outside any transaction
   * (most claims find none: every fill of Agenda's queue ends with one that is empty, so an empty
   * claim costs one statement, not a transaction of four). Candidates are then locked by primary key
   * with SELECT … FOR UPDATE SKIP LOCKED under READ COMMITTED — concurrent claimers in any number of
   * processes skip each other's rows instead of waiting — re-checked as still claimable, and one
   * UPDATE locks them. ORDER BY next_run_at only: it follows the claim index, so the scan stops after
   * LIMIT rows. Adding priority would filesort — and lock — every due row, starving other claimers
   * (reference/agenda.md); priority is applied within the batch instead.
   */
  private async claimOnMysql(request: ClaimRequest, limit: number, sawNothingDueBefore: (ms: number) => void): Promise<JobRow[]> {
    const nextScanAt = this.sql.time(request.nextScanAt);
    const lockDeadline = this.sql.time(request.lockDeadline);
    const ids = (rows: { id: string }[]) => rows.map((row) => row.id);
    const lookAheadUntilMs = request.nextScanAt.getTime() + LOOK_AHEAD_MS;
    const candidates: { id: string; next_run_at: Date | string }[] = await this.db.query(
      `SELECT id, next_run_at FROM jobs WHERE name = ? AND disabled = 0 AND locked_at IS NULL AND next_run_at <= ? ORDER BY next_run_at LIMIT ${limit}`,
      [request.name, this.sql.time(new Date(lookAheadUntilMs))],
    );
    const due = ids(candidates.filter((row) => dueMs(row.next_run_at) <= request.nextScanAt.getTime()));
    // Fewer than asked: every unlocked job due before the look-ahead's end (or the first one beyond
    // the window) is in hand, so until then an empty claim needs no statement.
    if (candidates.length < limit || due.length < candidates.length) {
      const firstBeyond = candidates.find((row) => dueMs(row.next_run_at) > request.nextScanAt.getTime());
      sawNothingDueBefore(firstBeyond ? dueMs(firstBeyond.next_run_at) : lookAheadUntilMs);
    }
    const expired =
      due.length < limit && this.shouldScanExpired(request.name)
        ? ids(await this.db.query(`SELECT id FROM jobs WHERE name = ? AND disabled = 0 AND locked_at <= ? ORDER BY locked_at LIMIT ${limit - due.length}`, [request.name, lockDeadline]))
        : [];
    if (due.length === 0 && expired.length === 0) return [];

    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction('READ COMMITTED');
      // Locked by primary key, not through the claim index: locking through the secondary index made
      // InnoDB skip due, unlocked rows for many seconds when the machine was CPU-starved (its
      // implicit-lock check on secondary records is conservative while purge lags).
      const lockCandidates = async (candidates: string[], stillClaimable: string, values: unknown[]): Promise<JobRow[]> =>
        candidates.length === 0
          ? []
          : runner.query(`SELECT * FROM jobs WHERE id IN (${placeholders(candidates.length)}) AND disabled = 0 AND ${stillClaimable} FOR UPDATE SKIP LOCKED`, [...[...candidates].sort(), ...values]);
      const rows = [
        ...(await lockCandidates(due, 'locked_at IS NULL AND next_run_at <= ?', [nextScanAt])),
        ...(await lockCandidates(expired, 'locked_at <= ?', [lockDeadline])),
      ];
      if (rows.length > 0) {
        await runner.query(`UPDATE jobs SET locked_at = ?, last_modified_by = ? WHERE id IN (${placeholders(rows.length)})`, [
          this.sql.time(request.now),
          request.lastModifiedBy,
          ...rows.map((row) => row.id).sort(),
        ]);
      }
      const claimedRows = rows.map((row) => ({ ...row, locked_at: request.now, last_modified_by: request.lastModifiedBy }));
      await runner.commitTransaction().catch((error: unknown) => {
        // The connection died with the COMMIT: the server may have committed it, locking rows this
        // process does not hold. Unlock those (still at this claim's lock) once the database answers.
        if (isDatabaseUnreachable(error)) void this.release(claimedRows.map((row) => ({ job: rowToJob(row), claimed: claimedColumns(row), lockSafeUntilMs: lockSafeUntilMs(request.now, request) })));
        throw error;
      });
      return claimedRows;
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
