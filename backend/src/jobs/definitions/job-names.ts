// Names and payloads of the conversation jobs; handlers are registered in ./conversation-jobs.ts.
import { z } from 'zod';

export const AI_DRAFT_JOB = 'ai.draft';
export const REPLY_SEND_JOB = 'reply.send';
export const REPLY_DELIVER_JOB = 'reply.deliver';
export const MESSAGE_DELIVER_JOB = 'message.deliver';
export const AUTO_RELEASE_JOB = 'takeover.auto_release';
export const ESCALATION_FLUSH_JOB = 'escalation.notify_flush';
export const SLA_CHECK_JOB = 'sla.check';

const base = { dueAt: z.string(), ref: z.string(), tenantId: z.uuid() };

/** Draft an AI reply to one customer message (scheduled in the message's transaction). */
export const ZAiDraftPayload = z.object({ ...base, conversationId: z.uuid(), messageId: z.uuid() });
export type AiDraftPayload = z.infer<typeof ZAiDraftPayload>;

/** Send one scheduled reply when due (scheduled in the reply's transaction). */
export const ZReplySendPayload = z.object({ ...base, replyId: z.uuid() });
export type ReplySendPayload = z.infer<typeof ZReplySendPayload>;

/**
 * Deliver a reply past its cut-off (armed in the cut-off's transaction): the at-least-once guarantee
 * behind the delivery made right after the commit (issue 11 item 2).
 */
export const ZReplyDeliverPayload = z.object({ ...base, replyId: z.uuid() });
export type ReplyDeliverPayload = z.infer<typeof ZReplyDeliverPayload>;

/** Deliver an agent message sent through Baton (armed in the message's transaction). */
export const ZMessageDeliverPayload = z.object({ ...base, messageId: z.uuid() });
export type MessageDeliverPayload = z.infer<typeof ZMessageDeliverPayload>;

/** Release one takeover at its autoReleaseAt; `takenOverAt` identifies the takeover it was armed for. */
export const ZAutoReleasePayload = z.object({ ...base, conversationId: z.uuid(), takenOverAt: z.string() });
export type AutoReleasePayload = z.infer<typeof ZAutoReleasePayload>;

/** Send the re-escalated notification coalesced in a window, at the window's end (SPEC §5.10). */
export const ZEscalationFlushPayload = z.object({ ...base, escalationId: z.uuid() });
export type EscalationFlushPayload = z.infer<typeof ZEscalationFlushPayload>;

/** Check, slaResponseMinutes after a customer message, that someone answered it (SPEC §5.2). */
export const ZSlaCheckPayload = z.object({ ...base, conversationId: z.uuid(), messageId: z.uuid() });
export type SlaCheckPayload = z.infer<typeof ZSlaCheckPayload>;

export const refs = {
  draft: (messageId: string) => `ai_draft:${messageId}`,
  reply: (replyId: string) => `scheduled_reply:${replyId}`,
  replyDelivery: (replyId: string) => `reply_delivery:${replyId}`,
  messageDelivery: (messageId: string) => `message_delivery:${messageId}`,
  autoRelease: (conversationId: string) => `auto_release:${conversationId}`,
  escalationFlush: (escalationId: string) => `escalation_flush:${escalationId}`,
  sla: (messageId: string) => `sla:${messageId}`,
};
