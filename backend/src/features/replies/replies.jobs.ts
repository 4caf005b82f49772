// The replies feature's jobs: AI drafts, reply sends and deliveries, agent-message deliveries — names,
// payloads, references, retry policy and scheduling helpers. Handlers are bound in server.ts.
import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import type { ScheduledJob, Scheduler } from '../../jobs/scheduler.js';

export const AI_DRAFT_JOB = 'ai.draft';
export const REPLY_SEND_JOB = 'reply.send';
export const REPLY_DELIVER_JOB = 'reply.deliver';
export const MESSAGE_DELIVER_JOB = 'message.deliver';

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

/** Each job's reference: one job per row, cancelled by exact match. */
export const refs = {
  draft: (messageId: string) => `ai_draft:${messageId}`,
  reply: (replyId: string) => `scheduled_reply:${replyId}`,
  replyDelivery: (replyId: string) => `reply_delivery:${replyId}`,
  messageDelivery: (messageId: string) => `message_delivery:${messageId}`,
};

/** A draft is retried after 2 s, 5 s and 10 s, then recorded as failed: a customer is waiting. */
export const DRAFT_RETRY_DELAYS_MS = [2000, 5000, 10_000] as const;
export const draftRetryDelayMs = (attempt: number): number | null => DRAFT_RETRY_DELAYS_MS[attempt - 1] ?? null;

/** In the customer message's transaction: the draft job, due at once. */
export function scheduleDraft(scheduler: Scheduler, manager: EntityManager, at: Date, draft: { tenantId: string; conversationId: string; messageId: string }): Promise<ScheduledJob> {
  return scheduler.scheduleInTransaction(manager, AI_DRAFT_JOB, at, { dueAt: at.toISOString(), ref: refs.draft(draft.messageId), ...draft });
}

/** The send job of a reply just inserted (no earlier job can exist under its reference). */
export function scheduleReplySend(scheduler: Scheduler, manager: EntityManager, at: Date, reply: { tenantId: string; replyId: string }): Promise<ScheduledJob> {
  return scheduler.scheduleInTransaction(manager, REPLY_SEND_JOB, at, { dueAt: at.toISOString(), ref: refs.reply(reply.replyId), ...reply });
}

/** Moves a reply's send job to `at` (replacing the one armed earlier). */
export function rescheduleReplySend(scheduler: Scheduler, manager: EntityManager, at: Date, reply: { tenantId: string; replyId: string }): Promise<ScheduledJob> {
  return scheduler.replaceInTransaction(manager, REPLY_SEND_JOB, at, { dueAt: at.toISOString(), ref: refs.reply(reply.replyId), ...reply });
}

export const cancelReplySend = (scheduler: Scheduler, manager: EntityManager, replyId: string) => scheduler.cancelByRef(refs.reply(replyId), manager);

/** Arms (or moves) a reply's deliver job. */
export function armReplyDelivery(scheduler: Scheduler, manager: EntityManager, at: Date, reply: { tenantId: string; replyId: string }): Promise<ScheduledJob> {
  return scheduler.replaceInTransaction(manager, REPLY_DELIVER_JOB, at, { dueAt: at.toISOString(), ref: refs.replyDelivery(reply.replyId), ...reply });
}

export const cancelReplyDelivery = (scheduler: Scheduler, manager: EntityManager, replyId: string) => scheduler.cancelByRef(refs.replyDelivery(replyId), manager);

/** Arms (or moves) an agent message's deliver job. */
export function armMessageDelivery(scheduler: Scheduler, manager: EntityManager, at: Date, message: { tenantId: string; messageId: string }): Promise<ScheduledJob> {
  return scheduler.replaceInTransaction(manager, MESSAGE_DELIVER_JOB, at, { dueAt: at.toISOString(), ref: refs.messageDelivery(message.messageId), ...message });
}

export const cancelMessageDelivery = (scheduler: Scheduler, manager: EntityManager, messageId: string) => scheduler.cancelByRef(refs.messageDelivery(messageId), manager);
