// Scheduled AI replies (SPEC §3): the banner's Send Now / Edit & Send / Cancel, the send job's
// claim, and delivery through the connector with the reply id as idempotency key.
import type { Principal } from '../auth/principal.js';
import { MessageEntity, ScheduledReplyEntity, type ConversationRow, type ScheduledReplyRow } from '../db/entities/conversation.entities.js';
import { lockConversation } from './conversation-store.js';
import type { Connector } from '../connectors/connector.js';
import { DomainError } from '../domain/errors.js';
import { decideCancel, decideClaimDue, decideDelivered, decideDeliveryFailed, decideEditAndSend, decideSendNow, type ReplyDecision } from '../domain/scheduled-reply.js';
import type { ReplySendPayload } from '../jobs/definitions/job-names.js';
import type { JobEngine } from '../jobs/job-engine.js';
import { applyReplyDecision } from './reply-effects.js';
import { lastHumanActivityAt, takeoverStateOf } from './takeover-effects.js';
import { withTransaction, type Infrastructure, type UnitOfWork } from './unit-of-work.js';

/** Delivery retries (SPEC §7): attempts in all, and the backoff before attempt n + 1. */
export interface DeliveryPolicy {
  maxAttempts: number;
  retryDelayMs(attempt: number): number;
}

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = { maxAttempts: 5, retryDelayMs: (attempt) => Math.min(2 ** attempt * 1000, 60_000) };

const replyDto = (reply: ScheduledReplyRow) => ({
  id: reply.id,
  conversationId: reply.conversationId,
  status: reply.status,
  channel: reply.channel,
  body: reply.body,
  dueAt: reply.dueAt.toISOString(),
  endReason: reply.endReason,
  editedByAgentId: reply.editedByAgentId,
  attempts: reply.attempts,
  lastError: reply.lastError,
});
export type ReplyDto = ReturnType<typeof replyDto>;

export function createRepliesService(infra: Infrastructure, jobs: JobEngine, connector: Connector, delivery: DeliveryPolicy = DEFAULT_DELIVERY_POLICY) {
  async function findReply(uow: UnitOfWork, tenantId: string, id: string): Promise<ScheduledReplyRow> {
    const reply = await uow.manager.getRepository(ScheduledReplyEntity).findOneBy({ id, tenantId });
    if (!reply) throw new DomainError('NOT_FOUND', 'Reply not found', 'id');
    return reply;
  }

  const agentOf = (principal: Principal) => {
    if (!principal.agentId) throw new DomainError('BAD_REQUEST', 'Only an agent can act on a scheduled reply (use an agent API key or sign in)', 'agentId');
    return principal.agentId;
  };

  type Decide = (reply: ScheduledReplyRow, conversation: ConversationRow, uow: UnitOfWork) => ReplyDecision | Promise<ReplyDecision>;

  /**
   * Claims and delivers in ONE transaction that holds the conversation's row lock: a takeover
   * (which takes the same lock) either commits first — and the claim finds the reply cancelled —
   * or waits until the reply is sent. So nothing is ever delivered after a committed takeover, and
   * a reply is delivered at most once (the claim is `UPDATE … WHERE status = 'pending'`).
   * A delivery error rolls the claim back; the reply is then retried with backoff or marked failed.
   */
  async function claimAndDeliver(tenantId: string, replyId: string, actor: string, conflictIsError: boolean, decide: Decide): Promise<void> {
    try {
      await withTransaction(infra, tenantId, async (uow) => {
        const { reply, conversation } = await lockReply(uow, tenantId, replyId);
        const outcome = await applyReplyDecision(uow, jobs, reply, await decide(reply, conversation, uow), { actor, conflictIsError });
        if (!outcome.delivery) return;
        const sending: ScheduledReplyRow = { ...reply, status: 'sending', body: outcome.delivery.body, editedByAgentId: outcome.delivery.editedByAgentId };
        const author = sending.editedByAgentId ? 'agent' : 'ai';
        const { messageId } = await connector.deliver(uow.manager, { tenantId, conversationId: reply.conversationId, channel: reply.channel, body: sending.body, author, agentId: sending.editedByAgentId, idempotencyKey: reply.id }, uow.now);
        await applyReplyDecision(uow, jobs, sending, decideDelivered(sending, uow.now), { actor: 'system', conflictIsError: true });
        await uow.manager.getRepository(ScheduledReplyEntity).update({ id: reply.id, tenantId }, { sentMessageId: messageId, attempts: reply.attempts + 1, lastError: null });
        await uow.record({ type: 'message.sent', actor: 'system', conversationId: reply.conversationId, leadId: conversation.leadId, after: { messageId, replyId: reply.id, author, channel: reply.channel, body: sending.body } });
      });
    } catch (error) {
      if (error instanceof DomainError) throw error;
      await recordDeliveryFailure(tenantId, replyId, (error as Error).message);
    }
  }

  async function lockReply(uow: UnitOfWork, tenantId: string, replyId: string) {
    const unlocked = await findReply(uow, tenantId, replyId);
    const conversation = await lockConversation(uow.manager, tenantId, unlocked.conversationId);
    return { reply: await findReply(uow, tenantId, replyId), conversation };
  }

  async function recordDeliveryFailure(tenantId: string, replyId: string, message: string): Promise<void> {
    infra.log.warn({ replyId, error: message }, 'reply delivery failed');
    await withTransaction(infra, tenantId, async (uow) => {
      const { reply } = await lockReply(uow, tenantId, replyId);
      if (reply.status !== 'pending') return;
      const attempts = reply.attempts + 1;
      const retryAt = attempts < delivery.maxAttempts ? new Date(uow.now.getTime() + delivery.retryDelayMs(attempts)) : null;
      // The claim rolled back with the failed delivery: apply claim and failure as one step.
      const failed = decideDeliveryFailed({ ...reply, status: 'sending' }, { error: message, retryAt }, uow.now);
      await applyReplyDecision(uow, jobs, reply, { ...failed, transition: { from: 'pending', to: failed.next.status } }, { actor: 'system', conflictIsError: false });
      await uow.manager.getRepository(ScheduledReplyEntity).update({ id: reply.id, tenantId }, { attempts, lastError: message });
    });
  }

  async function agentAction(principal: Principal, id: string, decide: (reply: ScheduledReplyRow, agentId: string, now: Date) => ReplyDecision): Promise<ReplyDto> {
    const agentId = agentOf(principal);
    await claimAndDeliver(principal.tenantId, id, principal.actor, true, (reply, _conversation, uow) => decide(reply, agentId, uow.now));
    return replyDto(await infra.db.getRepository(ScheduledReplyEntity).findOneByOrFail({ id, tenantId: principal.tenantId }));
  }

  return {
    async pending(principal: Principal, conversationId: string): Promise<ReplyDto[]> {
      const rows = await infra.db.getRepository(ScheduledReplyEntity).find({ where: { tenantId: principal.tenantId, conversationId, status: 'pending' }, order: { dueAt: 'ASC' } });
      return rows.map(replyDto);
    },
    sendNow: (principal: Principal, id: string) => agentAction(principal, id, (reply, agentId, now) => decideSendNow(reply, { agentId }, now)),
    editAndSend: (principal: Principal, id: string, body: string) => agentAction(principal, id, (reply, agentId, now) => decideEditAndSend(reply, { agentId, body }, now)),
    cancel: (principal: Principal, id: string) => agentAction(principal, id, (reply, agentId, now) => decideCancel(reply, { reason: 'agent', agentId }, now)),

    /** The send job: the claim re-checks takeover and the safety rail under the conversation lock. */
    async sendDue(payload: ReplySendPayload): Promise<void> {
      await claimAndDeliver(payload.tenantId, payload.replyId, 'system', false, async (reply, conversation, uow) => {
        const answered = await uow.manager.getRepository(MessageEntity).findOneBy({ id: reply.inReplyToMessageId, tenantId: payload.tenantId });
        const rail = {
          lastCustomerMessageAt: conversation.lastCustomerMessageAt,
          lastAgentMessageAt: lastHumanActivityAt(conversation),
          inReplyToMessageAt: answered?.createdAt ?? null,
          takeover: takeoverStateOf(conversation),
        };
        return decideClaimDue(reply, { rail }, uow.now);
      });
    },
  };
}
