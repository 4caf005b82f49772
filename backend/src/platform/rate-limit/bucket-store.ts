// Where token buckets live: this process's memory (the embedded mode, one process) — the Redis store is shared.
import type { Clock } from '../../clock.js';
import { refillMs, takeToken, type BucketPolicy, type BucketState } from './token-bucket.js';

/** Takes one token from the bucket `key`; 0 means allowed, otherwise the milliseconds until one is back. */
export interface BucketStore {
  take(key: string, policy: BucketPolicy): Promise<number>;
  close(): Promise<void>;
}

/** Buckets beyond this many trigger a sweep of the full ones (a full bucket is the same as none). */
const SWEEP_ABOVE = 10_000;

/**
 * Buckets in this process's memory: right for one process (the embedded SQLite default); with
 * several processes each would allow the whole limit, so those share the Redis store.
 */
export function createMemoryBucketStore(clock: Clock): BucketStore {
  const buckets = new Map<string, { state: BucketState; forgetAfterMs: number }>();
  const sweep = (nowMs: number) => {
    for (const [key, bucket] of buckets) if (nowMs - bucket.state.updatedAtMs >= bucket.forgetAfterMs) buckets.delete(key);
  };
  return {
    async take(key, policy) {
      const nowMs = clock.now().getTime();
      if (buckets.size > SWEEP_ABOVE) sweep(nowMs);
      const decision = takeToken(buckets.get(key)?.state ?? null, policy, nowMs);
      buckets.set(key, { state: decision.state, forgetAfterMs: refillMs(policy) });
      return decision.allowed ? 0 : decision.retryAfterMs;
    },
    async close() {
      buckets.clear();
    },
  };
}
