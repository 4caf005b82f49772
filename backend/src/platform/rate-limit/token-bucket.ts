// Token-bucket arithmetic for the abuse limits (issue 14 item 5): pure, the clock is a parameter.

/** `ratePerSecond` tokens flow in, at most `burst` are held; each request takes one. */
export interface BucketPolicy {
  ratePerSecond: number;
  burst: number;
}

/** A bucket as stored: its tokens at `updatedAtMs`. Absent: a full bucket. */
export interface BucketState {
  tokens: number;
  updatedAtMs: number;
}

export type BucketDecision = { allowed: true; state: BucketState } | { allowed: false; state: BucketState; retryAfterMs: number };

/**
 * Takes one token at `nowMs`. Refused: how long until one token is back.
 * @example takeToken(null, { ratePerSecond: 20, burst: 100 }, Date.now()).allowed // true
 */
export function takeToken(state: BucketState | null, policy: BucketPolicy, nowMs: number): BucketDecision {
  // A clock that went back (another process's reading) refills nothing rather than draining.
  const elapsedMs = state ? Math.max(0, nowMs - state.updatedAtMs) : 0;
  const tokens = state ? Math.min(policy.burst, state.tokens + (elapsedMs * policy.ratePerSecond) / 1000) : policy.burst;
  if (tokens >= 1) return { allowed: true, state: { tokens: tokens - 1, updatedAtMs: nowMs } };
  return { allowed: false, state: { tokens, updatedAtMs: nowMs }, retryAfterMs: Math.ceil(((1 - tokens) * 1000) / policy.ratePerSecond) };
}

/** Retry-After is whole seconds (RFC 9110 §10.2.3), never 0: "now" would be retried at once and refused again. */
export const retryAfterSeconds = (retryAfterMs: number) => Math.max(1, Math.ceil(retryAfterMs / 1000));

/** How long an untouched bucket takes to fill up again: after that, forgetting it changes nothing. */
export const refillMs = (policy: BucketPolicy) => Math.ceil((policy.burst * 1000) / policy.ratePerSecond);
