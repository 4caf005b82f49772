// Tenant-scoped reads and locks of escalations, leads and team membership (SPEC §5), and the
// escalation as the banner sees it (redacted in HIPAA mode, SPEC §5.4).
import type { EntityManager } from 'typeorm';
import { ConversationEntity, LeadEntity, type LeadRow } from '../../db/entities/conversation.entities.js';
import { EscalationEntity, type EscalationRow } from '../../db/entities/escalation.entities.js';
import { AgentEntity, TeamEntity, TeamMemberEntity, type TeamRow } from '../../db/entities/tenancy.entities.js';
import { DomainError } from '../../domain/errors.js';
import type { EscalationState, Resolver } from '../../domain/escalation.js';
import type { Principal } from '../../auth/principal.js';
import { escalationIdentityFor } from '../../domain/redaction.js';
import { findForUpdate, findLocked, findOneForUpdate } from '../../platform/row-lock.js';

/** Locks the lead: every escalation change of a lead (open, activity, resolve, cooldown) is serial. */
export async function lockLead(manager: EntityManager, tenantId: string, leadId: string, field = 'leadId'): Promise<LeadRow> {
  const lead = await findLocked(manager, LeadEntity, tenantId, leadId);
  if (!lead) throw new DomainError('NOT_FOUND', 'Lead not found', field);
  return lead;
}

/** The lead's open escalation, for reading (a banner). Inside a change, use `lockOpenEscalation`. */
export const findOpenEscalation = (manager: EntityManager, tenantId: string, leadId: string) =>
  manager.getRepository(EscalationEntity).findOneBy({ tenantId, openLeadId: leadId });

/** The lead's open escalation, locked and as last committed (never the transaction's older snapshot). */
export const lockOpenEscalation = (manager: EntityManager, tenantId: string, leadId: string) => findOneForUpdate(manager, EscalationEntity, { tenantId, openLeadId: leadId });

/** An escalation by id, locked and as last committed. */
export const lockEscalation = (manager: EntityManager, tenantId: string, id: string) => findOneForUpdate(manager, EscalationEntity, { tenantId, id });

/** How many escalations the lead has had (the next one's cycle is one more), read as last committed. */
export const countEscalations = async (manager: EntityManager, tenantId: string, leadId: string) => (await findForUpdate(manager, EscalationEntity, { tenantId, leadId })).length;

export async function findTeamOrFail(manager: EntityManager, tenantId: string, teamId: string, field = 'teamId'): Promise<TeamRow> {
  const team = await manager.getRepository(TeamEntity).findOneBy({ id: teamId, tenantId });
  if (!team) throw new DomainError('NOT_FOUND', 'Team not found', field);
  return team;
}

/** The active agents of a team: who is notified, and who may resolve. */
export async function activeMemberIds(manager: EntityManager, tenantId: string, teamId: string): Promise<string[]> {
  const rows = await manager
    .getRepository(TeamMemberEntity)
    .createQueryBuilder('m')
    .innerJoin(AgentEntity.options.name, 'a', 'a.id = m.agent_id AND a.tenant_id = m.tenant_id')
    .where('m.tenant_id = :tenantId AND m.team_id = :teamId AND a.active = :active', { tenantId, teamId, active: true })
    .select('m.agent_id', 'agentId')
    .getRawMany<{ agentId: string }>();
  return rows.map((row) => row.agentId);
}

export async function isTeamMember(manager: EntityManager, tenantId: string, teamId: string, agentId: string | null): Promise<boolean> {
  return agentId !== null && (await manager.getRepository(TeamMemberEntity).existsBy({ tenantId, teamId, agentId }));
}

/** The conversation notes and releases go to: the one given (of this lead), else the lead's newest. */
export async function conversationOfLead(manager: EntityManager, tenantId: string, leadId: string, conversationId?: string | null): Promise<string | null> {
  const repository = manager.getRepository(ConversationEntity);
  if (conversationId) {
    if (!(await repository.existsBy({ id: conversationId, tenantId, leadId }))) throw new DomainError('NOT_FOUND', 'Conversation not found for this lead', 'conversationId');
    return conversationId;
  }
  return (await repository.findOne({ where: { tenantId, leadId }, order: { updatedAt: 'DESC' } }))?.id ?? null;
}

export function escalationStateOf(row: EscalationRow): EscalationState {
  return {
    status: row.status,
    teamId: row.teamId,
    cycle: row.cycle,
    openedAt: row.openedAt,
    lastActivityAt: row.lastActivityAt,
    activityCount: row.activityCount,
    notifiedAt: row.notifiedAt ?? row.openedAt,
    unnotifiedActivity: row.unnotifiedActivity,
    resolvedBy: row.resolvedBy,
    resolvedByName: row.resolvedByName,
    resolvedAt: row.resolvedAt,
    resolutionReason: row.resolutionReason,
    resolutionNote: row.resolutionNote,
    resolutionSource: row.resolutionSource,
  };
}

/** The row fields an escalation state writes. */
export const escalationColumnsOf = (state: EscalationState) => ({
  status: state.status,
  lastActivityAt: state.lastActivityAt,
  activityCount: state.activityCount,
  notifiedAt: state.notifiedAt,
  unnotifiedActivity: state.unnotifiedActivity,
  resolvedBy: state.resolvedBy,
  resolvedByName: state.resolvedByName,
  resolvedAt: state.resolvedAt,
  resolutionReason: state.resolutionReason,
  resolutionNote: state.resolutionNote,
  resolutionSource: state.resolutionSource,
});

/**
 * The escalation for banners and API callers. In HIPAA mode the team and the cycle count are
 * left out entirely (not nulled): they never reach the browser (SPEC §5.4).
 */
export function escalationView(row: EscalationRow, team: Pick<TeamRow, 'id' | 'name'> | null, hipaaMode: boolean) {
  return {
    id: row.id,
    leadId: row.leadId,
    conversationId: row.conversationId,
    status: row.status,
    ...escalationIdentityFor(hipaaMode, { team: team ? { id: team.id, name: team.name } : null, cycle: row.cycle }),
    reason: row.reason,
    reasonCode: row.reasonCode,
    trigger: row.trigger,
    openedAt: row.openedAt.toISOString(),
    lastActivityAt: row.lastActivityAt.toISOString(),
    activityCount: row.activityCount,
    resolution: row.resolvedAt
      ? { by: row.resolvedBy, byName: row.resolvedByName, reason: row.resolutionReason, note: row.resolutionNote, source: row.resolutionSource, at: row.resolvedAt.toISOString() }
      : null,
  };
}
export type EscalationView = ReturnType<typeof escalationView>;

/** The escalation's target team (null: deleted since). */
export const findEscalationTeam = (manager: EntityManager, row: EscalationRow): Promise<TeamRow | null> => manager.getRepository(TeamEntity).findOneBy({ id: row.teamId, tenantId: row.tenantId });

/** An escalation's view, reading its team's name unless HIPAA mode hides it. */
export async function loadEscalationView(manager: EntityManager, row: EscalationRow, hipaaMode: boolean): Promise<EscalationView> {
  return escalationView(row, hipaaMode ? null : await findEscalationTeam(manager, row), hipaaMode);
}

/** The team SLA breaches and guardrail violations go to: the configured one, else the tenant's first; null: no team. */
export async function escalationTeamOf(manager: EntityManager, tenantId: string, configuredTeamId: string | null): Promise<TeamRow | null> {
  const repository = manager.getRepository(TeamEntity);
  const configured = configuredTeamId ? await repository.findOneBy({ id: configuredTeamId, tenantId }) : null;
  return configured ?? (await repository.findOne({ where: { tenantId }, order: { createdAt: 'ASC' } }));
}

/** The caller as the resolution rules see them (SPEC §5.5). */
export const resolverOf = (principal: Principal, isTeamMember: boolean): Resolver => ({
  actor: principal.actor,
  name: principal.displayName,
  role: principal.role,
  groups: principal.groups,
  isTeamMember,
});
