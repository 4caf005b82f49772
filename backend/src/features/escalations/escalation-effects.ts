// Applies escalation decisions (domain/escalation.ts) in the caller's transaction: the row, the
// notifications of the team, the flush job, the cooldown stamp with its system note, the release.
import { randomUUID } from 'node:crypto';
import type { TenantSettings } from '../../../../shared/settings.js';
import { LeadEntity, type LeadRow } from '../../db/entities/conversation.entities.js';
import { EscalationEntity, NotificationEntity, type EscalationRow, type NotificationRow } from '../../db/entities/escalation.entities.js';
import { cooldownNotice, type EscalationEffect, type EscalationState, type ResolveReason } from '../../domain/escalation.js';
import { DomainError } from '../../domain/errors.js';
import { scheduleEscalationFlush } from './escalations.jobs.js';
import type { Scheduler } from '../../jobs/scheduler.js';
import { activeMemberIds, escalationColumnsOf, findEscalationTeam } from './escalation-store.js';
import type { UnitOfWork } from '../../platform/unit-of-work.js';

/** What the effects act on: the escalation (as stored before the decision), its lead and the tenant's settings. */
export interface EscalationContext {
  tenantId: string;
  lead: LeadRow;
  row: EscalationRow;
  settings: TenantSettings;
  /** Who caused the change, for the timeline. */
  actor: string;
  /** Releases the takeover of a conversation (the conversation-control service, SPEC §5.6). */
  release: (conversationId: string) => Promise<boolean>;
}

const REASON_WORDS: Record<ResolveReason, string> = { handled: 'handled', false_positive: 'false positive', spam: 'spam', duplicate: 'duplicate', other: 'other' };

/** `Escalations paused until 7:15 PM CST — resolved as spam by Dana` (SPEC §5.8). */
export function cooldownNote(until: Date, timeZone: string, reason: ResolveReason, resolverName: string): string {
  return `${cooldownNotice(until, timeZone)} — resolved as ${REASON_WORDS[reason]} by ${resolverName}`;
}

/** Writes the state over the row (read locked), conditional on the status and count it had (STYLE.md habit 2). */
export async function writeEscalationState(uow: UnitOfWork, row: EscalationRow, next: EscalationState): Promise<EscalationRow> {
  const columns = { ...escalationColumnsOf(next), openLeadId: next.status === 'open' ? row.leadId : null };
  // Also conditional on the activity read: a stale read fails loudly instead of losing a count.
  const result = await uow.manager.getRepository(EscalationEntity).update({ id: row.id, tenantId: row.tenantId, status: row.status, activityCount: row.activityCount }, columns);
  if (!result.affected) throw new DomainError('CONFLICT', 'The escalation changed at the same moment; reload and try again');
  return { ...row, ...columns };
}

/**
 * A notification per active member of the team, and one `escalation.notified` event listing them
 * (the extension shows it to those agents). Both store the details (team name, cycle, lead name,
 * reason) whatever the HIPAA mode: readers leave them out while it is on (issue 11 item 5).
 */
async function notifyTeam(uow: UnitOfWork, context: EscalationContext, row: EscalationRow, kind: 'escalation' | 're_escalated', count: number) {
  const agentIds = await activeMemberIds(uow.manager, context.tenantId, row.teamId);
  const team = await findEscalationTeam(uow.manager, row);
  const payload = {
    escalationId: row.id,
    leadId: row.leadId,
    conversationId: row.conversationId,
    kind,
    count,
    trigger: row.trigger,
    teamName: team?.name ?? null,
    cycle: row.cycle,
    leadName: context.lead.name,
    reason: row.reason,
  };
  const notifications: NotificationRow[] = agentIds.map((agentId) => ({ id: randomUUID(), tenantId: context.tenantId, agentId, escalationId: row.id, kind, count, payload, createdAt: uow.now, readAt: null }));
  if (notifications.length > 0) await uow.manager.getRepository(NotificationEntity).insert(notifications as never);
  await uow.record({ type: 'escalation.notified', actor: 'system', conversationId: row.conversationId, leadId: row.leadId, after: { ...payload, agentIds } });
}

export async function applyEscalationEffects(uow: UnitOfWork, jobs: Scheduler, context: EscalationContext, row: EscalationRow, effects: readonly EscalationEffect[]): Promise<void> {
  for (const effect of effects) {
    switch (effect.kind) {
      case 'notify':
        await notifyTeam(uow, context, row, effect.notification, effect.count);
        break;
      case 'schedule_notification_flush': {
        // One flush per window: re-arming replaces the one armed by earlier activity.
        const job = await scheduleEscalationFlush(jobs, uow.manager, effect.at, { tenantId: context.tenantId, escalationId: row.id });
        uow.announce(job);
        break;
      }
      case 'stamp_cooldown': {
        await uow.manager.getRepository(LeadEntity).update({ id: context.lead.id, tenantId: context.tenantId }, { cooldownUntil: effect.until });
        const note = cooldownNote(effect.until, context.settings.businessHours.timeZone, row.resolutionReason ?? 'spam', row.resolvedByName ?? 'someone');
        await uow.record({
          type: 'escalation.cooldown_stamped',
          actor: context.actor,
          conversationId: row.conversationId,
          leadId: row.leadId,
          before: { cooldownUntil: context.lead.cooldownUntil?.toISOString() ?? null },
          after: { escalationId: row.id, cooldownUntil: effect.until.toISOString(), systemNote: note },
        });
        break;
      }
      case 'release_takeover':
        if (row.conversationId) await context.release(row.conversationId);
        break;
    }
  }
}
