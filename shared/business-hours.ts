// Business hours: a tenant's weekly windows, IANA zone and closures, validated here for backend and extension (SPEC §2.4).
import { IANAZone } from 'luxon';
import { z } from 'zod';

/** The weekday keys of `weekly`, Monday first (luxon's `weekday` 1–7 maps to index 0–6). */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const MINUTES_PER_DAY = 24 * 60;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;
const MAX_WINDOWS_PER_DAY = 12;
const MAX_CLOSURES = 1000;

/** `HH:mm` from 00:00 to 23:59. */
const OPEN_TIME = /^(?:[01]\d|2[0-3]):[0-5]\d$/;
/** Like OPEN_TIME, plus `24:00` (the end of the day the window opened). */
const CLOSE_TIME = /^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Minutes since local midnight of a validated `HH:mm` clock time; `24:00` is 1440.
 * @example clockMinutes('17:30') // 1050
 */
export function clockMinutes(clock: string): number {
  const [hours, minutes] = clock.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

/**
 * When a window closes, in minutes after midnight of the day it opened: past 1440 when it
 * crosses midnight (`close < open`), so `22:00–06:00` closes at 1800.
 */
export function closeMinutesAfterOpeningMidnight(window: BusinessWindow): number {
  const open = clockMinutes(window.open);
  const close = clockMinutes(window.close);
  return close < open ? close + MINUTES_PER_DAY : close;
}

/**
 * One `[open, close)` window in the tenant's local time. `close < open` crosses midnight and
 * belongs to the day it opened; `24:00` closes at the end of the opening day.
 */
export const ZBusinessWindow = z
  .object({
    open: z.string().regex(OPEN_TIME, { error: 'Opening time must be HH:mm, from 00:00 to 23:59' }),
    close: z.string().regex(CLOSE_TIME, { error: 'Closing time must be HH:mm, from 00:00 to 24:00' }),
  })
  .refine((window) => clockMinutes(window.open) !== clockMinutes(window.close), {
    error: 'Closing time must differ from opening time',
    path: ['close'],
  });
export type BusinessWindow = z.infer<typeof ZBusinessWindow>;

const ZDayWindows = z
  .array(ZBusinessWindow)
  .max(MAX_WINDOWS_PER_DAY, { error: `At most ${MAX_WINDOWS_PER_DAY} windows per day` })
  .default(() => []);

const nineToFive = (): BusinessWindow[] => [{ open: '09:00', close: '17:00' }];

/** Monday–Friday 09:00–17:00. */
const defaultWeekly = () => ({ mon: nineToFive(), tue: nineToFive(), wed: nineToFive(), thu: nineToFive(), fri: nineToFive(), sat: [], sun: [] });

/** A window placed on the week: minutes from Monday 00:00 to its open and to its close. */
interface WeekSpan {
  day: Weekday;
  index: number;
  window: BusinessWindow;
  start: number;
  end: number;
}

function weekSpans(weekly: Record<Weekday, BusinessWindow[]>): WeekSpan[] {
  return WEEKDAYS.flatMap((day, dayIndex) =>
    weekly[day].map((window, index) => {
      const start = dayIndex * MINUTES_PER_DAY + clockMinutes(window.open);
      return { day, index, window, start, end: dayIndex * MINUTES_PER_DAY + closeMinutesAfterOpeningMidnight(window) };
    }),
  );
}

/** Half-open spans overlap; the week wraps, so Sunday night's window can overlap Monday morning's. */
function spansOverlap(a: WeekSpan, b: WeekSpan): boolean {
  const intersects = (shiftA: number, shiftB: number) => a.start + shiftA < b.end + shiftB && b.start + shiftB < a.end + shiftA;
  return intersects(0, 0) || intersects(MINUTES_PER_WEEK, 0) || intersects(0, MINUTES_PER_WEEK);
}

const DAY_LABELS: Record<Weekday, string> = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' };
const describeSpan = (span: WeekSpan) => `${DAY_LABELS[span.day]} ${span.window.open}–${span.window.close}`;

/**
 * The weekly schedule. Windows may not overlap, on the same day or across midnight (a
 * `22:00–06:00` window overlaps the next day's `05:00` opening; Sunday night wraps into Monday).
 * Touching windows (`09:00–12:00`, `12:00–17:00`) are allowed. An overlap is reported on the
 * later window in Monday-to-Sunday order, at `weekly.<day>.<index>`.
 * A day left out of `weekly` has no windows; `weekly` left out is Monday–Friday 09:00–17:00.
 * Unknown keys (`monday`) are rejected rather than dropped, so a typo can't silently close a day.
 */
export const ZWeeklyHours = z
  .strictObject({ mon: ZDayWindows, tue: ZDayWindows, wed: ZDayWindows, thu: ZDayWindows, fri: ZDayWindows, sat: ZDayWindows, sun: ZDayWindows })
  .superRefine((weekly, ctx) => {
    const spans = weekSpans(weekly);
    spans.forEach((later, i) => {
      const earlier = spans.slice(0, i).find((span) => spansOverlap(span, later));
      if (earlier) {
        ctx.addIssue({
          code: 'custom',
          path: [later.day, later.index],
          message: `${describeSpan(later)} overlaps ${describeSpan(earlier)}`,
          input: later.window,
        });
      }
    });
  });
export type WeeklyHours = z.infer<typeof ZWeeklyHours>;

/** True for a real calendar date in `YYYY-MM-DD` form (rejects 2026-02-30). */
function isCalendarDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * A tenant's business hours (SPEC §2.4). Closures are local dates: a closure removes the windows
 * that open on that date (a window opened the evening before still runs past midnight).
 * @example ZBusinessHours.parse({}) // Mon–Fri 09:00–17:00, America/Chicago, no closures
 */
const knownZones = new Map<string, boolean>();
/** luxon's check builds an Intl formatter each time (measurably hot on every settings read): memoised. */
function isKnownZone(zone: string): boolean {
  let known = knownZones.get(zone);
  if (known === undefined) {
    known = IANAZone.isValidZone(zone);
    if (knownZones.size < 1000) knownZones.set(zone, known);
  }
  return known;
}

export const ZBusinessHours = z.object({
  timeZone: z
    .string()
    .refine((zone) => isKnownZone(zone), { error: (issue) => `Time zone "${String(issue.input)}" is not a known IANA time zone` })
    .default('America/Chicago'),
  weekly: ZWeeklyHours.default(defaultWeekly),
  closures: z
    .array(z.string().refine(isCalendarDate, { error: 'Closure must be a calendar date, YYYY-MM-DD' }))
    .max(MAX_CLOSURES, { error: `At most ${MAX_CLOSURES} closures` })
    .default(() => []),
});
/** Business hours after parsing: every field present. */
export type BusinessHours = z.infer<typeof ZBusinessHours>;
/** Business hours as accepted from a form or API: fields may be left out for their defaults. */
export type BusinessHoursInput = z.input<typeof ZBusinessHours>;

/** Monday–Friday 09:00–17:00 in America/Chicago, no closures. */
export const DEFAULT_BUSINESS_HOURS: BusinessHours = ZBusinessHours.parse({});
