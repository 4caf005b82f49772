// The limits over a bucket store: refusals carry whole seconds, a failing store fails open and says so once.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../clock.js';
import { createLogger } from '../../logger.js';
import { createMemoryBucketStore, type BucketStore } from './bucket-store.js';
import { createRateLimits } from './rate-limits.js';

const POLICIES = { mutation: { ratePerSecond: 2, burst: 3 }, webhook: { ratePerSecond: 1, burst: 1 } };

function capturedLogger() {
  const lines: { level: number; msg: string }[] = [];
  const destination = new Writable({ write: (chunk, _encoding, done) => (lines.push(JSON.parse(String(chunk)) as { level: number; msg: string }), done()) });
  return { log: createLogger('info', destination), lines };
}

/** A clock the test moves by hand (a unit test of pure-ish arithmetic; no timers involved). */
function manualClock(startMs: number): Clock & { advance(ms: number): void } {
  let nowMs = startMs;
  return { now: () => new Date(nowMs), advance: (ms) => (nowMs += ms) };
}

describe('createRateLimits on the memory store', () => {
  it('keeps mutation and webhook budgets apart, per key, and says when to retry', async () => {
    const clock = manualClock(1_764_000_000_000);
    const limits = createRateLimits(createMemoryBucketStore(clock), POLICIES, capturedLogger().log);
    const decisions = [];
    for (let index = 0; index < 4; index++) decisions.push(await limits.takeMutation('api_key:1'));
    expect(decisions.map((decision) => decision.allowed)).toEqual([true, true, true, false]);
    expect(decisions[3]).toEqual({ allowed: false, retryAfterSeconds: 1, policy: POLICIES.mutation });
    expect(await limits.takeMutation('api_key:2')).toEqual({ allowed: true });
    expect(await limits.takeWebhook('api_key:1')).toEqual({ allowed: true });
    clock.advance(500);
    expect(await limits.takeMutation('api_key:1')).toEqual({ allowed: true });
  });
});

describe('createRateLimits on a failing store', () => {
  it('allows every request, logs one warning for the outage and one line when the store is back', async () => {
    let down = true;
    const store: BucketStore = {
      take: async () => {
        if (down) throw new Error('Connection is closed.');
        return 1500;
      },
      close: async () => undefined,
    };
    const { log, lines } = capturedLogger();
    const limits = createRateLimits(store, POLICIES, log);
    for (let index = 0; index < 5; index++) expect(await limits.takeMutation('agent:1')).toEqual({ allowed: true });
    expect(lines.map((line) => [line.level, line.msg])).toEqual([[40, 'rate limits not enforced: their store (Redis) is unavailable; allowing requests until it is back']]);

    down = false;
    expect(await limits.takeWebhook('tenant')).toEqual({ allowed: false, retryAfterSeconds: 2, policy: POLICIES.webhook });
    expect(lines.map((line) => line.msg)).toEqual([
      'rate limits not enforced: their store (Redis) is unavailable; allowing requests until it is back',
      'rate limits enforced again: their store (Redis) is back',
    ]);
  });
});
