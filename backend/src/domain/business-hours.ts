// Business-hours rules (SPEC §2.4–§2.5): pure functions of a schedule and a given instant, computed in the tenant zone.
import { DateTime, IANAZone } from 'luxon';
import { type BusinessHours, type Weekday, WEEKDAYS, clockMinutes, closeMinutesAfterOpeningMidnight } from '../../../shared/business-hours.js';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** One weekly window placed on the local date it opens, as UTC epoch milliseconds: `[opensAt, closesAt)`. */
interface Opening {
  readonly opensAt: number;
  readonly closesAt: number;
}

/** A business day: the openings of one local date, from its first open to its last close (breaks included). */
interface BusinessDay {
  readonly openings: readonly Opening[];
  readonly start: number;
  readonly end: number;
}

function tenantZone(timeZone: string): IANAZone {
  const zone = IANAZone.create(timeZone);
  if (!zone.isValid) throw new RangeError(`Unknown IANA time zone "${timeZone}"`);
  return zone;
}

function epochMs(instant: Date, name: string): number {
  const ms = instant.getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`${name} is not a valid date`);
  return ms;
}

/** The tenant-local calendar date of an instant, as a zoneless date (luxon in UTC at midnight). */
function localDateOf(ms: number, zone: IANAZone): DateTime {
  const local = DateTime.fromMillis(ms, { zone });
  return DateTime.utc(local.year, local.month, local.day);
}

/**
 * The instant a tenant-local wall-clock time happens. We don't use luxon's `fromObject` here:
 * for a repeated hour it picks the offset in force *today* (`Settings.now()`), a hidden clock.
 * - A repeated time (fall-back) resolves to its earlier instant (Temporal's 'compatible' rule).
 * - A skipped time (spring-forward gap) resolves to the instant the clocks jump: a 02:30 opening
 *   on 2026-03-08 in Chicago opens at 03:00 CDT, the first moment the wall clock reads ≥ 02:30.
 * Both rules keep wall-clock order, so windows that don't overlap on the clock don't overlap as
 * instants; a window that falls wholly in a gap (02:00–02:30) becomes empty and is skipped.
 */
function wallClockToInstant(zone: IANAZone, date: DateTime, minuteOfDay: number): number {
  const wallMs = date.toMillis() + minuteOfDay * MINUTE_MS;
  const offsetBefore = zone.offset(wallMs - DAY_MS);
  const offsetAfter = zone.offset(wallMs + DAY_MS);
  const candidates = [offsetBefore, offsetAfter]
    .map((offset) => ({ offset, instant: wallMs - offset * MINUTE_MS }))
    .filter(({ offset, instant }) => zone.offset(instant) === offset)
    .map(({ instant }) => instant);
  if (candidates.length > 0) return Math.min(...candidates);
  return transitionInstant(zone, wallMs - offsetAfter * MINUTE_MS, wallMs - offsetBefore * MINUTE_MS);
}

/** The first millisecond in `(before, atOrAfter]` whose offset differs from the offset at `before`. */
function transitionInstant(zone: IANAZone, before: number, atOrAfter: number): number {
  const offsetBefore = zone.offset(before);
  let [low, high] = [before, atOrAfter];
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (zone.offset(middle) === offsetBefore) low = middle;
    else high = middle;
  }
  return high;
}

function weekdayOf(date: DateTime): Weekday {
  // luxon numbers weekdays 1 (Monday) to 7 (Sunday), the order of WEEKDAYS.
  return WEEKDAYS[date.weekday - 1] as Weekday;
}

/** The windows that open on a local date, in order; none on a closure or a day without windows. */
function openingsOn(schedule: BusinessHours, zone: IANAZone, date: DateTime): Opening[] {
  if (schedule.closures.includes(date.toISODate() ?? '')) return [];
  return schedule.weekly[weekdayOf(date)]
    .map((window) => ({
      opensAt: wallClockToInstant(zone, date, clockMinutes(window.open)),
      closesAt: wallClockToInstant(zone, date, closeMinutesAfterOpeningMidnight(window)),
    }))
    .filter((opening) => opening.closesAt > opening.opensAt)
    .sort((a, b) => a.opensAt - b.opensAt);
}

function businessDayOn(schedule: BusinessHours, zone: IANAZone, date: DateTime): BusinessDay | undefined {
  const openings = openingsOn(schedule, zone, date);
  if (openings.length === 0) return undefined;
  return {
    openings,
    start: Math.min(...openings.map((opening) => opening.opensAt)),
    end: Math.max(...openings.map((opening) => opening.closesAt)),
  };
}

/** The business days that may cover an instant: the day before (a window across midnight) and the day itself. */
function businessDaysAround(schedule: BusinessHours, zone: IANAZone, ms: number): BusinessDay[] {
  const today = localDateOf(ms, zone);
  return [today.minus({ days: 1 }), today].flatMap((date) => businessDayOn(schedule, zone, date) ?? []);
}

/** The earliest opening after `after` that opens before `before`, if any. */
function nextOpeningBetween(schedule: BusinessHours, zone: IANAZone, after: number, before: number): Opening | undefined {
  const lastDate = localDateOf(before, zone).toMillis();
  for (let date = localDateOf(after, zone); date.toMillis() <= lastDate; date = date.plus({ days: 1 })) {
    const next = openingsOn(schedule, zone, date).find((opening) => opening.opensAt > after);
    if (next) return next.opensAt < before ? next : undefined;
  }
  return undefined;
}

/**
 * Whether an instant is inside one of the schedule's `[open, close)` windows. A break between
 * split shifts is outside; a closure removes the windows that open on that local date.
 * @example isWithinBusinessHours(DEFAULT_BUSINESS_HOURS, new Date('2026-01-14T23:00:00Z')) // false: 17:00 CST
 */
export function isWithinBusinessHours(schedule: BusinessHours, instant: Date): boolean {
  const ms = epochMs(instant, 'instant');
  const zone = tenantZone(schedule.timeZone);
  return businessDaysAround(schedule, zone, ms).some((day) =>
    day.openings.some((opening) => opening.opensAt <= ms && ms < opening.closesAt),
  );
}

/**
 * When a takeover releases itself (SPEC §2.4).
 * - During a business day (from its first open to its last close, a break between split shifts
 *   included): the close of that day's last window. A window across midnight belongs to the day
 *   it opened, so its close is on the next calendar day.
 * - Otherwise: the earlier of the end of the next window (the close of the first window that
 *   opens after `takeoverAt`) and `takeoverAt + afterHoursReleaseMinutes`. A window closes after
 *   it opens, so it only wins when it both opens and closes within that many minutes.
 * @example autoReleaseAt(DEFAULT_BUSINESS_HOURS, new Date('2026-01-14T16:00:00Z'), 60) // 2026-01-14T23:00:00Z (17:00 CST)
 */
export function autoReleaseAt(schedule: BusinessHours, takeoverAt: Date, afterHoursReleaseMinutes: number): Date {
  if (!Number.isFinite(afterHoursReleaseMinutes) || afterHoursReleaseMinutes < 0) {
    throw new RangeError('afterHoursReleaseMinutes must be a non-negative number');
  }
  const ms = epochMs(takeoverAt, 'takeoverAt');
  const zone = tenantZone(schedule.timeZone);
  const businessDay = businessDaysAround(schedule, zone, ms).find((day) => day.start <= ms && ms < day.end);
  if (businessDay) return new Date(businessDay.end);
  const afterHoursLimit = ms + afterHoursReleaseMinutes * MINUTE_MS;
  const next = nextOpeningBetween(schedule, zone, ms, afterHoursLimit);
  return new Date(Math.min(next?.closesAt ?? afterHoursLimit, afterHoursLimit));
}

/** Locales tried, in order, for a zone's letter abbreviation; en-US has none for e.g. Asia/Kolkata (IST). */
const ZONE_ABBREVIATION_LOCALES = ['en-US', 'en-GB', 'en-IN', 'en-AU', 'en-IE'];
const OFFSET_NAME = /^(?:GMT|UTC)[+\-−]/;

/**
 * The tenant zone's abbreviation at an instant, independent of the viewer: en-US's (CST, CDT,
 * MST), else the first English one CLDR has (IST, CET, BST, AEST), else en-US's offset (GMT+9).
 */
function zoneAbbreviation(local: DateTime): string {
  // The name depends only on the zone and the offset in force (CST/CDT); ICU lookups are costly.
  const key = `${local.zoneName}|${local.offset}`;
  let name = zoneAbbreviations.get(key);
  if (name === undefined) zoneAbbreviations.set(key, (name = lookUpZoneAbbreviation(local)));
  return name;
}
const zoneAbbreviations = new Map<string, string>();

function lookUpZoneAbbreviation(local: DateTime): string {
  let fallback = '';
  for (const locale of ZONE_ABBREVIATION_LOCALES) {
    const name = local.setLocale(locale).toFormat('ZZZZ');
    if (!OFFSET_NAME.test(name)) return name;
    fallback ||= name;
  }
  return fallback;
}

/**
 * A time in the tenant zone with the zone's abbreviation. The viewer's locale shapes the time
 * (en-US `h:mm a`, en-GB/de `HH:mm`), never the zone: `5:00 PM CST`, `17:00 CST`.
 * @example formatTenantTime(new Date('2026-01-14T23:00:00Z'), 'America/Chicago') // '5:00 PM CST'
 */
export function formatTenantTime(instant: Date, timeZone: string, locale = 'en-US'): string {
  const ms = epochMs(instant, 'instant');
  // Every conversation view formats its auto-release time, and most share one (the end of the
  // business day): luxon's formatting was 4 % of the agents' API CPU (issue 13 profile).
  const key = `${ms}|${timeZone}|${locale}`;
  const known = formattedTimes.get(key);
  if (known !== undefined) return known;
  const local = DateTime.fromMillis(ms, { zone: tenantZone(timeZone) });
  // Newer ICU puts a narrow no-break space before AM/PM; the banner wants a plain one.
  const time = local.setLocale(locale).toLocaleString(DateTime.TIME_SIMPLE).replace(/[\u202f\u00a0]/g, ' ');
  const text = `${time} ${zoneAbbreviation(local)}`;
  if (formattedTimes.size >= FORMATTED_TIMES_KEPT) formattedTimes.clear();
  formattedTimes.set(key, text);
  return text;
}

/** Formatted instants kept (a pure function's answers; emptied when full, a crude bound on memory). */
const FORMATTED_TIMES_KEPT = 5_000;
const formattedTimes = new Map<string, string>();

/**
 * The takeover banner's warning (SPEC §2.5).
 * @example formatResumeWarning(new Date('2026-01-14T23:00:00Z'), 'America/Chicago') // 'AI resumes at 5:00 PM CST'
 */
export function formatResumeWarning(instant: Date, timeZone: string, locale = 'en-US'): string {
  return `AI resumes at ${formatTenantTime(instant, timeZone, locale)}`;
}

/**
 * Whether the banner should emphasise the release: within the last `releaseWarningMinutes`
 * before `autoReleaseAt`, that instant excluded (by then the takeover is released). 0 never warns.
 */
export function isInWarningPeriod(autoReleaseAt: Date, now: Date, releaseWarningMinutes: number): boolean {
  const releaseMs = epochMs(autoReleaseAt, 'autoReleaseAt');
  const nowMs = epochMs(now, 'now');
  return nowMs >= releaseMs - releaseWarningMinutes * MINUTE_MS && nowMs < releaseMs;
}
