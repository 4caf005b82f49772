// The safety rail (SPEC §4): no AI reply on top of a human; checked when a reply is drafted and again when it is sent.
import { isAiPaused, type TakeoverState } from './takeover.js';

export interface SafetyRailInput {
  /** Newest customer message of the conversation; null: the customer has not written. */
  lastCustomerMessageAt: Date | null;
  /** Newest human (agent) message; null: no agent has written. */
  lastAgentMessageAt: Date | null;
  /** The customer message this reply answers; null: it answers none. */
  inReplyToMessageAt: Date | null;
  takeover: TakeoverState;
}

/** Why the AI must stay quiet. `newer_customer_message` means supersede (a fresh draft follows); the others mean cancel. */
export const SAFETY_RAIL_BLOCKS = ['taken_over', 'no_customer_message', 'newer_customer_message', 'human_replied_since'] as const;
export type SafetyRailBlock = (typeof SAFETY_RAIL_BLOCKS)[number];

export type SafetyRailVerdict = { allowed: true } | { allowed: false; reason: SafetyRailBlock };

/**
 * May the AI send a reply to the customer message at `inReplyToMessageAt`? Only when nobody holds
 * the conversation, that message is still the newest customer message, and it is strictly newer
 * than the last human message. Checks run in that order, so a reply overtaken by both a human and
 * a newer customer message is superseded (the AI answers the newer message).
 * @example mayAiReply({ lastCustomerMessageAt: t1, lastAgentMessageAt: t2, inReplyToMessageAt: t1, takeover: NOT_TAKEN_OVER })
 * // t2 >= t1 → { allowed: false, reason: 'human_replied_since' }
 */
export function mayAiReply(input: SafetyRailInput): SafetyRailVerdict {
  const { lastCustomerMessageAt, lastAgentMessageAt, inReplyToMessageAt, takeover } = input;
  if (isAiPaused(takeover)) return { allowed: false, reason: 'taken_over' };
  if (lastCustomerMessageAt === null || inReplyToMessageAt === null) return { allowed: false, reason: 'no_customer_message' };
  if (lastCustomerMessageAt.getTime() > inReplyToMessageAt.getTime()) return { allowed: false, reason: 'newer_customer_message' };
  // A tie counts as "the human already answered": the rule asks for a strictly newer customer message.
  if (lastAgentMessageAt !== null && lastAgentMessageAt.getTime() >= inReplyToMessageAt.getTime()) {
    return { allowed: false, reason: 'human_replied_since' };
  }
  return { allowed: true };
}
