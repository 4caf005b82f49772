// Scheduled AI replies (SPEC §3): the banner's Send Now / Edit & Send / Cancel and the send job's
// claim — the cut-off — and the reply's delivery after it commits (./reply-delivery.ts).
import type { Principal } from '../../auth/principal.js';
import { ScheduledReplyEntity, type ConversationRow, type ScheduledReplyRow } from '../../db/entities/conversation.entities.js';
import type { Connector } from '../../connectors/connector.js';
import { DEFAULT_DELIVERY_POLICY, type DeliveryPolicy } from '../../domain/delivery-policy.js';
import { DomainError } from '../../domain/errors.js';
import { decideCancel, decideClaimDue, decideEditAndSend, decideSendNow, type ReplyDecision } from '../../domain/scheduled-reply.js';
import type { ReplySendPayload } from './replies.jobs.js';
import type { Scheduler } from '../../jobs/scheduler.js';
import { applyReplyDecision } from './reply-effects.js';
import { createReplyDelivery } from './reply-delivery.js';
import { lockReply } from './replies-store.js';
import { readSafetyRail } from './reply-safety-rail.js';
import { withTransaction, type Infrastructure, type UnitOfWork } from '../../platform/unit-of-work.js';

export { DEFAULT_DELIVERY_POLICY, type DeliveryPolicy };

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

export function createRepliesService(infra: Infrastructure, jobs: Scheduler, connector: Connector, delivery: DeliveryPolicy = DEFAULT_DELIVERY_POLICY) {
  const replyDelivery = createReplyDelivery(infra, jobs, connector, delivery);

  const agentOf = (principal: Principal) => {
    if (!principal.agentId) throw new DomainError('BAD_REQUEST', 'Only an agent can act on a scheduled reply (use an agent API key or sign in)', 'agentId');
    return principal.agentId;
  };

  type Decide = (reply: ScheduledReplyRow, conversation: ConversationRow, uow: UnitOfWork) => ReplyDecision | Promise<ReplyDecision>;

  /**
   * The cut-off (README, "point of no return"): one transaction holding the conversation's row lock
   * — the lock a takeover takes — decides, and a claim commits `pending → sending` with the reply's
   * deliver job. A takeover that committed first has cancelled the reply, so the claim finds nothing
   * to send; one that commits after finds it `sending` and leaves it. Never both: the claim is
   * `UPDATE … WHERE status = 'pending'`. The connector is called only after this commit.
   */
  async function claimThenDeliver(tenantId: string, replyId: string, actor: string, conflictIsError: boolean, decide: Decide): Promise<void> {
    const claimed = await withTransaction(infra, tenantId, async (uow) => {
      const { reply, conversation } = await lockReply(uow, tenantId, replyId);
      const outcome = await applyReplyDecision(uow, jobs, reply, await decide(reply, conversation, uow), { actor, conflictIsError });
      if (!outcome.delivery) return false;
      await replyDelivery.armDeliveryJob(uow, reply);
      return true;
      // Delivery starts at the commit; the claim's events are numbered and published meanwhile.
    }, { afterCommit: 'in-background' });
    if (claimed) await replyDelivery.deliverNow(tenantId, replyId);
  }

  async function agentAction(principal: Principal, id: string, decide: (reply: ScheduledReplyRow, agentId: string, now: Date) => ReplyDecision): Promise<ReplyDto> {
    const agentId = agentOf(principal);
    await claimThenDeliver(principal.tenantId, id, principal.actor, true, (reply, _conversation, uow) => decide(reply, agentId, uow.now));
    return replyDto(await infra.db.getRepository(ScheduledReplyEntity).findOneByOrFail({ id, tenantId: principal.tenantId }));
  }

  return {
    async pending(principal: Principal, conversationId: string): Promise<ReplyDto[]> {
      const rows = await infra.db.getRepository(ScheduledReplyEntity).find({ where: { tenantId: principal.tenantId, conversationId, status: 'pending' }, order: { dueAt: 'ASC' } });
      return rows.map(replyDto);
    },
    /** Answers the reply as the delivery left it: `sent`, or `sending` with the failed attempt (its job retries), or `failed`. */
    sendNow: (principal: Principal, id: string) => agentAction(principal, id, (reply, agentId, now) => decideSendNow(reply, { agentId }, now)),
    editAndSend: (principal: Principal, id: string, body: string) => agentAction(principal, id, (reply, agentId, now) => decideEditAndSend(reply, { agentId, body }, now)),
    cancel: (principal: Principal, id: string) => agentAction(principal, id, (reply, agentId, now) => decideCancel(reply, { reason: 'agent', agentId }, now)),

    /** The send job: the claim re-checks takeover and the safety rail under the conversation lock. */
    async sendDue(payload: ReplySendPayload): Promise<void> {
      await claimThenDeliver(payload.tenantId, payload.replyId, 'system', false, async (reply, conversation, uow) =>
        decideClaimDue(reply, { rail: await readSafetyRail(uow, reply, conversation) }, uow.now),
      );
    },

    /** The `reply.deliver` job's handler, backoff and last resort. */
    deliveryJob: replyDelivery.job,
  };
}
