// Ends the pending replies of a conversation through the scheduled-reply rules (domain/scheduled-reply.ts).
import { ScheduledReplyEntity, type ScheduledReplyRow } from '../db/entities/conversation.entities.js';
import { decideCancel, decideSupersede } from '../domain/scheduled-reply.js';
import type { JobEngine } from '../jobs/job-engine.js';
import { applyReplyDecision } from './reply-effects.js';
import type { UnitOfWork } from './unit-of-work.js';

/**
 * Ends every pending reply of a conversation in the caller's transaction: a takeover cancels them
 * (SPEC §2.1), a new customer message supersedes them (SPEC §3.5). Each one's send job is removed
 * and its end written to the timeline. A reply claimed meanwhile is left alone. Returns those ended.
 */
export async function endPendingReplies(
  uow: UnitOfWork,
  jobs: JobEngine,
  input: { tenantId: string; conversationId: string; because: 'takeover' | 'customer_message'; actor: string },
): Promise<ScheduledReplyRow[]> {
  const pending = await uow.manager.getRepository(ScheduledReplyEntity).findBy({ tenantId: input.tenantId, conversationId: input.conversationId, status: 'pending' });
  const ended: ScheduledReplyRow[] = [];
  for (const reply of pending) {
    const decision = input.because === 'takeover' ? decideCancel(reply, { reason: 'takeover' }, uow.now) : decideSupersede(reply, uow.now);
    const { applied } = await applyReplyDecision(uow, jobs, reply, decision, { actor: input.actor, conflictIsError: false });
    if (applied && decision.changed) ended.push({ ...reply, status: decision.next.status, endReason: decision.next.endReason });
  }
  return ended;
}
