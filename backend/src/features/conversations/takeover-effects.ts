// Applies a takeover decision (domain/takeover.ts) in the caller's transaction: the conversation's
// takeover columns, pending replies, the auto-release job and the timeline.
import type { ConversationRow } from '../../db/entities/conversation.entities.js';
import { ConversationEntity } from '../../db/entities/conversation.entities.js';
import { DomainError } from '../../domain/errors.js';
import type { TakeoverDecision, TakeoverState } from '../../domain/takeover.js';
import { cancelAutoRelease, scheduleAutoRelease } from './conversations.jobs.js';
import type { Scheduler } from '../../jobs/scheduler.js';
import { endPendingReplies } from '../replies/replies-store.js';
import type { UnitOfWork } from '../../platform/unit-of-work.js';

export function takeoverStateOf(conversation: ConversationRow): TakeoverState {
  return {
    heldByAgentId: conversation.heldByAgentId,
    source: conversation.takeoverSource,
    takenOverAt: conversation.takenOverAt,
    autoReleaseAt: conversation.autoReleaseAt,
  };
}

const stateForTimeline = (state: TakeoverState) => ({
  heldByAgentId: state.heldByAgentId,
  source: state.source,
  takenOverAt: state.takenOverAt?.toISOString() ?? null,
  autoReleaseAt: state.autoReleaseAt?.toISOString() ?? null,
});

/** Writes `decision.next` (conditional on the version read) and applies its effects. */
export async function applyTakeoverDecision(
  uow: UnitOfWork,
  jobs: Scheduler,
  conversation: ConversationRow,
  decision: TakeoverDecision,
  actor: string,
): Promise<ConversationRow> {
  if (!decision.changed) return conversation;
  const { manager, now } = uow;
  const next = decision.next;
  const updated = await manager
    .getRepository(ConversationEntity)
    .createQueryBuilder()
    .update()
    .set({ heldByAgentId: next.heldByAgentId, takeoverSource: next.source, takenOverAt: next.takenOverAt, autoReleaseAt: next.autoReleaseAt, lastHumanControlAt: now, version: conversation.version + 1, updatedAt: now })
    .where('id = :id AND tenant_id = :tenantId AND version = :version', { id: conversation.id, tenantId: conversation.tenantId, version: conversation.version })
    .execute();
  if (!updated.affected) throw new DomainError('CONFLICT', 'The conversation changed at the same moment; please try again');

  for (const effect of decision.effects) {
    switch (effect.kind) {
      case 'cancel_pending_replies':
        await endPendingReplies(uow, jobs, { tenantId: conversation.tenantId, conversationId: conversation.id, because: effect.reason, actor });
        break;
      case 'remove_auto_release':
        await cancelAutoRelease(jobs, manager, conversation.id);
        break;
      case 'schedule_auto_release': {
        const job = await scheduleAutoRelease(jobs, manager, effect.at, { tenantId: conversation.tenantId, conversationId: conversation.id, takenOverAt: effect.takenOverAt.toISOString() });
        uow.announce(job);
        break;
      }
      case 'record':
        await uow.record({
          type: effect.event,
          actor,
          conversationId: conversation.id,
          leadId: conversation.leadId,
          before: stateForTimeline(effect.before),
          after: {
            ...stateForTimeline(effect.after),
            ...(effect.event === 'takeover.transferred' ? { previousHolderId: effect.previousHolderId } : {}),
            ...(effect.event === 'takeover.released' ? { releaseSource: effect.releaseSource } : {}),
          },
        });
        break;
    }
  }
  return { ...conversation, heldByAgentId: next.heldByAgentId, takeoverSource: next.source, takenOverAt: next.takenOverAt, autoReleaseAt: next.autoReleaseAt, lastHumanControlAt: now, version: conversation.version + 1, updatedAt: now };
}

/**
 * The safety rail's "last human" instant: the newest agent message, takeover or release. A customer
 * message older than that is never answered by the AI (SPEC §2.3, §4).
 */
export function lastHumanActivityAt(conversation: ConversationRow): Date | null {
  const times = [conversation.lastAgentMessageAt, conversation.lastHumanControlAt].filter((time): time is Date => time !== null);
  return times.length ? new Date(Math.max(...times.map((time) => time.getTime()))) : null;
}
