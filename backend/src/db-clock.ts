// Baton's clock read from the database (issue 11, item 4): the process clock plus an offset measured
// against the database's time, so facts written by different backend processes (customer message,
// agent reply, takeover) compare in one time. Reading it costs no statement; it recalibrates every 30 s.
import type { DataSource } from 'typeorm';
import type { Clock } from './clock.js';
import { dialectOf } from './db/data-source.js';
import type { Logger } from './logger.js';

/** The database's current instant in epoch milliseconds. */
export type DatabaseTimeReader = () => Promise<number>;

// UTC_TIMESTAMP and plain DATETIME arithmetic: no session time zone (or its DST fold) takes part.
const MYSQL_NOW_MICROS = "SELECT TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', UTC_TIMESTAMP(6)) AS micros";
// julianday('now') has millisecond precision; 2440587.5 is the Julian day of 1970-01-01T00:00Z.
const SQLITE_NOW_MILLIS = "SELECT (julianday('now') - 2440587.5) * 86400000.0 AS millis";

function finiteNumber(value: unknown, query: string): number {
  const number = Number(value);
  if (value === null || value === undefined || !Number.isFinite(number)) throw new Error(`The database answered ${String(value)} to ${query}`);
  return number;
}

/** Asks MariaDB/MySQL (or the embedded SQLite) for its time. */
export function databaseTimeReader(db: DataSource): DatabaseTimeReader {
  if (dialectOf(db) === 'sqlite') return async () => finiteNumber((await db.query(SQLITE_NOW_MILLIS))[0]?.millis, SQLITE_NOW_MILLIS);
  return async () => finiteNumber((await db.query(MYSQL_NOW_MICROS))[0]?.micros, MYSQL_NOW_MICROS) / 1000;
}

/** One measurement: what to add to the base clock to read database time, and the round trip it took. */
export interface ClockSample {
  offsetMs: number;
  /** The error of `offsetMs` is at most half of this. */
  roundTripMs: number;
}

/** Assumes the database read its clock halfway through the round trip (the NTP estimate). */
export async function sampleOffset(read: DatabaseTimeReader, base: Clock): Promise<ClockSample> {
  const sentAt = base.now().getTime();
  const databaseMs = await read();
  const receivedAt = base.now().getTime();
  return { offsetMs: databaseMs - (sentAt + receivedAt) / 2, roundTripMs: receivedAt - sentAt };
}

export interface DatabaseClock extends Clock {
  /** The offset in use, the round trip it was measured with, and when (base clock). */
  calibration(): ClockSample & { measuredAt: Date };
  /** Measures again (the timer does this every `intervalMs`); on failure keeps the last offset and logs. */
  recalibrate(): Promise<void>;
  /** Stops the timer; call before the database closes. */
  stop(): void;
}

export interface DatabaseClockOptions {
  /** Time between recalibrations; 30 s by default. */
  intervalMs?: number;
  /** Samples per measurement; the one with the smallest round trip is kept. */
  samples?: number;
}

const DEFAULT_INTERVAL_MS = 30_000;
const DEFAULT_SAMPLES = 3;
/** A slower answer says more about a busy pool than about the clock: such a recalibration is skipped. */
const MAX_TRUSTED_ROUND_TRIP_MS = 1000;
/** A recalibration's jitter never moves time back; a larger step back is a real clock correction. */
const MAX_HELD_BACK_MS = 1000;

async function measure(read: DatabaseTimeReader, base: Clock, samples: number): Promise<ClockSample> {
  let best: ClockSample | null = null;
  let lastError: unknown = null;
  for (let index = 0; index < samples; index++) {
    try {
      const sample = await sampleOffset(read, base);
      if (!best || sample.roundTripMs < best.roundTripMs) best = sample;
    } catch (error) {
      lastError = error;
    }
  }
  if (!best) throw lastError;
  return best;
}

/**
 * A clock that reads `base` plus the offset to the database's time: measured now (throws when the
 * database does not answer), then every `intervalMs`. `now()` never steps back by a recalibration's jitter.
 * @example const clock = await calibratedClock(databaseTimeReader(db), systemClock, log); clock.now()
 */
export async function calibratedClock(read: DatabaseTimeReader, base: Clock, log: Logger, options: DatabaseClockOptions = {}): Promise<DatabaseClock> {
  const samples = options.samples ?? DEFAULT_SAMPLES;
  let current = { ...(await measure(read, base, samples)), measuredAt: base.now() };
  log.info({ offsetMs: Math.round(current.offsetMs), roundTripMs: current.roundTripMs }, 'clock calibrated against the database (Baton time = this process clock + offsetMs)');
  if (current.roundTripMs > MAX_TRUSTED_ROUND_TRIP_MS) log.warn({ roundTripMs: current.roundTripMs }, 'the database answered slowly: the clock offset may be off by half that round trip');

  let lastReadingMs = -Infinity;
  let measuring: Promise<void> | null = null;

  async function recalibrateOnce(): Promise<void> {
    try {
      const sample = await measure(read, base, samples);
      if (sample.roundTripMs > MAX_TRUSTED_ROUND_TRIP_MS) {
        log.warn({ roundTripMs: sample.roundTripMs, offsetMs: Math.round(current.offsetMs) }, 'clock recalibration skipped: the database answered too slowly; keeping the last offset');
        return;
      }
      const changeMs = sample.offsetMs - current.offsetMs;
      current = { ...sample, measuredAt: base.now() };
      const fields = { offsetMs: Math.round(sample.offsetMs), changeMs: Math.round(changeMs), roundTripMs: sample.roundTripMs };
      if (Math.abs(changeMs) > 1000) log.warn(fields, 'the process clock moved against the database clock; Baton time follows the database');
      else log.debug(fields, 'clock recalibrated');
    } catch (error) {
      log.warn({ err: error, offsetMs: Math.round(current.offsetMs) }, 'clock recalibration failed; keeping the last offset');
    }
  }

  const clock: DatabaseClock = {
    now() {
      const readingMs = base.now().getTime() + current.offsetMs;
      const heldBack = readingMs < lastReadingMs && lastReadingMs - readingMs < MAX_HELD_BACK_MS;
      lastReadingMs = heldBack ? lastReadingMs : readingMs;
      return new Date(Math.floor(lastReadingMs));
    },
    calibration: () => ({ ...current }),
    recalibrate: () => (measuring ??= recalibrateOnce().finally(() => (measuring = null))),
    stop: () => clearInterval(timer),
  };
  const timer = setInterval(() => void clock.recalibrate(), options.intervalMs ?? DEFAULT_INTERVAL_MS);
  timer.unref();
  return clock;
}

/**
 * Baton's clock for a process on `db`: `base` (the OS clock, or a shifted one in tests) corrected to
 * the database's time. Every process on one database then writes comparable instants.
 */
export function createDatabaseClock(db: DataSource, base: Clock, log: Logger, options?: DatabaseClockOptions): Promise<DatabaseClock> {
  return calibratedClock(databaseTimeReader(db), base, log, options);
}
