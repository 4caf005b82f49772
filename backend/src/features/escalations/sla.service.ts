// SLA timers (SPEC §5.2): a customer message nobody (AI or human) answered within
// slaResponseMinutes escalates, through any cooldown, to the tenant's escalation team.
import { MoreThanOrEqual, Not } from 'typeorm';
import type { TenantSettings } from '../../../../shared/settings.js';
import { MessageEntity, type ConversationRow } from '../../db/entities/conversation.entities.js';
import type { EscalateRequest } from '../../domain/escalation.js';
import { scheduleSlaCheck, type SlaCheckPayload } from './escalations.jobs.js';
import type { Scheduler } from '../../jobs/scheduler.js';
import { lockConversation } from '../conversations/conversation-store.js';
import { escalationTeamOf, lockLead } from './escalation-store.js';
import type { EscalationsService } from './escalations.service.js';
import { readTenantSettings } from '../../platform/tenant-settings.js';
import { withTransaction, type Infrastructure, type UnitOfWork } from '../../platform/unit-of-work.js';

const MINUTE_MS = 60_000;

/** Arms the SLA timer of a customer message, in the message's transaction. */
export async function armSlaTimer(uow: UnitOfWork, jobs: Scheduler, input: { tenantId: string; conversationId: string; messageId: string; settings: TenantSettings }): Promise<void> {
  const dueAt = new Date(uow.now.getTime() + input.settings.slaResponseMinutes * MINUTE_MS);
  const job = await scheduleSlaCheck(jobs, uow.manager, dueAt, { tenantId: input.tenantId, conversationId: input.conversationId, messageId: input.messageId });
  uow.announce(job);
}

/**
 * Escalates a system-detected problem (SLA breach, guardrail) on a conversation's lead, in the
 * caller's transaction; the conversation must already be locked (lock order: conversation, lead).
 */
export async function escalateSystemProblem(
  uow: UnitOfWork,
  escalations: EscalationsService,
  conversation: ConversationRow,
  settings: TenantSettings,
  problem: Pick<EscalateRequest, 'trigger' | 'reason' | 'reasonCode'>,
) {
  const lead = await lockLead(uow.manager, conversation.tenantId, conversation.leadId);
  const team = await escalationTeamOf(uow.manager, conversation.tenantId, settings.escalationTeamId);
  if (!team) {
    // Nobody to escalate to: say so on the timeline rather than drop it silently.
    await uow.record({ type: 'escalation.unrouted', actor: 'system', conversationId: conversation.id, leadId: lead.id, after: { trigger: problem.trigger, why: 'The tenant has no team to escalate to' } });
    return null;
  }
  const scope = { tenantId: conversation.tenantId, lead, conversationId: conversation.id, settings, actor: 'system' };
  return escalations.escalateWithin(uow, scope, { ...problem, teamId: team.id, bypassCooldown: true });
}

export function createSlaService(infra: Infrastructure, escalations: EscalationsService) {
  return {
    /** The SLA job: does nothing if anyone (AI or agent) wrote after the message. */
    async checkResponse(payload: SlaCheckPayload): Promise<'answered' | 'breached' | 'gone'> {
      return withTransaction(infra, payload.tenantId, async (uow) => {
        const messages = uow.manager.getRepository(MessageEntity);
        const message = await messages.findOneBy({ id: payload.messageId, tenantId: payload.tenantId });
        if (!message) return 'gone';
        const conversation = await lockConversation(uow.manager, payload.tenantId, payload.conversationId);
        const answered = await messages.existsBy({ tenantId: payload.tenantId, conversationId: conversation.id, author: Not('customer'), createdAt: MoreThanOrEqual(message.createdAt) });
        if (answered) return 'answered';
        const settings = await readTenantSettings(uow.manager, payload.tenantId);
        await escalateSystemProblem(uow, escalations, conversation, settings, {
          trigger: 'sla_breach',
          reason: `No reply to the customer within ${settings.slaResponseMinutes} minutes`,
          reasonCode: 'sla_breach',
        });
        return 'breached';
      });
    },
  };
}
