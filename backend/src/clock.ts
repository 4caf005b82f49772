// The server clock, injected everywhere so rules and tests never read the time on their own.

/** A source of "now". Services take one; pure domain functions take `now` as an argument. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * `base` read `offsetMs` later (or earlier): how tests give a process a wrong OS clock
 * (BATON_CLOCK_OFFSET_MS). An offset of 0 returns `base` itself.
 * @example shiftedClock(systemClock, 5000).now() // five seconds ahead of the OS clock
 */
export function shiftedClock(base: Clock, offsetMs: number): Clock {
  if (offsetMs === 0) return base;
  return { now: () => new Date(base.now().getTime() + offsetMs) };
}
