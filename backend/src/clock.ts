// The server clock, injected everywhere so rules and tests never read the time on their own.

/** A source of "now". Services take one; pure domain functions take `now` as an argument. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
