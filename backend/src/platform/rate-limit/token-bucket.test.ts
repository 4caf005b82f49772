// The token bucket's arithmetic: bursts, sustained rate, refill, the retry delay, a clock going back.
import { describe, expect, it } from 'vitest';
import { refillMs, retryAfterSeconds, takeToken, type BucketPolicy, type BucketState } from './token-bucket.js';

const POLICY: BucketPolicy = { ratePerSecond: 20, burst: 100 };
const T0 = 1_764_000_000_000;

/** Takes `count` tokens at the same instant; how many were allowed, and the last state. */
function takeMany(state: BucketState | null, count: number, nowMs: number, policy = POLICY) {
  let allowed = 0;
  let last = state;
  for (let index = 0; index < count; index++) {
    const decision = takeToken(last, policy, nowMs);
    if (decision.allowed) allowed++;
    last = decision.state;
  }
  return { allowed, state: last };
}

describe('takeToken', () => {
  it('starts full: a burst of exactly `burst` is allowed, the next is refused', () => {
    const { allowed, state } = takeMany(null, 150, T0);
    expect(allowed).toBe(100);
    expect(takeToken(state, POLICY, T0)).toMatchObject({ allowed: false, retryAfterMs: 50 });
  });

  it.each([
    // elapsed after emptying → tokens back (20/s)
    [49, 0],
    [50, 1],
    [500, 10],
    [5_000, 100],
    [60_000, 100], // never more than the burst
  ])('after %i ms an empty bucket allows %i more', (elapsedMs, expected) => {
    const empty = takeMany(null, 100, T0).state;
    expect(takeMany(empty, 200, T0 + elapsedMs).allowed).toBe(expected);
  });

  it('sustains the rate: one request every 50 ms for a minute is never refused after the burst is spent', () => {
    let state = takeMany(null, 100, T0).state;
    for (let ms = 50; ms <= 60_000; ms += 50) {
      const decision = takeToken(state, POLICY, T0 + ms);
      expect(decision.allowed).toBe(true);
      state = decision.state;
    }
  });

  it.each([
    [{ ratePerSecond: 20, burst: 100 }, 50],
    [{ ratePerSecond: 1, burst: 5 }, 1000],
    [{ ratePerSecond: 0.5, burst: 1 }, 2000],
  ])('an empty bucket of %o says retry after %i ms', (policy, retryMs) => {
    const empty = takeMany(null, policy.burst, T0, policy).state;
    expect(takeToken(empty, policy, T0)).toMatchObject({ allowed: false, retryAfterMs: retryMs });
  });

  it('a clock that went back refills nothing and does not drain either', () => {
    const empty = takeMany(null, 100, T0).state;
    expect(takeToken(empty, POLICY, T0 - 10_000)).toMatchObject({ allowed: false, state: { tokens: 0 } });
  });
});

describe('retryAfterSeconds', () => {
  it.each([
    [0, 1],
    [1, 1],
    [1000, 1],
    [1001, 2],
    [59_500, 60],
  ])('%i ms → %i s', (ms, seconds) => expect(retryAfterSeconds(ms)).toBe(seconds));
});

describe('refillMs', () => {
  it.each([
    [{ ratePerSecond: 20, burst: 100 }, 5000],
    [{ ratePerSecond: 200, burst: 1000 }, 5000],
    [{ ratePerSecond: 3, burst: 1 }, 334],
  ])('%o refills in %i ms', (policy, ms) => expect(refillMs(policy)).toBe(ms));
});
