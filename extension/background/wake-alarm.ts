// The alarm that wakes a stopped MV3 worker while tabs watch threads (Chrome stops idle workers after 30 s).
import { browser } from 'wxt/browser';

/** The alarm's name. */
export const WAKE_ALARM_NAME = 'baton-event-stream';
/** 30 s is the shortest period Chrome allows. */
export const WAKE_PERIOD_MINUTES = 0.5;

/** The part of `browser.alarms` the wake alarm uses. */
export type AlarmsApi = Pick<typeof browser.alarms, 'create' | 'clear' | 'get' | 'onAlarm'>;

/** Arms, disarms and listens to the wake alarm. */
export interface WakeAlarm {
  /** Creates the periodic alarm unless it exists (re-creating would push its next firing back). */
  arm(): Promise<void>;
  disarm(): Promise<void>;
  /** Calls `listener` each time the alarm fires; returns a function that stops listening. */
  onWake(listener: () => void): () => void;
}

/**
 * Wraps `browser.alarms` for the event stream's wake-ups. Never throws (an alarm is a safety net).
 *
 * @example
 * const alarm = createWakeAlarm();
 * alarm.onWake(() => stream.wake());
 * await alarm.arm();
 */
export function createWakeAlarm(alarms: AlarmsApi = browser.alarms): WakeAlarm {
  return {
    async arm() {
      try {
        if (await alarms.get(WAKE_ALARM_NAME)) return;
        await alarms.create(WAKE_ALARM_NAME, { periodInMinutes: WAKE_PERIOD_MINUTES });
      } catch {
        // No alarms permission or API (some test setups): the ports' pings still keep us awake.
      }
    },
    async disarm() {
      try {
        await alarms.clear(WAKE_ALARM_NAME);
      } catch {
        // Nothing to clear.
      }
    },
    onWake(listener) {
      const onAlarm = (alarm: { name: string }) => {
        if (alarm.name === WAKE_ALARM_NAME) listener();
      };
      alarms.onAlarm.addListener(onAlarm);
      return () => alarms.onAlarm.removeListener(onAlarm);
    },
  };
}
