// conversations.get: everything a banner needs in one answer (SPEC §2.5, §3.3), plus serverNow.
import { In, type EntityManager } from 'typeorm';
import { LeadEntity, ScheduledReplyEntity, type ConversationRow } from '../db/entities/conversation.entities.js';
import { AgentEntity } from '../db/entities/tenancy.entities.js';
import type { TenantSettings } from '../../../shared/settings.js';
import { formatResumeWarning, isInWarningPeriod } from '../domain/business-hours.js';
import { findOpenEscalation, loadEscalationView } from './escalation-store.js';

/** `knownHolder`: the caller when they hold it (saves a query on takeover). */
export async function conversationView(manager: EntityManager, conversation: ConversationRow, settings: TenantSettings, now: Date, knownHolder?: { id: string; name: string }) {
  const [lead, holder, openReplies, escalation] = await Promise.all([
    manager.getRepository(LeadEntity).findOneBy({ id: conversation.leadId, tenantId: conversation.tenantId }),
    !conversation.heldByAgentId ? null : knownHolder?.id === conversation.heldByAgentId ? knownHolder : manager.getRepository(AgentEntity).findOneBy({ id: conversation.heldByAgentId, tenantId: conversation.tenantId }),
    // Pending and failed replies in one read (few per conversation).
    manager.getRepository(ScheduledReplyEntity).find({ where: { conversationId: conversation.id, tenantId: conversation.tenantId, status: In(['pending', 'failed']) }, order: { updatedAt: 'DESC' }, take: 20 }),
    // The lead's open escalation: the red banner, stacked above the takeover banner (SPEC §5.4, §5.11).
    findOpenEscalation(manager, conversation.tenantId, conversation.leadId).then((row) => (row ? loadEscalationView(manager, row, settings.hipaaMode) : null)),
  ]);
  const pendingReply = openReplies.filter((reply) => reply.status === 'pending').sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime())[0] ?? null;
  const failedReply = openReplies.find((reply) => reply.status === 'failed') ?? null;
  // A failed delivery stays on the banner until the customer writes again (SPEC §7: never dropped silently).
  const showFailed = failedReply && (!conversation.lastCustomerMessageAt || failedReply.createdAt >= conversation.lastCustomerMessageAt);
  const takenOver = conversation.takeoverSource !== null;
  const zone = settings.businessHours.timeZone;
  return {
    id: conversation.id,
    subject: conversation.subject,
    lead: lead ? { id: lead.id, name: lead.name, phone: lead.phone, email: lead.email } : null,
    takeover: takenOver
      ? {
          holder: holder ? { agentId: holder.id, name: holder.name } : null,
          source: conversation.takeoverSource,
          since: conversation.takenOverAt?.toISOString() ?? null,
          autoReleaseAt: conversation.autoReleaseAt?.toISOString() ?? null,
          /** `AI resumes at 5:00 PM CST`, in the tenant zone. */
          warning: conversation.autoReleaseAt ? formatResumeWarning(conversation.autoReleaseAt, zone) : null,
          /** In the last releaseWarningMinutes: the banner emphasises it with a countdown. */
          warningActive: conversation.autoReleaseAt ? isInWarningPeriod(conversation.autoReleaseAt, now, settings.releaseWarningMinutes) : false,
        }
      : null,
    pendingReply: pendingReply ? { id: pendingReply.id, body: pendingReply.body, channel: pendingReply.channel, dueAt: pendingReply.dueAt.toISOString() } : null,
    failedReply: showFailed ? { id: failedReply.id, body: failedReply.body, error: failedReply.lastError, attempts: failedReply.attempts, failedAt: failedReply.updatedAt.toISOString() } : null,
    escalation,
    lastCustomerMessageAt: conversation.lastCustomerMessageAt?.toISOString() ?? null,
    lastAgentMessageAt: conversation.lastAgentMessageAt?.toISOString() ?? null,
    timeZone: zone,
    serverNow: now.toISOString(),
  };
}
export type ConversationView = Awaited<ReturnType<typeof conversationView>>;
