// The alarm that checks for notifications while a backend is configured, even with no helpdesk tab open
// (the event stream runs only while tabs watch threads, and Chrome stops an idle worker after 30 s).
import { browser } from 'wxt/browser';
import type { AlarmsApi } from './wake-alarm';

/** The alarm's name (the stream's own wake alarm is `baton-event-stream`). */
export const NOTIFICATIONS_ALARM_NAME = 'baton-notifications';
/** 30 s is the shortest period Chrome allows: a notification arrives within about that long. */
export const NOTIFICATIONS_PERIOD_MINUTES = 0.5;

/** Arms, disarms and listens to the notifications alarm. */
export interface NotificationsAlarm {
  /** Creates the periodic alarm unless it exists (re-creating would push its next firing back). */
  arm(): Promise<void>;
  disarm(): Promise<void>;
  /** Calls `listener` each time the alarm fires; returns a function that stops listening. Synchronous (MV3). */
  onFire(listener: () => void): () => void;
}

/**
 * Wraps `browser.alarms` for the notification checks. Never throws.
 *
 * @example
 * const alarm = createNotificationsAlarm();
 * alarm.onFire(() => checks.request());
 * await alarm.arm();
 */
export function createNotificationsAlarm(alarms: AlarmsApi = browser.alarms): NotificationsAlarm {
  return {
    async arm() {
      try {
        if (await alarms.get(NOTIFICATIONS_ALARM_NAME)) return;
        await alarms.create(NOTIFICATIONS_ALARM_NAME, { periodInMinutes: NOTIFICATIONS_PERIOD_MINUTES });
      } catch {
        // No alarms API (some test setups): the stream's events and worker starts still check.
      }
    },
    async disarm() {
      try {
        await alarms.clear(NOTIFICATIONS_ALARM_NAME);
      } catch {
        // Nothing to clear.
      }
    },
    onFire(listener) {
      const onAlarm = (alarm: { name: string }) => {
        if (alarm.name === NOTIFICATIONS_ALARM_NAME) listener();
      };
      alarms.onAlarm.addListener(onAlarm);
      return () => alarms.onAlarm.removeListener(onAlarm);
    },
  };
}
