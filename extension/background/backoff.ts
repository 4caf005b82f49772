// Reconnect delays for the event stream: exponential, capped, with jitter so tabs never retry in step.

/** The first retry waits about this long. */
export const RECONNECT_BASE_MS = 1_000;
/** No retry waits longer than this. */
export const RECONNECT_CAP_MS = 30_000;

/**
 * How long to wait before reconnect attempt number `attempt` (0 for the first retry): the
 * exponential step `base · 2^attempt` capped at {@link RECONNECT_CAP_MS}, then "equal jitter"
 * (a random point in its upper half), so the delay is always within [step / 2, step].
 *
 * @example
 * reconnectDelayMs(0, Math.random); // 500..1000
 * reconnectDelayMs(10, Math.random); // 15000..30000
 */
export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(0, Math.floor(attempt)), 16); // 2^16 s is far past the cap
  const step = Math.min(RECONNECT_CAP_MS, RECONNECT_BASE_MS * 2 ** exponent);
  const drawn = random();
  const jitter = Number.isFinite(drawn) ? Math.min(Math.max(drawn, 0), 1) : 0.5;
  return Math.round(step / 2 + (step / 2) * jitter);
}
