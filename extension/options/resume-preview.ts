// The business-hours preview: when a takeover started now would hand back to the AI, worded like the
// takeover banner (`AI resumes at 5:00 PM CST`), with the pure rule the backend uses (SPEC §2.4).
import { DateTime } from 'luxon';
import type { BusinessHours } from '../../shared/business-hours';
import { autoReleaseAt, formatResumeWarning, formatTenantTime, isWithinBusinessHours } from '../../backend/src/domain/business-hours';

/** What the preview shows for "a takeover now". */
export interface ResumePreview {
  /** `AI resumes at 5:00 PM CST`, as the banner would say it. */
  warning: string;
  /** `today`, `tomorrow` or `on Mon, Jan 12`, in the tenant zone. */
  day: string;
  /** `It is 3:12 PM CST, within business hours.` */
  context: string;
}

/**
 * Computes the preview for a takeover at `now` under `hours`.
 * @example previewResume(DEFAULT_BUSINESS_HOURS, 60, new Date('2026-01-14T16:00:00Z')).warning // 'AI resumes at 5:00 PM CST'
 */
export function previewResume(hours: BusinessHours, afterHoursReleaseMinutes: number, now: Date): ResumePreview {
  const releaseAt = autoReleaseAt(hours, now, afterHoursReleaseMinutes);
  const today = DateTime.fromJSDate(now, { zone: hours.timeZone }).startOf('day');
  const releaseDay = DateTime.fromJSDate(releaseAt, { zone: hours.timeZone }).startOf('day');
  const daysAhead = Math.round(releaseDay.diff(today, 'days').days);
  const day = daysAhead === 0 ? 'today' : daysAhead === 1 ? 'tomorrow' : `on ${releaseDay.setLocale('en-US').toFormat('EEE, MMM d')}`;
  const open = isWithinBusinessHours(hours, now);
  return {
    warning: formatResumeWarning(releaseAt, hours.timeZone),
    day,
    context: `It is ${formatTenantTime(now, hours.timeZone)} there, ${open ? 'within business hours: the AI resumes when the business day ends' : `outside business hours: the AI resumes after ${afterHoursReleaseMinutes} minutes, or when the next window closes if that is sooner`}.`,
  };
}
