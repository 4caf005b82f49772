// Reads and locks scheduled replies, and ends the pending replies of a conversation through the
// scheduled-reply rules (domain/scheduled-reply.ts).
import { ScheduledReplyEntity, type ConversationRow, type ScheduledReplyRow } from '../../db/entities/conversation.entities.js';
import { DomainError } from '../../domain/errors.js';
import { decideCancel, decideSupersede } from '../../domain/scheduled-reply.js';
import type { Scheduler } from '../../jobs/scheduler.js';
import { lockConversation } from '../conversations/conversation-store.js';
import { applyReplyDecision } from './reply-effects.js';
import type { UnitOfWork } from '../../platform/unit-of-work.js';
import { findForUpdate } from '../../platform/row-lock.js';

/** @throws DomainError NOT_FOUND (field `id`) when the tenant has no such reply */
export async function findReply(uow: UnitOfWork, tenantId: string, id: string): Promise<ScheduledReplyRow> {
  const reply = await uow.manager.getRepository(ScheduledReplyEntity).findOneBy({ id, tenantId });
  if (!reply) throw new DomainError('NOT_FOUND', 'Reply not found', 'id');
  return reply;
}

/**
 * Takes the lock of the reply's conversation — the one a takeover takes — and reads the reply
 * under it: whatever changes it next is ordered after every change committed before.
 * `conversationId`: the reply's conversation when the caller already read it (a reply never moves),
 * which saves the read that finds it.
 */
export async function lockReply(uow: UnitOfWork, tenantId: string, replyId: string, conversationId?: string): Promise<{ reply: ScheduledReplyRow; conversation: ConversationRow }> {
  const conversation = await lockConversation(uow.manager, tenantId, conversationId ?? (await findReply(uow, tenantId, replyId)).conversationId);
  const reply = await findReply(uow, tenantId, replyId);
  if (reply.conversationId !== conversation.id) throw new DomainError('NOT_FOUND', 'Reply not found', 'id');
  return { reply, conversation };
}

/**
 * Ends every pending reply of a conversation in the caller's transaction: a takeover cancels them
 * (SPEC §2.1), a new customer message supersedes them (SPEC §3.5). Each one's send job is removed
 * and its end written to the timeline. A reply past its cut-off (`sending`, `sent`) is left alone: it
 * is already leaving (README, "point of no return"). Returns those ended.
 */
export async function endPendingReplies(
  uow: UnitOfWork,
  jobs: Scheduler,
  input: { tenantId: string; conversationId: string; because: 'takeover' | 'customer_message'; actor: string },
): Promise<ScheduledReplyRow[]> {
  // A locking read: a draft committed after this transaction's snapshot was taken (while it waited
  // for the conversation's lock) is a pending reply too, and must be ended with the others.
  const pending = await findForUpdate(uow.manager, ScheduledReplyEntity, { tenantId: input.tenantId, conversationId: input.conversationId, status: 'pending' });
  const ended: ScheduledReplyRow[] = [];
  for (const reply of pending) {
    const decision = input.because === 'takeover' ? decideCancel(reply, { reason: 'takeover' }, uow.now) : decideSupersede(reply, uow.now);
    const { applied } = await applyReplyDecision(uow, jobs, reply, decision, { actor: input.actor, conflictIsError: false });
    if (applied && decision.changed) ended.push({ ...reply, status: decision.next.status, endReason: decision.next.endReason });
  }
  return ended;
}
