// May a failed AI reply be tried again (issue 14 item 1)? Past its cut-off it was already on its way,
// but minutes of delivery retries must not put it on top of a human (SPEC §4, the safety rail).
import { mayAiReply, type SafetyRailBlock, type SafetyRailInput } from './safety-rail.js';
import { decideDeliveryFailed, type ReplyDecision, type ScheduledReplyState } from './scheduled-reply.js';

/** What the banner and the timeline say of a reply whose retries a human (or the customer) stopped. */
export const RETRY_STOPPED_BECAUSE: Readonly<Record<SafetyRailBlock, string>> = Object.freeze({
  taken_over: 'The connector could not be reached, and the conversation was taken over since: retries stopped',
  human_replied_since: 'The connector could not be reached, and an agent wrote to the customer since: retries stopped',
  newer_customer_message: 'The connector could not be reached, and the customer wrote again since: retries stopped',
  no_customer_message: 'The connector could not be reached, and the message it answered is gone: retries stopped',
});

/**
 * Before a retry of a `sending` reply: deliver (nothing changes), or end it `failed` with the reason
 * (`RETRY_STOPPED_BECAUSE`), its deliver job removed and `reply.failed` on the timeline. Only a retry
 * is checked (`attempts` > 0: a failed attempt was recorded): the first attempt keeps the cut-off's
 * promise. A reply an agent edited is a human's text and keeps retrying, like an agent's message.
 * @example decideDeliveryRetry(reply, { attempts: 1, lastError: 'HTTP 500', rail: takenOver }, now)
 * // → sending → failed, endReason RETRY_STOPPED_BECAUSE.taken_over
 */
export function decideDeliveryRetry(
  reply: ScheduledReplyState,
  command: { attempts: number; lastError: string | null; rail: SafetyRailInput },
  now: Date,
): ReplyDecision {
  const deliver: ReplyDecision = { next: reply, transition: null, effects: [], changed: false };
  if (reply.status !== 'sending' || command.attempts === 0 || reply.editedByAgentId !== null) return deliver;
  const verdict = mayAiReply(command.rail);
  if (verdict.allowed) return deliver;
  const failed = decideDeliveryFailed(reply, { error: RETRY_STOPPED_BECAUSE[verdict.reason], attempts: command.attempts, retryAt: null }, now);
  // The connector's last error stays on the timeline next to the reason.
  const effects = failed.effects.map((effect) => (effect.kind === 'record' ? { ...effect, details: { ...effect.details, deliveryError: command.lastError } } : effect));
  return { ...failed, effects };
}
