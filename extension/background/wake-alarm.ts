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
  const alarm = createPeriodicAlarm(WAKE_ALARM_NAME, WAKE_PERIOD_MINUTES, alarms);
  return { arm: alarm.arm, disarm: alarm.disarm, onWake: alarm.onFire };
}

/** A named periodic alarm: armed once (re-creating would push its next firing back), never throws. */
export interface PeriodicAlarm {
  arm(): Promise<void>;
  disarm(): Promise<void>;
  /** Calls `listener` each time the alarm fires; returns a function that stops listening. Synchronous (MV3). */
  onFire(listener: () => void): () => void;
}

/**
 * Wraps `browser.alarms` for one named periodic alarm. Without an alarms API (some test setups)
 * arming does nothing: callers keep their other triggers.
 *
 * @example
 * const alarm = createPeriodicAlarm('baton-notifications', 0.5);
 * alarm.onFire(() => check());
 * await alarm.arm();
 */
export function createPeriodicAlarm(name: string, periodInMinutes: number, alarms: AlarmsApi = browser.alarms): PeriodicAlarm {
  return {
    async arm() {
      try {
        if (await alarms.get(name)) return;
        await alarms.create(name, { periodInMinutes });
      } catch {
        // No alarms permission or API.
      }
    },
    async disarm() {
      try {
        await alarms.clear(name);
      } catch {
        // Nothing to clear.
      }
    },
    onFire(listener) {
      const onAlarm = (alarm: { name: string }) => {
        if (alarm.name === name) listener();
      };
      alarms.onAlarm.addListener(onAlarm);
      return () => alarms.onAlarm.removeListener(onAlarm);
    },
  };
}
