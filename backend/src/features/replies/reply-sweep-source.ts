// The sweep's view of AI replies: a pending reply must always have a send job, a reply past its
// cut-off (`sending`) a deliver job, and a customer message the AI may still answer a draft job, a
// reply, or a recorded outcome (issue 11 items 2 and 7).
import { ConversationEntity, MessageEntity, ScheduledReplyEntity } from '../../db/entities/conversation.entities.js';
import { EventEntity } from '../../db/entities/event.entity.js';
import type { Infrastructure } from '../../platform/unit-of-work.js';
import type { SweepSource } from '../../jobs/sweep.js';
import { AI_DRAFT_JOB, REPLY_DELIVER_JOB, REPLY_SEND_JOB, refs } from './replies.jobs.js';

export function pendingRepliesSweepSource(infra: Infrastructure): SweepSource {
  return {
    name: 'pending scheduled replies',
    async findNeeds(limit) {
      const pending = await infra.db.getRepository(ScheduledReplyEntity).find({ where: { status: 'pending' }, order: { dueAt: 'ASC' }, take: limit });
      return pending.map((reply) => ({
        ref: refs.reply(reply.id),
        name: REPLY_SEND_JOB,
        runAt: reply.dueAt,
        payload: { dueAt: reply.dueAt.toISOString(), tenantId: reply.tenantId, replyId: reply.id },
      }));
    },
  };
}

/** Replies past their cut-off whose deliver job is gone: delivered (again, same idempotency key) at once. */
export function sendingRepliesSweepSource(infra: Infrastructure): SweepSource {
  return {
    name: 'replies being sent',
    async findNeeds(limit) {
      const sending = await infra.db.getRepository(ScheduledReplyEntity).find({ where: { status: 'sending' }, order: { dueAt: 'ASC' }, take: limit });
      const now = infra.clock.now();
      return sending.map((reply) => ({
        ref: refs.replyDelivery(reply.id),
        name: REPLY_DELIVER_JOB,
        runAt: now,
        payload: { dueAt: now.toISOString(), tenantId: reply.tenantId, replyId: reply.id },
      }));
    },
  };
}

/** A draft job gets this long after its message before the sweep calls it missing. */
export const DRAFT_SWEEP_GRACE_MS = 60_000;
/** Older messages are left alone: an AI answer hours late would surprise the customer more than help. */
export const DRAFT_SWEEP_LOOKBACK_MS = 3600_000;

/**
 * Customer messages the AI should still answer and nothing answers: the latest of their conversation,
 * no takeover or human activity since, no reply drafted, and neither a recorded draft failure nor a
 * guardrail block after them. Their draft job is re-armed (same ref); if it fails again its retries
 * end in `reply.draft_failed`, so each message is re-armed at most until that is recorded.
 */
export function unansweredMessagesSweepSource(infra: Infrastructure): SweepSource {
  return {
    name: 'customer messages without a draft',
    async findNeeds(limit) {
      const now = infra.clock.now().getTime();
      const messages = await infra.db
        .getRepository(MessageEntity)
        .createQueryBuilder('message')
        .innerJoin(ConversationEntity.options.name, 'conversation', 'conversation.id = message.conversationId AND conversation.tenantId = message.tenantId AND conversation.lastCustomerMessageAt = message.createdAt')
        .where('message.author = :customer', { customer: 'customer' })
        .andWhere('message.createdAt >= :since AND message.createdAt <= :until', { since: new Date(now - DRAFT_SWEEP_LOOKBACK_MS), until: new Date(now - DRAFT_SWEEP_GRACE_MS) })
        .andWhere('conversation.takeoverSource IS NULL')
        .andWhere('(conversation.lastAgentMessageAt IS NULL OR conversation.lastAgentMessageAt < message.createdAt)')
        .andWhere('(conversation.lastHumanControlAt IS NULL OR conversation.lastHumanControlAt < message.createdAt)')
        .andWhere((query) => `NOT EXISTS ${query.subQuery().select('1').from(ScheduledReplyEntity, 'reply').where('reply.inReplyToMessageId = message.id').getQuery()}`)
        .andWhere(
          (query) =>
            `NOT EXISTS ${query.subQuery().select('1').from(EventEntity, 'outcome').where('outcome.conversationId = message.conversationId AND outcome.type IN (:...outcomes) AND outcome.createdAt >= message.createdAt').getQuery()}`,
          { outcomes: ['reply.draft_failed', 'reply.blocked'] },
        )
        .orderBy('message.createdAt', 'ASC')
        .limit(limit)
        .getMany();
      // Due when the message arrived, as inbound armed it: it runs at once, and its lateness shows on /metrics.
      return messages.map((message) => ({
        ref: refs.draft(message.id),
        name: AI_DRAFT_JOB,
        runAt: message.createdAt,
        payload: { dueAt: message.createdAt.toISOString(), tenantId: message.tenantId, conversationId: message.conversationId, messageId: message.id },
      }));
    },
  };
}
