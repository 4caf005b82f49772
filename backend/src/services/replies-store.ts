// Conditional status changes of scheduled replies (every write expects the status it changes from).
import type { EntityManager } from 'typeorm';
import { ScheduledReplyEntity, type ScheduledReplyRow, type ScheduledReplyStatus } from '../db/entities/conversation.entities.js';
import type { JobEngine } from '../jobs/job-engine.js';
import { refs } from '../jobs/definitions/job-names.js';

/**
 * Ends every pending reply of a conversation (takeover → cancelled, new customer message →
 * superseded) and removes their send jobs, in the caller's transaction. Returns the replies ended.
 */
export async function endPendingReplies(
  manager: EntityManager,
  jobs: JobEngine,
  input: { tenantId: string; conversationId: string; to: Extract<ScheduledReplyStatus, 'cancelled' | 'superseded'>; reason: string; now: Date },
): Promise<ScheduledReplyRow[]> {
  const repository = manager.getRepository(ScheduledReplyEntity);
  const pending = await repository.findBy({ tenantId: input.tenantId, conversationId: input.conversationId, status: 'pending' });
  const ended: ScheduledReplyRow[] = [];
  for (const reply of pending) {
    const result = await repository
      .createQueryBuilder()
      .update()
      .set({ status: input.to, endReason: input.reason, updatedAt: input.now })
      .where('id = :id AND tenant_id = :tenantId AND status = :status', { id: reply.id, tenantId: input.tenantId, status: 'pending' })
      .execute();
    if (!result.affected) continue;
    await jobs.cancelByRef(refs.reply(reply.id), manager);
    ended.push({ ...reply, status: input.to, endReason: input.reason });
  }
  return ended;
}
