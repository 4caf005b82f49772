// Runs the event stream while tabs watch threads, and closes it a grace period after the last one left.
import type { EventStream } from './event-stream';
import type { WakeAlarm } from './wake-alarm';

/** How long the stream stays open after the last watched thread went away (a reload comes back fast). */
export const STREAM_GRACE_MS = 30_000;

/** Decides when the stream runs; see {@link createStreamLifetime}. */
export interface StreamLifetime {
  /** The number of watched threads changed. */
  watchesChanged(count: number): void;
  /** The wake alarm fired. */
  alarmFired(): void;
}

/**
 * Starts the stream (and arms the wake alarm) when the first thread is watched; stops it
 * {@link STREAM_GRACE_MS} after none is. Every change of the watched set also saves the cursor.
 *
 * @example
 * const lifetime = createStreamLifetime({ stream, alarm });
 * hub = createOverlayHub({ ..., onWatchesChanged: lifetime.watchesChanged });
 */
export function createStreamLifetime(deps: { stream: EventStream; alarm: WakeAlarm; graceMs?: number }): StreamLifetime {
  const graceMs = deps.graceMs ?? STREAM_GRACE_MS;
  let watching = 0;
  let graceTimer: ReturnType<typeof setTimeout> | null = null;

  const cancelGrace = () => {
    if (graceTimer) clearTimeout(graceTimer);
    graceTimer = null;
  };

  return {
    watchesChanged(count) {
      watching = count;
      void deps.stream.saveCursor();
      if (count > 0) {
        cancelGrace();
        deps.stream.start();
        void deps.alarm.arm();
        return;
      }
      if (graceTimer || !deps.stream.isRunning()) return;
      graceTimer = setTimeout(() => {
        graceTimer = null;
        if (watching > 0) return;
        void deps.stream.stop();
        void deps.alarm.disarm();
      }, graceMs);
    },
    alarmFired() {
      if (watching > 0) {
        deps.stream.start();
        deps.stream.wake();
      } else if (!graceTimer) {
        // A restarted worker that no tab came back to: nothing to keep awake for.
        void deps.alarm.disarm();
      }
    },
  };
}
