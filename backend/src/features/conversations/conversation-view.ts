// conversations.get: everything a banner needs in one answer (SPEC §2.5, §3.3, §5.4, issue 9):
// holder, reply, escalation, the lead's cooldown, what the viewer may do, and serverNow.
import { In, type EntityManager } from 'typeorm';
import type { ConversationViewDto, ResolveReasonOption } from '../../../../shared/conversation-view.js';
import type { TenantSettings } from '../../../../shared/settings.js';
import type { Principal } from '../../auth/principal.js';
import { LeadEntity, ScheduledReplyEntity, type ConversationRow, type LeadRow } from '../../db/entities/conversation.entities.js';
import { EventEntity, type EventRow } from '../../db/entities/event.entity.js';
import { EscalationEntity, type EscalationRow } from '../../db/entities/escalation.entities.js';
import { formatResumeWarning, isInWarningPeriod } from '../../domain/business-hours.js';
import { cooldownNotice, mayResolve, RESOLVE_REASON_LABELS, RESOLVE_REASON_RULES, RESOLVE_REASONS } from '../../domain/escalation.js';
import { isReplyInFlightNotice } from '../../domain/scheduled-reply.js';
import { isTeamMember, loadEscalationView, resolverOf } from '../escalations/escalation-store.js';
import { lastHumanActivityAt } from './takeover-effects.js';

/** The resolve form's reasons, in the table's order, with which need a note (SPEC §5.6). */
const RESOLVE_REASON_OPTIONS: ResolveReasonOption[] = RESOLVE_REASONS.map((reason) => ({
  reason,
  label: RESOLVE_REASON_LABELS[reason],
  noteRequired: RESOLVE_REASON_RULES[reason].noteRequired,
  startsCooldown: RESOLVE_REASON_RULES[reason].stampsCooldown,
  releasesTakeover: RESOLVE_REASON_RULES[reason].releasesTakeover,
}));

/**
 * The draft failure still worth showing (issue 11 item 7): about the latest customer message, with no
 * agent reply or takeover since. `event` is the conversation's latest `reply.draft_failed`.
 */
function failedDraftOf(conversation: ConversationRow, event: EventRow | null): ConversationViewDto['failedDraft'] {
  const after = event?.after;
  if (!event || !after || typeof after.inReplyToMessageId !== 'string' || typeof after.messageAt !== 'string') return null;
  if (conversation.lastCustomerMessageAt && Date.parse(after.messageAt) < conversation.lastCustomerMessageAt.getTime()) return null;
  const humanAt = lastHumanActivityAt(conversation);
  if (conversation.takeoverSource !== null || (humanAt && humanAt >= event.createdAt)) return null;
  return {
    messageId: after.inReplyToMessageId,
    error: typeof after.error === 'string' ? after.error : 'unknown error',
    attempts: typeof after.attempts === 'number' ? after.attempts : 1,
    failedAt: event.createdAt.toISOString(),
  };
}

/**
 * May the viewer resolve this escalation (SPEC §5.5)? The domain's rule; team membership is read
 * only when the role or groups alone do not already allow it.
 */
async function viewerMayResolve(manager: EntityManager, viewer: Principal, escalation: EscalationRow): Promise<boolean> {
  if (mayResolve(resolverOf(viewer, false))) return true;
  return mayResolve(resolverOf(viewer, await isTeamMember(manager, viewer.tenantId, escalation.teamId, viewer.agentId)));
}

/**
 * The view of `conversation` for `viewer`, in two reads on the hot path (issue 13): the lead with
 * what the banners need about it in scalar subqueries, and the conversation's latest replies. The
 * escalation (its team, the viewer's membership) and a failed draft's event are read only when there
 * is one. `knownHolder`: the caller when they hold it (their name is not read).
 */
export async function conversationView(manager: EntityManager, conversation: ConversationRow, settings: TenantSettings, now: Date, viewer: Principal, knownHolder?: { id: string; name: string }): Promise<ConversationViewDto> {
  const holderToRead = conversation.heldByAgentId && knownHolder?.id !== conversation.heldByAgentId ? conversation.heldByAgentId : null;
  const [facts, openReplies] = await Promise.all([
    readViewFacts(manager, conversation, holderToRead),
    // Pending, failed and leaving replies in one read (the latest few of the conversation).
    manager.getRepository(ScheduledReplyEntity).find({ where: { conversationId: conversation.id, tenantId: conversation.tenantId, status: In(['pending', 'failed', 'sending', 'sent']) }, order: { updatedAt: 'DESC' }, take: 20 }),
  ]);
  const { lead } = facts;
  const holder = !conversation.heldByAgentId ? null : holderToRead === null ? knownHolder! : facts.holderName === null ? null : { id: holderToRead, name: facts.holderName };
  const [open, draftFailure] = await Promise.all([
    // The lead's open escalation: the red banner, stacked above the takeover banner (SPEC §5.4, §5.11).
    facts.openEscalationId === null
      ? null
      : manager.getRepository(EscalationEntity).findOneBy({ id: facts.openEscalationId, tenantId: conversation.tenantId }).then((row) =>
          row ? Promise.all([loadEscalationView(manager, row, settings.hipaaMode), viewerMayResolve(manager, viewer, row)]) : null,
        ),
    // The latest draft that ran out of retries.
    facts.draftFailedEventId === null ? null : manager.getRepository(EventEntity).findOneBy({ id: facts.draftFailedEventId, tenantId: conversation.tenantId }),
  ]);
  const [escalation, canResolve] = open ?? [null, false];
  const pendingReply = openReplies.filter((reply) => reply.status === 'pending').sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime())[0] ?? null;
  const failedReply = openReplies.find((reply) => reply.status === 'failed') ?? null;
  // A failed delivery stays on the banner until the customer writes again (SPEC §7: never dropped silently).
  const showFailed = failedReply && (!conversation.lastCustomerMessageAt || failedReply.createdAt >= conversation.lastCustomerMessageAt);
  // Past the cut-off: a takeover did not stop it, and the banner says so (issue 11 item 2).
  const inFlight = openReplies.find((reply) => isReplyInFlightNotice(reply, conversation.takeoverSource !== null ? conversation.takenOverAt : null, now)) ?? null;
  const takenOver = conversation.takeoverSource !== null;
  const zone = settings.businessHours.timeZone;
  return {
    id: conversation.id,
    subject: conversation.subject,
    lead: lead ? { id: lead.id, name: lead.name, phone: lead.phone, email: lead.email } : null,
    helpdeskUrl: facts.helpdeskUrl,
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
    replyInFlight: inFlight
      ? { id: inFlight.id, body: inFlight.body, channel: inFlight.channel, status: inFlight.status === 'sent' ? 'sent' : 'sending', attempts: inFlight.attempts, lastError: inFlight.lastError }
      : null,
    // A late run that drafted after all (a hung attempt finishing) puts its reply on the banner instead.
    failedDraft: openReplies.some((reply) => reply.inReplyToMessageId === draftFailure?.after?.inReplyToMessageId) ? null : failedDraftOf(conversation, draftFailure),
    escalation,
    cooldown: lead?.cooldownUntil && lead.cooldownUntil > now ? { until: lead.cooldownUntil.toISOString(), text: cooldownNotice(lead.cooldownUntil, zone) } : null,
    viewer: { agentId: viewer.agentId, name: viewer.displayName, canResolve },
    resolveReasons: RESOLVE_REASON_OPTIONS,
    releaseWarningMinutes: settings.releaseWarningMinutes,
    lastCustomerMessageAt: conversation.lastCustomerMessageAt?.toISOString() ?? null,
    lastAgentMessageAt: conversation.lastAgentMessageAt?.toISOString() ?? null,
    timeZone: zone,
    serverNow: now.toISOString(),
  };
}
/** What the view needs besides the conversation row and its replies, read in one statement. */
interface ViewFacts {
  lead: LeadRow | null;
  /** The holder's name when asked for (null: not asked, or no such agent). */
  holderName: string | null;
  openEscalationId: string | null;
  /** Where the thread lives in the helpdesk (issue 10): the first reference's page. */
  helpdeskUrl: string | null;
  /** The conversation's latest `reply.draft_failed` event (the conversation_id, id index). */
  draftFailedEventId: string | null;
}

/**
 * One statement: the lead (hydrated by TypeORM, so dates read alike on MariaDB and SQLite) and four
 * scalar subqueries. Portable SQL; every subquery is bounded by the tenant and an indexed id.
 */
async function readViewFacts(manager: EntityManager, conversation: ConversationRow, holderId: string | null): Promise<ViewFacts> {
  const parameters = { tenantId: conversation.tenantId, leadId: conversation.leadId, conversationId: conversation.id, holderId };
  const { entities, raw } = await manager
    .createQueryBuilder(LeadEntity, 'lead')
    .addSelect(holderId === null ? 'NULL' : '(SELECT holder.name FROM agents holder WHERE holder.id = :holderId AND holder.tenant_id = :tenantId)', 'view_holder_name')
    .addSelect('(SELECT open_escalation.id FROM escalations open_escalation WHERE open_escalation.tenant_id = :tenantId AND open_escalation.open_lead_id = :leadId)', 'view_open_escalation_id')
    .addSelect(
      '(SELECT first_ref.helpdesk_url FROM conversation_refs first_ref WHERE first_ref.conversation_id = :conversationId AND first_ref.tenant_id = :tenantId ORDER BY first_ref.created_at, first_ref.id LIMIT 1)',
      'view_helpdesk_url',
    )
    .addSelect(
      "(SELECT MAX(failure.id) FROM events failure WHERE failure.conversation_id = :conversationId AND failure.tenant_id = :tenantId AND failure.type = 'reply.draft_failed')",
      'view_draft_failed_event_id',
    )
    .where('lead.id = :leadId AND lead.tenantId = :tenantId', parameters)
    .setParameters(parameters)
    .getRawAndEntities();
  const row = (raw[0] ?? {}) as Record<string, string | number | null | undefined>;
  const text = (value: string | number | null | undefined) => (value === null || value === undefined ? null : String(value));
  return {
    lead: entities[0] ?? null,
    holderName: text(row.view_holder_name),
    openEscalationId: text(row.view_open_escalation_id),
    helpdeskUrl: text(row.view_helpdesk_url),
    draftFailedEventId: text(row.view_draft_failed_event_id),
  };
}

/** What conversations.get / byExternalRef / takeOver / release answer (the shared contract). */
export type ConversationView = ConversationViewDto;
