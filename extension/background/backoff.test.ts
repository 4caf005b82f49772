// Reconnect delays grow exponentially from ~1 s and stop growing at 30 s, jittered within each step.
import { describe, expect, it } from 'vitest';
import { RECONNECT_CAP_MS, reconnectDelayMs } from './backoff';

describe('reconnectDelayMs', () => {
  it.each([
    [0, 1_000],
    [1, 2_000],
    [2, 4_000],
    [3, 8_000],
    [4, 16_000],
    [5, 30_000],
    [6, 30_000],
    [50, 30_000],
  ])('attempt %i waits at most %i ms and at least half of it', (attempt, step) => {
    expect(reconnectDelayMs(attempt, () => 1)).toBe(step);
    expect(reconnectDelayMs(attempt, () => 0)).toBe(step / 2);
  });

  it('never exceeds the cap, whatever the random source says', () => {
    for (const random of [() => 0.999, () => 5, () => -1, () => Number.NaN]) {
      const delay = reconnectDelayMs(100, random);
      expect(delay).toBeLessThanOrEqual(RECONNECT_CAP_MS);
      expect(delay).toBeGreaterThanOrEqual(RECONNECT_CAP_MS / 2);
    }
  });
});
