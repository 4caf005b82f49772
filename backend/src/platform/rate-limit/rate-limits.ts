// The abuse limits (issue 14 item 5): mutations per credential, webhooks per tenant; they fail open.
import type { Clock } from '../../clock.js';
import type { Logger } from '../../logger.js';
import { createMemoryBucketStore, type BucketStore } from './bucket-store.js';
import { createRedisBucketStore } from './redis-bucket-store.js';
import { retryAfterSeconds, type BucketPolicy } from './token-bucket.js';

export interface RateLimitPolicies {
  /** tRPC mutations, per credential (API key, or agent for tokens). */
  mutation: BucketPolicy;
  /** Webhook requests, per tenant (after the signature check). */
  webhook: BucketPolicy;
}

/**
 * Generous for people and integrations, a wall for a runaway script: an agent clicks a few times
 * a minute and a helpdesk integration sends a handful a second. Benchmarks raise them by env.
 */
export const DEFAULT_RATE_LIMITS: RateLimitPolicies = {
  mutation: { ratePerSecond: 20, burst: 100 },
  webhook: { ratePerSecond: 200, burst: 1000 },
};

/** Refused: the whole seconds to wait (the Retry-After value) and the policy, for the message. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number; policy: BucketPolicy };

export interface RateLimits {
  takeMutation(credential: string): Promise<RateDecision>;
  takeWebhook(tenantId: string): Promise<RateDecision>;
  close(): Promise<void>;
}

/** No limits: services built without HTTP (tests calling procedures through createCaller). */
export const unlimited: RateLimits = {
  takeMutation: async () => ({ allowed: true }),
  takeWebhook: async () => ({ allowed: true }),
  close: async () => undefined,
};

/**
 * Limits on `store`. When the store fails (Redis down or slow) the request is allowed and that is
 * logged once until it works again: rate limiting must never take the API down.
 */
export function createRateLimits(store: BucketStore, policies: RateLimitPolicies, log: Logger): RateLimits {
  let failing = false;
  const take = async (key: string, policy: BucketPolicy): Promise<RateDecision> => {
    let retryAfterMs: number;
    try {
      retryAfterMs = await store.take(key, policy);
    } catch (error) {
      if (!failing) log.warn({ err: error }, 'rate limits not enforced: their store (Redis) is unavailable; allowing requests until it is back');
      failing = true;
      return { allowed: true };
    }
    if (failing) log.info('rate limits enforced again: their store (Redis) is back');
    failing = false;
    return retryAfterMs === 0 ? { allowed: true } : { allowed: false, retryAfterSeconds: retryAfterSeconds(retryAfterMs), policy };
  };
  return {
    takeMutation: (credential) => take(`mutation:${credential}`, policies.mutation),
    takeWebhook: (tenantId) => take(`webhook:${tenantId}`, policies.webhook),
    close: () => store.close(),
  };
}

/** Shared buckets on Redis when there is one (several processes), this process's memory otherwise. */
export function rateLimitsFor(options: { redisUrl: string | null; policies: RateLimitPolicies; clock: Clock; log: Logger }): RateLimits {
  const store = options.redisUrl ? createRedisBucketStore(options.redisUrl) : createMemoryBucketStore(options.clock);
  return createRateLimits(store, options.policies, options.log);
}

/** "20 a second (bursts of 100)": how a refusal states the limit. */
export const describePolicy = (policy: BucketPolicy) => `${policy.ratePerSecond} a second (bursts of ${policy.burst})`;
