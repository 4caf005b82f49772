// Table tests for the business-hours rules and schema: DST, midnight windows, split shifts, closures, warnings.
import { Settings } from 'luxon';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BUSINESS_HOURS, ZBusinessHours, type BusinessHours, type BusinessHoursInput, type WeeklyHours } from '../../../shared/business-hours.js';
import { autoReleaseAt, formatResumeWarning, formatTenantTime, isInWarningPeriod, isWithinBusinessHours } from './business-hours.js';

const CHICAGO = 'America/Chicago';
const BERLIN = 'Europe/Berlin';
const KOLKATA = 'Asia/Kolkata';

function hours(timeZone: string, weekly: BusinessHoursInput['weekly'], closures: string[] = []): BusinessHours {
  return ZBusinessHours.parse({ timeZone, weekly, closures });
}

const nineToFive = [{ open: '09:00', close: '17:00' }];
const everyDay = (timeZone: string) =>
  hours(timeZone, { mon: nineToFive, tue: nineToFive, wed: nineToFive, thu: nineToFive, fri: nineToFive, sat: nineToFive, sun: nineToFive });
const nights = [{ open: '22:00', close: '06:00' }];

const S = {
  /** Mon–Fri 09:00–17:00, America/Chicago. */
  default: DEFAULT_BUSINESS_HOURS,
  split: hours(CHICAGO, Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((day) => [day, [{ open: '09:00', close: '12:00' }, { open: '13:00', close: '17:00' }]]))),
  weeknights: hours(CHICAGO, { mon: nights, tue: nights, wed: nights, thu: nights, fri: nights }),
  christmas: hours(CHICAGO, DEFAULT_BUSINESS_HOURS.weekly, ['2026-12-25']),
  thursdayNightChristmas: hours(CHICAGO, { thu: nights }, ['2026-12-25']),
  thursdayNightChristmasEve: hours(CHICAGO, { thu: nights }, ['2026-12-24']),
  kolkata: hours(KOLKATA, DEFAULT_BUSINESS_HOURS.weekly),
  chicagoEveryDay: everyDay(CHICAGO),
  berlinEveryDay: everyDay(BERLIN),
  chicagoSaturdayNight: hours(CHICAGO, { sat: nights }),
  berlinSaturdayNight: hours(BERLIN, { sat: nights }),
  /** Opens at 02:30, a time 2026-03-08 skips in Chicago. */
  chicagoSpringGap: hours(CHICAGO, { sun: [{ open: '02:30', close: '05:00' }] }),
  /** Wholly inside the skipped hour on 2026-03-08. */
  chicagoInsideGap: hours(CHICAGO, { sun: [{ open: '02:00', close: '02:30' }] }),
  /** Opens at 01:30, a time 2026-11-01 has twice in Chicago. */
  chicagoFallBack: hours(CHICAGO, { sun: [{ open: '01:30', close: '03:00' }] }),
  sundayNight: hours(CHICAGO, { sun: nights }),
  mondayToMidnight: hours(CHICAGO, { mon: [{ open: '18:00', close: '24:00' }] }),
  closedAllWeek: hours(CHICAGO, {}),
} satisfies Record<string, BusinessHours>;

const utc = (iso: string) => new Date(iso).toISOString();

describe('isWithinBusinessHours', () => {
  it.each<[string, BusinessHours, string, boolean]>([
    ['opening instant 09:00 is inside', S.default, '2026-01-14T09:00:00-06:00', true],
    ['08:59:59 is outside', S.default, '2026-01-14T08:59:59-06:00', false],
    ['16:59:59 is inside', S.default, '2026-01-14T16:59:59-06:00', true],
    ['17:00:00 is outside ([open, close))', S.default, '2026-01-14T17:00:00-06:00', false],
    ['Saturday noon is outside', S.default, '2026-01-17T12:00:00-06:00', false],
    ['summer (CDT) 09:00 is inside', S.default, '2026-07-15T09:00:00-05:00', true],
    ['split shift: the 12:30 break is outside', S.split, '2026-01-14T12:30:00-06:00', false],
    ['split shift: 11:59:59 is inside', S.split, '2026-01-14T11:59:59-06:00', true],
    ['split shift: 13:00 is inside', S.split, '2026-01-14T13:00:00-06:00', true],
    ['closure: Christmas Day is closed', S.christmas, '2026-12-25T10:00:00-06:00', false],
    ['closure: Christmas Eve is open', S.christmas, '2026-12-24T10:00:00-06:00', true],
    ['22:00–06:00: Tuesday 02:00 is in Monday night', S.weeknights, '2026-01-13T02:00:00-06:00', true],
    ['22:00–06:00: 06:00 is outside', S.weeknights, '2026-01-13T06:00:00-06:00', false],
    ['22:00–06:00: Saturday 05:00 is in Friday night', S.weeknights, '2026-01-17T05:00:00-06:00', true],
    ['22:00–06:00: Monday 01:00 is outside (no Sunday night)', S.weeknights, '2026-01-12T01:00:00-06:00', false],
    ['Sunday 22:00–06:00 wraps into Monday', S.sundayNight, '2026-01-12T01:00:00-06:00', true],
    ['closure on the Friday keeps Thursday night running past midnight', S.thursdayNightChristmas, '2026-12-25T03:00:00-06:00', true],
    ['closure on the Thursday removes Thursday night', S.thursdayNightChristmasEve, '2026-12-25T03:00:00-06:00', false],
    ['spring gap: 01:59:59 CST is before the 02:30 opening', S.chicagoSpringGap, '2026-03-08T01:59:59-06:00', false],
    ['spring gap: the 02:30 opening opens when clocks jump to 03:00 CDT', S.chicagoSpringGap, '2026-03-08T03:00:00-05:00', true],
    ['spring gap: 05:00 CDT closes', S.chicagoSpringGap, '2026-03-08T05:00:00-05:00', false],
    ['spring gap: a window wholly in the gap does not exist that day', S.chicagoInsideGap, '2026-03-08T03:00:00-05:00', false],
    ['spring gap: the same window exists the next Sunday', S.chicagoInsideGap, '2026-03-15T02:15:00-05:00', true],
    ['fall back: 01:29:59 CDT is before the opening', S.chicagoFallBack, '2026-11-01T01:29:59-05:00', false],
    ['fall back: a repeated 01:30 opens at its first occurrence (CDT)', S.chicagoFallBack, '2026-11-01T01:30:00-05:00', true],
    ['fall back: the second 01:30 (CST) is inside', S.chicagoFallBack, '2026-11-01T01:30:00-06:00', true],
    ['fall back: 03:00 CST closes', S.chicagoFallBack, '2026-11-01T03:00:00-06:00', false],
    ['Chicago fall back: Saturday night still closes at 06:00 CST', S.chicagoSaturdayNight, '2026-11-01T05:59:59-06:00', true],
    ['Chicago fall back: 06:00 CST is outside', S.chicagoSaturdayNight, '2026-11-01T06:00:00-06:00', false],
    ['Berlin spring forward: Saturday night still closes at 06:00 CEST', S.berlinSaturdayNight, '2026-03-29T05:59:59+02:00', true],
    ['Berlin spring forward: 06:00 CEST is outside', S.berlinSaturdayNight, '2026-03-29T06:00:00+02:00', false],
    ['Kolkata (+05:30): 09:00 IST is inside', S.kolkata, '2026-01-14T09:00:00+05:30', true],
    ['Kolkata (+05:30): 08:59:59 IST is outside', S.kolkata, '2026-01-14T08:59:59+05:30', false],
    ['no windows at all', S.closedAllWeek, '2026-01-14T12:00:00-06:00', false],
  ])('%s', (_label, schedule, instant, expected) => {
    expect(isWithinBusinessHours(schedule, new Date(instant))).toBe(expected);
  });
});

describe('autoReleaseAt', () => {
  it.each<[string, BusinessHours, string, number, string]>([
    // During business hours: the close of the business day's last window.
    ['mid-morning → 17:00 CST', S.default, '2026-01-14T10:00:00-06:00', 60, '2026-01-14T17:00:00-06:00'],
    ['at the 09:00 opening → 17:00', S.default, '2026-01-14T09:00:00-06:00', 60, '2026-01-14T17:00:00-06:00'],
    ['16:59:59 is inside → 17:00', S.default, '2026-01-14T16:59:59-06:00', 60, '2026-01-14T17:00:00-06:00'],
    ['summer → 17:00 CDT', S.default, '2026-07-15T10:00:00-05:00', 60, '2026-07-15T17:00:00-05:00'],
    // Outside: min(close of the next window opening after takeover, takeover + N minutes).
    ['17:00:00 is outside → +60 min (next window ends tomorrow)', S.default, '2026-01-14T17:00:00-06:00', 60, '2026-01-14T18:00:00-06:00'],
    ['08:30, before opening → +60 min beats the 17:00 close', S.default, '2026-01-14T08:30:00-06:00', 60, '2026-01-14T09:30:00-06:00'],
    ['08:30 with a 600-min limit → the next window’s 17:00 close wins', S.default, '2026-01-14T08:30:00-06:00', 600, '2026-01-14T17:00:00-06:00'],
    ['Friday evening: next window is Monday → +60 min', S.default, '2026-01-16T18:00:00-06:00', 60, '2026-01-16T19:00:00-06:00'],
    ['Saturday with a 3-day limit → Monday 17:00', S.default, '2026-01-17T12:00:00-06:00', 3 * 24 * 60, '2026-01-19T17:00:00-06:00'],
    ['no windows at all → +60 min', S.closedAllWeek, '2026-01-14T12:00:00-06:00', 60, '2026-01-14T13:00:00-06:00'],
    // Split shifts: a break does not release.
    ['split: 10:00 → 17:00, not 12:00', S.split, '2026-01-14T10:00:00-06:00', 60, '2026-01-14T17:00:00-06:00'],
    ['split: 12:30 in the break → 17:00, not 13:00', S.split, '2026-01-14T12:30:00-06:00', 60, '2026-01-14T17:00:00-06:00'],
    ['split: 08:30 with a 600-min limit → the next window’s 12:00 close', S.split, '2026-01-14T08:30:00-06:00', 600, '2026-01-14T12:00:00-06:00'],
    // Windows across midnight belong to the day they opened.
    ['22:00–06:00: Monday 23:00 → Tuesday 06:00', S.weeknights, '2026-01-12T23:00:00-06:00', 60, '2026-01-13T06:00:00-06:00'],
    ['22:00–06:00: Tuesday 02:00 → Tuesday 06:00', S.weeknights, '2026-01-13T02:00:00-06:00', 60, '2026-01-13T06:00:00-06:00'],
    ['22:00–06:00: Tuesday 06:00 is outside → +60 min', S.weeknights, '2026-01-13T06:00:00-06:00', 60, '2026-01-13T07:00:00-06:00'],
    ['22:00–06:00: Saturday 05:00 in Friday night → Saturday 06:00', S.weeknights, '2026-01-17T05:00:00-06:00', 60, '2026-01-17T06:00:00-06:00'],
    ['Sunday 22:00–06:00: Monday 01:00 → Monday 06:00', S.sundayNight, '2026-01-12T01:00:00-06:00', 60, '2026-01-12T06:00:00-06:00'],
    ['18:00–24:00: 23:00 → midnight', S.mondayToMidnight, '2026-01-12T23:00:00-06:00', 60, '2026-01-13T00:00:00-06:00'],
    // Closures.
    ['Christmas Day closed → +60 min', S.christmas, '2026-12-25T10:00:00-06:00', 60, '2026-12-25T11:00:00-06:00'],
    ['Christmas Eve open → 17:00', S.christmas, '2026-12-24T10:00:00-06:00', 60, '2026-12-24T17:00:00-06:00'],
    ['Thursday night runs into a Friday closure → Friday 06:00', S.thursdayNightChristmas, '2026-12-25T03:00:00-06:00', 60, '2026-12-25T06:00:00-06:00'],
    ['Thursday closed: its night is gone → +60 min', S.thursdayNightChristmasEve, '2026-12-25T03:00:00-06:00', 60, '2026-12-25T04:00:00-06:00'],
    // Asia/Kolkata, a half-hour offset.
    ['Kolkata 10:00 IST → 17:00 IST', S.kolkata, '2026-01-14T10:00:00+05:30', 60, '2026-01-14T17:00:00+05:30'],
    ['Kolkata 17:00 IST is outside → +60 min', S.kolkata, '2026-01-14T17:00:00+05:30', 60, '2026-01-14T18:00:00+05:30'],
    // America/Chicago DST: 2026-03-08 (spring forward) and 2026-11-01 (fall back).
    ['Chicago, Saturday before spring forward → 17:00 CST', S.chicagoEveryDay, '2026-03-07T10:00:00-06:00', 60, '2026-03-07T17:00:00-06:00'],
    ['Chicago, spring-forward day → 17:00 CDT', S.chicagoEveryDay, '2026-03-08T10:00:00-05:00', 60, '2026-03-08T17:00:00-05:00'],
    ['Chicago, Saturday before fall back → 17:00 CDT', S.chicagoEveryDay, '2026-10-31T10:00:00-05:00', 60, '2026-10-31T17:00:00-05:00'],
    ['Chicago, fall-back day → 17:00 CST', S.chicagoEveryDay, '2026-11-01T10:00:00-06:00', 60, '2026-11-01T17:00:00-06:00'],
    ['Chicago, Saturday night across spring forward → 06:00 CDT', S.chicagoSaturdayNight, '2026-03-07T23:00:00-06:00', 60, '2026-03-08T06:00:00-05:00'],
    ['Chicago, 03:30 CDT in that night → 06:00 CDT', S.chicagoSaturdayNight, '2026-03-08T03:30:00-05:00', 60, '2026-03-08T06:00:00-05:00'],
    ['Chicago, Saturday night across fall back → 06:00 CST', S.chicagoSaturdayNight, '2026-10-31T23:00:00-05:00', 60, '2026-11-01T06:00:00-06:00'],
    ['Chicago, first 01:30 (CDT) of fall-back night → 06:00 CST', S.chicagoSaturdayNight, '2026-11-01T01:30:00-05:00', 60, '2026-11-01T06:00:00-06:00'],
    ['Chicago, second 01:30 (CST) of fall-back night → 06:00 CST', S.chicagoSaturdayNight, '2026-11-01T01:30:00-06:00', 60, '2026-11-01T06:00:00-06:00'],
    ['Chicago, 02:30 opening skipped: opens 03:00 CDT, next window closes 05:00 CDT', S.chicagoSpringGap, '2026-03-08T01:00:00-06:00', 240, '2026-03-08T05:00:00-05:00'],
    ['Chicago, inside the shifted 02:30 window → 05:00 CDT', S.chicagoSpringGap, '2026-03-08T03:00:00-05:00', 60, '2026-03-08T05:00:00-05:00'],
    ['Chicago, a window wholly in the gap is skipped → +240 min', S.chicagoInsideGap, '2026-03-08T01:00:00-06:00', 240, '2026-03-08T06:00:00-05:00'],
    ['Chicago, repeated 01:30 opening: inside → 03:00 CST', S.chicagoFallBack, '2026-11-01T01:45:00-05:00', 60, '2026-11-01T03:00:00-06:00'],
    ['Chicago, before the repeated 01:30 opening → +60 min', S.chicagoFallBack, '2026-11-01T01:00:00-05:00', 60, '2026-11-01T01:00:00-06:00'],
    ['Chicago, before the repeated 01:30 opening, 240-min limit → 03:00 CST', S.chicagoFallBack, '2026-11-01T01:00:00-05:00', 240, '2026-11-01T03:00:00-06:00'],
    // Europe/Berlin DST: 2026-03-29 (spring forward) and 2026-10-25 (fall back).
    ['Berlin, Saturday before spring forward → 17:00 CET', S.berlinEveryDay, '2026-03-28T10:00:00+01:00', 60, '2026-03-28T17:00:00+01:00'],
    ['Berlin, spring-forward day → 17:00 CEST', S.berlinEveryDay, '2026-03-29T10:00:00+02:00', 60, '2026-03-29T17:00:00+02:00'],
    ['Berlin, Saturday before fall back → 17:00 CEST', S.berlinEveryDay, '2026-10-24T10:00:00+02:00', 60, '2026-10-24T17:00:00+02:00'],
    ['Berlin, fall-back day → 17:00 CET', S.berlinEveryDay, '2026-10-25T10:00:00+01:00', 60, '2026-10-25T17:00:00+01:00'],
    ['Berlin, 01:30 CET on spring-forward night → +60 min (03:30 CEST)', S.berlinEveryDay, '2026-03-29T01:30:00+01:00', 60, '2026-03-29T03:30:00+02:00'],
    ['Berlin, Saturday night across spring forward → 06:00 CEST', S.berlinSaturdayNight, '2026-03-28T23:00:00+01:00', 60, '2026-03-29T06:00:00+02:00'],
    ['Berlin, Saturday night across fall back → 06:00 CET', S.berlinSaturdayNight, '2026-10-24T23:00:00+02:00', 60, '2026-10-25T06:00:00+01:00'],
  ])('%s', (_label, schedule, takeoverAt, afterHoursReleaseMinutes, expected) => {
    expect(autoReleaseAt(schedule, new Date(takeoverAt), afterHoursReleaseMinutes).toISOString()).toBe(utc(expected));
  });

  // luxon's fromObject resolves a repeated hour with the offset in force today: a hidden clock we avoid.
  it.each(['2026-01-14T12:00:00Z', '2026-07-15T12:00:00Z'])('does not depend on the clock (luxon “now” = %s)', (clock) => {
    const realNow = Settings.now;
    Settings.now = () => Date.parse(clock);
    try {
      expect(isWithinBusinessHours(S.chicagoFallBack, new Date('2026-11-01T01:30:00-05:00'))).toBe(true);
      expect(autoReleaseAt(S.chicagoFallBack, new Date('2026-11-01T01:00:00-05:00'), 240).toISOString()).toBe(utc('2026-11-01T03:00:00-06:00'));
    } finally {
      Settings.now = realNow;
    }
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('rejects afterHoursReleaseMinutes = %s', (minutes) => {
    expect(() => autoReleaseAt(S.default, new Date('2026-01-14T18:00:00-06:00'), minutes)).toThrow(RangeError);
  });
});

describe('formatResumeWarning', () => {
  it.each<[string, string, string, string | undefined, string]>([
    ['CST', '2026-01-14T23:00:00Z', CHICAGO, undefined, 'AI resumes at 5:00 PM CST'],
    ['CDT', '2026-07-15T22:00:00Z', CHICAGO, undefined, 'AI resumes at 5:00 PM CDT'],
    ['CDT on the spring-forward day', '2026-03-08T22:00:00Z', CHICAGO, 'en-US', 'AI resumes at 5:00 PM CDT'],
    ['CST on the fall-back day', '2026-11-01T23:00:00Z', CHICAGO, 'en-US', 'AI resumes at 5:00 PM CST'],
    ['Kolkata: IST, not GMT+5:30', '2026-01-14T11:30:00Z', KOLKATA, 'en-US', 'AI resumes at 5:00 PM IST'],
    ['en-GB keeps CST (not GMT-6)', '2026-01-14T23:00:00Z', CHICAGO, 'en-GB', 'AI resumes at 17:00 CST'],
    ['de keeps CDT (not GMT-5)', '2026-07-15T22:00:00Z', CHICAGO, 'de', 'AI resumes at 17:00 CDT'],
    ['de in Kolkata keeps IST', '2026-01-14T11:30:00Z', KOLKATA, 'de', 'AI resumes at 17:00 IST'],
    ['Berlin winter: CET', '2026-01-14T16:00:00Z', BERLIN, 'en-US', 'AI resumes at 5:00 PM CET'],
    ['Berlin summer, viewer de: CEST (not MESZ)', '2026-07-15T15:00:00Z', BERLIN, 'de', 'AI resumes at 17:00 CEST'],
    ['Phoenix: MST all year', '2026-07-16T00:00:00Z', 'America/Phoenix', 'en-US', 'AI resumes at 5:00 PM MST'],
    ['a zone without an English abbreviation: its offset', '2026-01-14T08:00:00Z', 'Asia/Tokyo', 'en-US', 'AI resumes at 5:00 PM GMT+9'],
  ])('%s', (_label, instant, timeZone, locale, expected) => {
    expect(formatResumeWarning(new Date(instant), timeZone, locale)).toBe(expected);
  });

  it('formats an autoReleaseAt computed across a DST change', () => {
    const releaseAt = autoReleaseAt(S.chicagoEveryDay, new Date('2026-03-08T10:00:00-05:00'), 60);
    expect(formatResumeWarning(releaseAt, CHICAGO)).toBe('AI resumes at 5:00 PM CDT');
  });

  it('formatTenantTime is the same text without the prefix (for cooldown notes)', () => {
    expect(formatTenantTime(new Date('2026-01-15T01:15:00Z'), CHICAGO)).toBe('7:15 PM CST');
  });

  it('rejects an unknown zone instead of printing "Invalid DateTime"', () => {
    expect(() => formatResumeWarning(new Date('2026-01-14T23:00:00Z'), 'Mars/Olympus')).toThrow(RangeError);
  });
});

describe('isInWarningPeriod', () => {
  const releaseAt = new Date('2026-01-14T17:00:00-06:00');
  it.each<[string, string, number, boolean]>([
    ['15:01 before release', '2026-01-14T16:44:59-06:00', 15, false],
    ['exactly 15 min before', '2026-01-14T16:45:00-06:00', 15, true],
    ['1 s before', '2026-01-14T16:59:59-06:00', 15, true],
    ['at release (released by then)', '2026-01-14T17:00:00-06:00', 15, false],
    ['after release', '2026-01-14T17:05:00-06:00', 15, false],
    ['0 minutes never warns', '2026-01-14T16:59:59-06:00', 0, false],
  ])('%s', (_label, now, releaseWarningMinutes, expected) => {
    expect(isInWarningPeriod(releaseAt, new Date(now), releaseWarningMinutes)).toBe(expected);
  });
});

describe('ZBusinessHours', () => {
  it('defaults to Mon–Fri 09:00–17:00 in America/Chicago with no closures', () => {
    expect(ZBusinessHours.parse({})).toEqual({
      timeZone: 'America/Chicago',
      weekly: { mon: nineToFive, tue: nineToFive, wed: nineToFive, thu: nineToFive, fri: nineToFive, sat: [], sun: [] },
      closures: [],
    });
    expect(DEFAULT_BUSINESS_HOURS).toEqual(ZBusinessHours.parse({}));
  });

  it.each<[string, WeeklyHours | BusinessHoursInput['weekly']]>([
    ['touching windows on one day', { mon: [{ open: '09:00', close: '12:00' }, { open: '12:00', close: '17:00' }] }],
    ['a window to 24:00 touching the next day’s 00:00', { mon: [{ open: '22:00', close: '24:00' }], tue: [{ open: '00:00', close: '06:00' }] }],
    ['a night window touching the next morning', { mon: nights, tue: [{ open: '06:00', close: '09:00' }] }],
    ['all day every day', Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((day) => [day, [{ open: '00:00', close: '24:00' }]]))],
  ])('accepts %s', (_label, weekly) => {
    expect(ZBusinessHours.safeParse({ weekly }).success).toBe(true);
  });

  it.each<[string, unknown, (string | number)[], RegExp]>([
    ['unknown zone', { timeZone: 'Mars/Olympus' }, ['timeZone'], /"Mars\/Olympus" is not a known IANA time zone/],
    ['empty zone', { timeZone: '' }, ['timeZone'], /not a known IANA time zone/],
    ['open without a leading zero', { weekly: { mon: [{ open: '9:00', close: '17:00' }] } }, ['weekly', 'mon', 0, 'open'], /Opening time must be HH:mm/],
    ['open at 24:00', { weekly: { mon: [{ open: '24:00', close: '06:00' }] } }, ['weekly', 'mon', 0, 'open'], /Opening time must be HH:mm/],
    ['close at minute 60', { weekly: { tue: [{ open: '09:00', close: '17:60' }] } }, ['weekly', 'tue', 0, 'close'], /Closing time must be HH:mm/],
    ['open equals close', { weekly: { wed: [{ open: '09:00', close: '09:00' }] } }, ['weekly', 'wed', 0, 'close'], /must differ from opening time/],
    [
      'overlap on one day',
      { weekly: { mon: [{ open: '09:00', close: '12:00' }, { open: '11:00', close: '13:00' }] } },
      ['weekly', 'mon', 1],
      /Mon 11:00–13:00 overlaps Mon 09:00–12:00/,
    ],
    [
      'a night window overlapping the next morning',
      { weekly: { mon: nights, tue: [{ open: '05:00', close: '09:00' }] } },
      ['weekly', 'tue', 0],
      /Tue 05:00–09:00 overlaps Mon 22:00–06:00/,
    ],
    [
      'Sunday night overlapping Monday morning (the week wraps)',
      { weekly: { mon: [{ open: '05:00', close: '09:00' }], sun: nights } },
      ['weekly', 'sun', 0],
      /Sun 22:00–06:00 overlaps Mon 05:00–09:00/,
    ],
    ['a misspelt weekday', { weekly: { monday: nineToFive } }, ['weekly'], /monday/],
    ['an impossible closure date', { closures: ['2026-12-25', '2026-02-30'] }, ['closures', 1], /Closure must be a calendar date, YYYY-MM-DD/],
    ['a closure in another format', { closures: ['2026/12/25'] }, ['closures', 0], /YYYY-MM-DD/],
  ])('rejects %s, naming the field', (_label, input, path, message) => {
    const result = ZBusinessHours.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([expect.objectContaining({ path, message: expect.stringMatching(message) })]);
  });
});
