// The alarm that checks for notifications while a backend is configured, even with no helpdesk tab open
// (the event stream runs only while tabs watch threads, and Chrome stops an idle worker after 30 s).
import { browser } from 'wxt/browser';
import { createPeriodicAlarm, type AlarmsApi, type PeriodicAlarm } from './wake-alarm';

/** The alarm's name (the stream's own wake alarm is `baton-event-stream`). */
export const NOTIFICATIONS_ALARM_NAME = 'baton-notifications';
/** 30 s is the shortest period Chrome allows: a notification arrives within about that long. */
export const NOTIFICATIONS_PERIOD_MINUTES = 0.5;

/**
 * The notification checks' alarm. Never throws.
 *
 * @example
 * const alarm = createNotificationsAlarm();
 * alarm.onFire(() => checks.request());
 * await alarm.arm();
 */
export function createNotificationsAlarm(alarms: AlarmsApi = browser.alarms): PeriodicAlarm {
  return createPeriodicAlarm(NOTIFICATIONS_ALARM_NAME, NOTIFICATIONS_PERIOD_MINUTES, alarms);
}
