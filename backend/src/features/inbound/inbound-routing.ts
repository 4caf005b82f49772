// What a customer message sets off besides the AI (SPEC §5.2–§5.3, §5.10): activity on the lead's
// open escalation, the routing rules (escalate / takeover_hold / tag), and the message's SLA timer.
import type { TenantSettings } from '../../../../shared/settings.js';
import { LeadEntity, type ConversationRow, type MessageRow } from '../../db/entities/conversation.entities.js';
import { isWithinBusinessHours } from '../../domain/business-hours.js';
import { evaluateRules } from '../../domain/routing-rules.js';
import type { Scheduler } from '../../jobs/scheduler.js';
import type { createConversationsService } from '../conversations/conversations.service.js';
import { lockLead } from '../escalations/escalation-store.js';
import type { EscalateOutcome, EscalationsService } from '../escalations/escalations.service.js';
import { loadRules } from '../settings/rules.service.js';
import { armSlaTimer } from '../escalations/sla.service.js';
import type { UnitOfWork } from '../../platform/unit-of-work.js';

export interface RoutingDependencies {
  jobs: Scheduler;
  escalations: EscalationsService;
  conversations: Pick<ReturnType<typeof createConversationsService>, 'holdByRuleWithin'>;
}

/**
 * Runs in the message's transaction, after the conversation row is written (and so locked):
 * lock order conversation → lead, as everywhere else.
 */
export async function routeCustomerMessage(uow: UnitOfWork, deps: RoutingDependencies, conversation: ConversationRow, message: MessageRow, settings: TenantSettings): Promise<EscalateOutcome | null> {
  const { tenantId } = conversation;
  const lead = await lockLead(uow.manager, tenantId, conversation.leadId);
  const rules = (await loadRules(uow.manager, tenantId)).filter((rule) => rule.enabled);
  // Admins' patterns run in-line: RE2 is linear in the (capped) body, so they cannot stall the lock.
  const evaluation = evaluateRules(rules, { body: message.body, channel: message.channel, leadTags: lead.tags, withinBusinessHours: isWithinBusinessHours(settings.businessHours, uow.now) });
  const scope = { tenantId, lead, conversationId: conversation.id, settings, actor: 'customer' };

  // An open escalation counts the message once, whatever the rules say (SPEC §5.10).
  let outcome = await deps.escalations.customerActivityWithin(uow, scope);
  if (!outcome && evaluation.escalate) {
    const { teamId, reason, reasonCode, bypassCooldown, ruleName } = evaluation.escalate;
    outcome = await deps.escalations.escalateWithin(uow, { ...scope, actor: `rule:${ruleName}` }, { teamId, reason, reasonCode: reasonCode ?? null, trigger: 'rule', bypassCooldown: bypassCooldown ?? false });
  }
  // A suppressed escalation means the AI handles the message as usual: no hold either (SPEC §5.8).
  if (evaluation.takeoverHold && outcome?.outcome !== 'suppressed') await deps.conversations.holdByRuleWithin(uow, tenantId, conversation.id, settings);

  const known = new Set(lead.tags.map((tag) => tag.toLowerCase()));
  const added = evaluation.tags.filter((tag) => !known.has(tag.toLowerCase()));
  if (added.length > 0) {
    const tags = [...lead.tags, ...added];
    await uow.manager.getRepository(LeadEntity).update({ id: lead.id, tenantId }, { tags });
    await uow.record({ type: 'lead.tagged', actor: 'system', conversationId: conversation.id, leadId: lead.id, before: { tags: lead.tags }, after: { tags, rules: evaluation.matched.map((rule) => rule.ruleName) } });
  }
  await armSlaTimer(uow, deps.jobs, { tenantId, conversationId: conversation.id, messageId: message.id, settings });
  return outcome;
}
