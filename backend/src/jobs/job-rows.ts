// Mapping between Agenda's JobParameters and rows of the `jobs` table, for both SQL dialects.
import type { JobId, JobParameters } from 'agenda';
import type { DataSource } from 'typeorm';
import { instantParameter } from '../db/instant-parameter.js';
import { describeThrown } from './thrown-text.js';

export interface JobRow {
  id: string;
  name: string;
  priority: number;
  next_run_at: Date | string | null;
  type: string;
  locked_at: Date | string | null;
  last_run_at: Date | string | null;
  last_finished_at: Date | string | null;
  failed_at: Date | string | null;
  fail_count: number | null;
  fail_reason: string | null;
  repeat_interval: string | null;
  repeat_timezone: string | null;
  repeat_at: string | null;
  data: string;
  disabled: number | boolean;
  fork: number | boolean;
  progress: number | null;
  unique_key: string | null;
  ref_key: string | null;
  last_modified_by: string | null;
  start_date: Date | string | null;
  end_date: Date | string | null;
  skip_days: string | null;
  debounce_started_at: Date | string | null;
  created_at: Date | string;
}

/** Dialect-specific value conversion: SQLite stores instants as UTC text, MySQL as DATETIME(3). */
export interface SqlValues {
  isSqlite: boolean;
  /** An instant as a query parameter. */
  time(value: Date | null | undefined): Date | string | null;
  bool(value: boolean | undefined): number;
}

export function sqlValuesFor(db: DataSource): SqlValues {
  const isSqlite = db.options.type === 'better-sqlite3';
  return {
    isSqlite,
    time: (value) => (value ? instantParameter(db, value) : null),
    bool: (value) => (value ? 1 : 0),
  };
}

export function parseTime(value: Date | string | null): Date | undefined {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return value;
  return new Date(value.includes('T') ? value : `${value.replace(' ', 'T')}Z`);
}

/** Agenda expects `nextRunAt: null` (not undefined: that would mean "now"), Dates, parsed data. */
export function rowToJob<DATA = unknown>(row: JobRow): JobParameters<DATA> {
  const job: JobParameters<DATA> = {
    _id: row.id as JobId,
    name: row.name,
    priority: Number(row.priority),
    nextRunAt: parseTime(row.next_run_at) ?? null,
    type: row.type === 'single' ? 'single' : 'normal',
    data: JSON.parse(row.data) as DATA,
    disabled: Boolean(Number(row.disabled)),
  };
  const optionalTimes = {
    lockedAt: row.locked_at,
    lastRunAt: row.last_run_at,
    lastFinishedAt: row.last_finished_at,
    failedAt: row.failed_at,
    startDate: row.start_date,
    endDate: row.end_date,
    debounceStartedAt: row.debounce_started_at,
  } as const;
  for (const [key, value] of Object.entries(optionalTimes)) {
    const parsed = parseTime(value);
    if (parsed) (job as unknown as Record<string, unknown>)[key] = parsed;
  }
  if (row.fail_count !== null) job.failCount = Number(row.fail_count);
  if (row.fail_reason !== null) job.failReason = row.fail_reason;
  if (row.repeat_interval !== null) job.repeatInterval = /^\d+$/.test(row.repeat_interval) ? Number(row.repeat_interval) : row.repeat_interval;
  if (row.repeat_timezone !== null) job.repeatTimezone = row.repeat_timezone;
  if (row.repeat_at !== null) job.repeatAt = row.repeat_at;
  if (row.progress !== null) job.progress = Number(row.progress);
  if (row.last_modified_by !== null) job.lastModifiedBy = row.last_modified_by;
  if (row.skip_days !== null) job.skipDays = JSON.parse(row.skip_days) as number[];
  if (Number(row.fork)) job.fork = true;
  return job;
}

/**
 * `failReason` as text: Agenda stores whatever was thrown, and a plain object (fork mode) is no value
 * SQLite can bind and becomes "[object Object]" on MySQL.
 */
function failReasonText(reason: unknown): string | null {
  if (reason === undefined || reason === null) return null;
  return typeof reason === 'string' ? reason : describeThrown(reason, 2000);
}

/** The process name in `last_modified_by` (a column of 100; a long host name must not fail the write). */
const modifiedBy = (lastModifiedBy: string | null) => lastModifiedBy?.slice(0, 100) ?? null;

/** Columns a save writes from a job's user-facing fields (not its run state). */
export function definitionColumns(job: JobParameters, sql: SqlValues, lastModifiedBy: string | null) {
  const data = job.data === undefined ? {} : job.data;
  const ref = (data as { ref?: unknown } | null)?.ref;
  return {
    name: job.name,
    priority: job.priority ?? 0,
    next_run_at: sql.time(job.nextRunAt),
    type: job.type ?? 'normal',
    repeat_interval: job.repeatInterval === undefined || job.repeatInterval === null ? null : String(job.repeatInterval),
    repeat_timezone: job.repeatTimezone ?? null,
    repeat_at: job.repeatAt ?? null,
    data: JSON.stringify(data),
    disabled: sql.bool(job.disabled),
    fork: sql.bool(job.fork),
    fail_reason: failReasonText(job.failReason),
    fail_count: job.failCount ?? null,
    failed_at: sql.time(job.failedAt),
    start_date: sql.time(job.startDate),
    end_date: sql.time(job.endDate),
    skip_days: job.skipDays ? JSON.stringify(job.skipDays) : null,
    ref_key: typeof ref === 'string' ? ref.slice(0, 120) : null,
    last_modified_by: modifiedBy(lastModifiedBy),
  };
}

/** Columns `saveJobState` writes: what changes while a job runs. */
export function stateColumns(job: JobParameters, sql: SqlValues, lastModifiedBy: string | null) {
  return {
    locked_at: sql.time(job.lockedAt),
    next_run_at: sql.time(job.nextRunAt),
    last_run_at: sql.time(job.lastRunAt),
    progress: job.progress ?? null,
    fail_reason: failReasonText(job.failReason),
    fail_count: job.failCount ?? null,
    failed_at: sql.time(job.failedAt),
    last_finished_at: sql.time(job.lastFinishedAt),
    last_modified_by: modifiedBy(lastModifiedBy),
  };
}
export type StateColumns = ReturnType<typeof stateColumns>;

/** Deterministic JSON (sorted keys) so equal unique queries give equal keys. */
export function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
  return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${stableJson(inner)}`).join(',')}}`;
}

/** True when every field of `query` equals the same field of `data` (deeply; extra fields allowed). */
export function dataMatches(data: unknown, query: unknown): boolean {
  if (query === null || typeof query !== 'object') return stableJson(data) === stableJson(query);
  if (data === null || typeof data !== 'object' || Array.isArray(query) !== Array.isArray(data)) return false;
  if (Array.isArray(query)) return stableJson(data) === stableJson(query);
  return Object.entries(query as Record<string, unknown>).every(([key, inner]) => dataMatches((data as Record<string, unknown>)[key], inner));
}

export const placeholders = (count: number) => Array.from({ length: count }, () => '?').join(', ');
