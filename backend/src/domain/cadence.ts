// Reply cadence rules (SPEC §3.1–§3.2): validate the setting, draw a delay, compute when a held AI reply is due.
import { ZReplyCadence, type ReplyCadence } from '../../../shared/reply-cadence.js';
import { DomainError } from './errors.js';

export { DEFAULT_REPLY_CADENCE, MAX_REPLY_DELAY_SECONDS, ZReplyCadence, type ReplyCadence } from '../../../shared/reply-cadence.js';

/** A source of uniform numbers in `[0, 1)`, like `Math.random`; injected so tests can pin the draw. */
export type RandomSource = () => number;

/**
 * Parses a cadence setting, throwing `DomainError('BAD_REQUEST', message, field)` for the first
 * problem, where `field` is `enabled`, `minDelaySeconds` or `maxDelaySeconds`.
 * @example parseReplyCadence({ enabled: true, minDelaySeconds: 200, maxDelaySeconds: 120 })
 * // throws "minDelaySeconds must be at most maxDelaySeconds (120)" on field minDelaySeconds
 */
export function parseReplyCadence(input: unknown): ReplyCadence {
  const result = ZReplyCadence.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.length > 0 ? String(issue.path[0]) : undefined;
  throw new DomainError('BAD_REQUEST', issue.message, field);
}

/**
 * Draws a delay uniformly from the whole seconds `[minDelaySeconds, maxDelaySeconds]`, both ends
 * included (a fresh draw per reply, SPEC §3.2). `enabled` is not consulted here.
 * @example drawDelaySeconds({ enabled: true, minDelaySeconds: 30, maxDelaySeconds: 120 }, () => 0) // 30
 */
export function drawDelaySeconds(cadence: ReplyCadence, random: RandomSource): number {
  const { minDelaySeconds, maxDelaySeconds } = parseReplyCadence(cadence);
  const sample = random();
  // A broken random source is a programming error, not something an agent can act on.
  if (!(sample >= 0 && sample < 1)) throw new RangeError(`random source returned ${sample}; expected a number in [0, 1)`);
  return minDelaySeconds + Math.floor(sample * (maxDelaySeconds - minDelaySeconds + 1));
}

/**
 * When an AI reply drafted at `now` is due: `null` when cadence is off (send at once), otherwise
 * `now` plus a fresh draw. With cadence on and a 0 s draw the reply is still held, due at `now`.
 * @example replyDueAt(now, { enabled: true, minDelaySeconds: 45, maxDelaySeconds: 45 }, random) // now + 45 s
 */
export function replyDueAt(now: Date, cadence: ReplyCadence, random: RandomSource): Date | null {
  if (!cadence.enabled) return null;
  return new Date(now.getTime() + drawDelaySeconds(cadence, random) * 1000);
}
