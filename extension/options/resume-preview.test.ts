// The live preview: the same words as the banner, for business hours, after hours, split shifts and zones.
import { describe, expect, it } from 'vitest';
import { ZBusinessHours } from '../../shared/business-hours';
import { previewResume } from './resume-preview';

const nineToFive = ZBusinessHours.parse({ timeZone: 'America/Chicago' });
const splitShift = ZBusinessHours.parse({
  timeZone: 'America/Chicago',
  weekly: { mon: [{ open: '08:00', close: '12:00' }, { open: '13:00', close: '18:30' }], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] },
});

describe('previewResume', () => {
  it.each([
    ['Wednesday 10:00 CST, within hours → the day close', nineToFive, 60, '2026-01-14T16:00:00Z', 'AI resumes at 5:00 PM CST', 'today'],
    ['Wednesday 20:00 CST, after hours → 60 minutes later', nineToFive, 60, '2026-01-15T02:00:00Z', 'AI resumes at 9:00 PM CST', 'today'],
    ['Friday 16:30 CDT in July → 5:00 PM CDT', nineToFive, 60, '2026-07-17T21:30:00Z', 'AI resumes at 5:00 PM CDT', 'today'],
    ['Monday lunch break of a split shift → the last close', splitShift, 60, '2026-01-12T18:15:00Z', 'AI resumes at 6:30 PM CST', 'today'],
    ['Wednesday 23:30 CST, after hours → past midnight', nineToFive, 60, '2026-01-15T05:30:00Z', 'AI resumes at 12:30 AM CST', 'tomorrow'],
  ])('%s', (_name, hours, minutes, now, warning, day) => {
    const preview = previewResume(hours, minutes, new Date(now));
    expect(preview.warning).toBe(warning);
    expect(preview.day).toBe(day);
  });

  it('says where the zone is now and which rule applies', () => {
    expect(previewResume(nineToFive, 60, new Date('2026-01-14T16:00:00Z')).context).toBe('It is 10:00 AM CST there, within business hours: the AI resumes when the business day ends.');
    expect(previewResume(nineToFive, 45, new Date('2026-01-15T02:00:00Z')).context).toContain('outside business hours: the AI resumes after 45 minutes');
  });

  it('a release a day ahead in another zone is tomorrow, in that zone', () => {
    const closedWeekend = ZBusinessHours.parse({ timeZone: 'Europe/Berlin', weekly: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] } });
    expect(previewResume(closedWeekend, 24 * 60, new Date('2026-01-14T12:00:00Z'))).toMatchObject({ warning: 'AI resumes at 1:00 PM CET', day: 'tomorrow' });
  });
});
