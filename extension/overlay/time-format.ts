// Pure time wording for the banners: clock times in the tenant zone, countdowns, escalation age (SPEC §2.5, §3.3).
import { DateTime } from 'luxon';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** Parses an ISO instant into the tenant zone; an unknown zone falls back to UTC rather than "Invalid DateTime". */
function inZone(iso: string, timeZone: string): DateTime {
  const instant = DateTime.fromISO(iso, { zone: 'utc' }).setLocale('en-US');
  const zoned = instant.setZone(timeZone);
  return zoned.isValid ? zoned : instant;
}

/**
 * A clock time in the tenant zone with its abbreviation, e.g. `2:05 PM CST` (luxon `h:mm a ZZZZ`,
 * en-US so the wording matches the server's `AI resumes at …` whatever the browser's locale). The
 * zone is named because the helpdesk around the banner may show times in another zone.
 *
 * @example formatClockTime('2025-01-15T20:05:00Z', 'America/Chicago') // '2:05 PM CST'
 */
export function formatClockTime(iso: string, timeZone: string): string {
  return inZone(iso, timeZone).toFormat('h:mm a ZZZZ');
}

/**
 * When a timeline entry happened: `2:05 PM` on the tenant's today, `Jan 14, 2:05 PM` before that.
 *
 * @param nowMs the server's now (local clock + offset), to tell "today" in the tenant zone
 */
export function formatTimelineTime(iso: string, timeZone: string, nowMs: number): string {
  const at = inZone(iso, timeZone);
  const today = inZone(new Date(nowMs).toISOString(), timeZone);
  return at.hasSame(today, 'day') ? at.toFormat('h:mm a') : at.toFormat('MMM d, h:mm a');
}

/**
 * The scheduled-reply countdown (SPEC §3.3): `Sending in ~45 s`, `Sending…` once due.
 * Above 10 s the figure moves in 5-second steps (the `~` says it is approximate), in the last 10 s
 * by the second: the text sits in a polite live region, so a screen reader hears a change at most
 * every 5 s until the moment that matters.
 *
 * @param remainingMs dueAt − server now
 */
export function formatReplyCountdown(remainingMs: number): string {
  const seconds = remainingMs / 1000;
  if (seconds <= 0) return 'Sending…';
  if (seconds < 10) return `Sending in ~${Math.ceil(seconds)} s`;
  return `Sending in ~${Math.round(seconds / 5) * 5} s`;
}

/**
 * A short countdown `m:ss` (`4:59`), never negative.
 *
 * @example formatMinutesSeconds(299_000) // '4:59'
 */
export function formatMinutesSeconds(remainingMs: number): string {
  const totalSeconds = Math.max(0, Math.ceil(remainingMs / 1000));
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  return `${minutes}:${String(seconds).padStart(2, '0')}`;
}

/**
 * How long an escalation has been open: `open <1 min`, `open 12 min`, `open 2 h 5 min`, `open 1 d 3 h`.
 *
 * @param openMs server now − openedAt
 */
export function formatEscalationAge(openMs: number): string {
  const ms = Math.max(0, openMs);
  if (ms < MINUTE_MS) return 'open <1 min';
  if (ms < HOUR_MS) return `open ${Math.floor(ms / MINUTE_MS)} min`;
  if (ms < DAY_MS) {
    const hours = Math.floor(ms / HOUR_MS);
    const minutes = Math.floor((ms % HOUR_MS) / MINUTE_MS);
    return minutes === 0 ? `open ${hours} h` : `open ${hours} h ${minutes} min`;
  }
  const days = Math.floor(ms / DAY_MS);
  const hours = Math.floor((ms % DAY_MS) / HOUR_MS);
  return hours === 0 ? `open ${days} d` : `open ${days} d ${hours} h`;
}

/**
 * Whether the takeover is in its last `releaseWarningMinutes` before auto-release (SPEC §2.5): the
 * server's flag, or the server clock having reached the warning period since the view was read.
 */
export function isInReleaseWarning(
  takeover: { autoReleaseAt: string | null; warningActive: boolean },
  releaseWarningMinutes: number,
  nowMs: number,
): boolean {
  if (takeover.warningActive) return true;
  if (takeover.autoReleaseAt === null) return false;
  const releaseAt = Date.parse(takeover.autoReleaseAt);
  return Number.isFinite(releaseAt) && nowMs >= releaseAt - releaseWarningMinutes * MINUTE_MS;
}

/** Milliseconds from `nowMs` until the warning period starts (≤ 0: already in it; null: no auto-release). */
export function msUntilReleaseWarning(autoReleaseAt: string | null, releaseWarningMinutes: number, nowMs: number): number | null {
  if (autoReleaseAt === null) return null;
  const releaseAt = Date.parse(autoReleaseAt);
  return Number.isFinite(releaseAt) ? releaseAt - releaseWarningMinutes * MINUTE_MS - nowMs : null;
}
