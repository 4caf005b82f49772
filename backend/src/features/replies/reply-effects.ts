// Applies a scheduled-reply decision (domain/scheduled-reply.ts) in the caller's transaction:
// the conditional status write, the send and deliver jobs, and the timeline. Returns the delivery
// to make after commit, if any (the caller arms its deliver job in the same transaction).
import { ScheduledReplyEntity, type ScheduledReplyRow } from '../../db/entities/conversation.entities.js';
import { DomainError } from '../../domain/errors.js';
import type { ReplyDecision, ReplyEffect } from '../../domain/scheduled-reply.js';
import { cancelReplyDelivery, cancelReplySend, rescheduleReplySend } from './replies.jobs.js';
import type { Scheduler } from '../../jobs/scheduler.js';
import type { UnitOfWork } from '../../platform/unit-of-work.js';

export type Delivery = Extract<ReplyEffect, { kind: 'deliver_after_commit' }>;

export async function applyReplyDecision(
  uow: UnitOfWork,
  jobs: Scheduler,
  reply: ScheduledReplyRow,
  decision: ReplyDecision,
  /**
   * `keepDeliveryJob`: the reply's deliver job is the caller; the engine finishes it (its row must stay).
   * `alsoSet`: the delivery columns to write with the transition, in the same statement.
   */
  options: { actor: string; conflictIsError: boolean; keepDeliveryJob?: boolean; alsoSet?: Partial<Pick<ScheduledReplyRow, 'sentMessageId' | 'attempts' | 'lastError'>> },
): Promise<{ applied: boolean; delivery: Delivery | null }> {
  if (decision.transition) {
    const next = decision.next;
    const result = await uow.manager
      .getRepository(ScheduledReplyEntity)
      .createQueryBuilder()
      .update()
      .set({ ...options.alsoSet, status: next.status, body: next.body, dueAt: next.dueAt, endReason: next.endReason, editedByAgentId: next.editedByAgentId, updatedAt: uow.now })
      .where('id = :id AND tenant_id = :tenantId AND status = :from', { id: reply.id, tenantId: reply.tenantId, from: decision.transition.from })
      .execute();
    if (!result.affected) {
      if (options.conflictIsError) throw new DomainError('CONFLICT', 'This reply changed at the same moment (sent, cancelled or replaced); reload to see it');
      return { applied: false, delivery: null };
    }
  } else if (options.alsoSet) {
    await uow.manager.getRepository(ScheduledReplyEntity).update({ id: reply.id, tenantId: reply.tenantId }, options.alsoSet);
  }
  let delivery: Delivery | null = null;
  for (const effect of decision.effects) {
    switch (effect.kind) {
      case 'remove_send_job':
        await cancelReplySend(jobs, uow.manager, reply.id);
        break;
      case 'schedule_send_job': {
        const job = await rescheduleReplySend(jobs, uow.manager, effect.at, { tenantId: reply.tenantId, replyId: reply.id });
        uow.announce(job);
        break;
      }
      case 'deliver_after_commit':
        delivery = effect;
        break;
      case 'remove_delivery_job':
        if (!options.keepDeliveryJob) await cancelReplyDelivery(jobs, uow.manager, reply.id);
        break;
      case 'record':
        await uow.record({
          type: effect.event,
          actor: effect.agentId ? `agent:${effect.agentId}` : options.actor,
          conversationId: reply.conversationId,
          before: { replyId: reply.id, status: effect.before.status, body: effect.before.body, dueAt: effect.before.dueAt.toISOString() },
          after: { replyId: reply.id, status: effect.after.status, body: effect.after.body, dueAt: effect.after.dueAt.toISOString(), endReason: effect.after.endReason, editedByAgentId: effect.after.editedByAgentId, ...effect.details },
        });
        break;
    }
  }
  return { applied: true, delivery };
}
