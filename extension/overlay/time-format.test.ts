// Time wording: tenant-zone clock times (DST included), countdown steps, escalation age, the warning period.
import { describe, expect, it } from 'vitest';
import {
  formatClockTime,
  formatEscalationAge,
  formatMinutesSeconds,
  formatReplyCountdown,
  formatTimelineTime,
  isInReleaseWarning,
  msUntilReleaseWarning,
} from './time-format';

describe('formatClockTime', () => {
  it.each([
    ['2025-01-15T20:05:00Z', 'America/Chicago', '2:05 PM CST'],
    ['2025-07-15T19:05:00Z', 'America/Chicago', '2:05 PM CDT'], // daylight saving: the zone's summer abbreviation
    ['2025-01-15T08:30:00Z', 'Europe/Berlin', '9:30 AM GMT+1'],
    ['2025-01-15T20:05:00Z', 'Not/AZone', '8:05 PM UTC'], // unknown zone: UTC, never "Invalid DateTime"
  ])('%s in %s is %s', (iso, zone, expected) => {
    expect(formatClockTime(iso, zone)).toBe(expected);
  });
});

describe('formatTimelineTime', () => {
  const now = Date.parse('2025-01-15T20:10:00Z'); // 2:10 PM CST
  it.each([
    ['today in the tenant zone', '2025-01-15T16:00:00Z', '10:00 AM'],
    ['yesterday in the tenant zone (still the 15th in UTC)', '2025-01-15T05:00:00Z', 'Jan 14, 11:00 PM'],
  ])('%s', (_case, iso, expected) => {
    expect(formatTimelineTime(iso, 'America/Chicago', now)).toBe(expected);
  });
});

describe('formatReplyCountdown', () => {
  it.each([
    [45_000, 'Sending in ~45 s'],
    [44_000, 'Sending in ~45 s'],
    [42_400, 'Sending in ~40 s'],
    [120_000, 'Sending in ~120 s'],
    [10_000, 'Sending in ~10 s'],
    [9_200, 'Sending in ~10 s'],
    [7_000, 'Sending in ~7 s'],
    [300, 'Sending in ~1 s'],
    [0, 'Sending…'],
    [-5_000, 'Sending…'],
  ])('%i ms left → %s', (remaining, expected) => {
    expect(formatReplyCountdown(remaining)).toBe(expected);
  });
});

describe('formatMinutesSeconds', () => {
  it.each([
    [299_000, '4:59'],
    [300_000, '5:00'],
    [61_500, '1:02'],
    [9_000, '0:09'],
    [-1, '0:00'],
  ])('%i ms → %s', (remaining, expected) => {
    expect(formatMinutesSeconds(remaining)).toBe(expected);
  });
});

describe('formatEscalationAge', () => {
  it.each([
    [30_000, 'open <1 min'],
    [3 * 60_000, 'open 3 min'],
    [12 * 60_000 + 59_000, 'open 12 min'],
    [2 * 3_600_000, 'open 2 h'],
    [2 * 3_600_000 + 5 * 60_000, 'open 2 h 5 min'],
    [26 * 3_600_000, 'open 1 d 2 h'],
    [-5_000, 'open <1 min'],
  ])('%i ms → %s', (ms, expected) => {
    expect(formatEscalationAge(ms)).toBe(expected);
  });
});

describe('the release warning period', () => {
  const releaseAt = '2025-01-15T23:00:00.000Z';
  const release = Date.parse(releaseAt);
  it.each([
    ['before the last 15 minutes', { autoReleaseAt: releaseAt, warningActive: false }, release - 16 * 60_000, false],
    ['at its start', { autoReleaseAt: releaseAt, warningActive: false }, release - 15 * 60_000, true],
    ['the server says so', { autoReleaseAt: releaseAt, warningActive: true }, release - 60 * 60_000, true],
    ['no auto-release', { autoReleaseAt: null, warningActive: false }, release, false],
  ])('%s', (_case, takeover, now, expected) => {
    expect(isInReleaseWarning(takeover, 15, now)).toBe(expected);
  });

  it('says how long until it starts', () => {
    expect(msUntilReleaseWarning(releaseAt, 15, release - 20 * 60_000)).toBe(5 * 60_000);
    expect(msUntilReleaseWarning(null, 15, release)).toBeNull();
  });
});
