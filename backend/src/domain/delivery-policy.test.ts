// Delivery timing: backoff, giving up, and the deliver job's handover after the inline attempt.
import { describe, expect, it } from 'vitest';
import { DEFAULT_DELIVERY_POLICY, deliveryHandoverAt, deliveryRetryWindowMs, deliveryJobRetryDelayMs, nextDeliveryDelayMs, type DeliveryPolicy } from './delivery-policy.js';

describe('nextDeliveryDelayMs', () => {
  it.each([
    [1, 2000],
    [2, 4000],
    [3, 8000],
    [4, 16_000],
    [5, 32_000],
    [6, 60_000],
    [9, 60_000],
    [10, null],
    [11, null],
  ])('after %i failed attempts of the default 10: %s', (failed, delay) => {
    expect(nextDeliveryDelayMs(DEFAULT_DELIVERY_POLICY, failed)).toBe(delay);
  });

  it('rides out a connector outage of about 5 minutes before giving up', () => {
    expect(deliveryRetryWindowMs(DEFAULT_DELIVERY_POLICY)).toBe(302_000);
  });

  it('gives up at once with a single attempt', () => {
    expect(nextDeliveryDelayMs({ maxAttempts: 1, retryDelayMs: () => 300 }, 1)).toBeNull();
  });
});

describe('the deliver job', () => {
  const policy: DeliveryPolicy = { maxAttempts: 3, retryDelayMs: (attempt) => attempt * 100 };

  it('counts the inline attempt before its own failures', () => {
    expect([1, 2, 3].map((failures) => deliveryJobRetryDelayMs(policy, failures))).toEqual([200, null, null]);
  });

  it('takes over after the connector timeout and a margin', () => {
    expect(deliveryHandoverAt(10_000, new Date('2026-12-02T10:00:00.000Z')).toISOString()).toBe('2026-12-02T10:00:15.000Z');
  });
});
