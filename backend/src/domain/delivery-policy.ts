// When an outbound delivery is tried again, and when it gives up (SPEC §7, issue 11 item 2): pure timing rules.

/** Delivery retries: attempts in all, and the backoff after `attempt` failed ones. */
export interface DeliveryPolicy {
  maxAttempts: number;
  retryDelayMs(attempt: number): number;
}

/**
 * 10 attempts, 2 s / 4 s / 8 s / 16 s / 32 s apart, then 60 s (4 times): the last attempt is made about
 * 5 minutes (302 s) after the first, so a connector outage of a few minutes delays a message instead of
 * failing it (issue 14: a one-minute outage failed ~200 replies under the old 30 s of retries).
 */
export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = { maxAttempts: 10, retryDelayMs: (attempt) => Math.min(2 ** attempt * 1000, 60_000) };

/** From the first attempt to the last one of `policy` when every attempt fails at once (the connector's own timeouts add to it). */
export function deliveryRetryWindowMs(policy: DeliveryPolicy): number {
  let total = 0;
  for (let failed = 1; failed < policy.maxAttempts; failed += 1) total += policy.retryDelayMs(failed);
  return total;
}

/**
 * How long to wait after `failedAttempts` failed attempts; null: give up (the delivery is `failed`).
 * @example nextDeliveryDelayMs(DEFAULT_DELIVERY_POLICY, 1) // 2000
 */
export function nextDeliveryDelayMs(policy: DeliveryPolicy, failedAttempts: number): number | null {
  return failedAttempts < policy.maxAttempts ? policy.retryDelayMs(failedAttempts) : null;
}

/** What the deliver job waits beyond the connector's timeout for the attempt made right after the commit. */
export const HANDOVER_MARGIN_MS = 5000;

/**
 * When the deliver job first runs: the process that committed the cut-off delivers at once; the job
 * only takes over once that attempt must have ended (the connector's timeout, plus a margin), so a
 * slow but healthy connector is not called twice.
 */
export function deliveryHandoverAt(connectorTimeoutMs: number, now: Date): Date {
  return new Date(now.getTime() + connectorTimeoutMs + HANDOVER_MARGIN_MS);
}

/** The deliver job's lock lifetime: one connector call and its acknowledgement, with room to spare. */
export function deliveryJobLockLifetimeMs(connectorTimeoutMs: number): number {
  return connectorTimeoutMs + 20_000;
}

/**
 * The deliver job's backoff, by the job's own failure count. The job's first run normally follows
 * the attempt made right after the commit, so its failure n is the delivery's attempt n + 1.
 */
export function deliveryJobRetryDelayMs(policy: DeliveryPolicy, jobFailures: number): number | null {
  return nextDeliveryDelayMs(policy, jobFailures + 1);
}
