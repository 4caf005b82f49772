// escalations.listOpen (issue 10): the tenant's open escalations, newest first, optionally only
// those of the caller's teams, with lead name, team and helpdesk location — in one SQL query.
import type { EntityManager } from 'typeorm';
import type { OpenEscalationItem } from '../../../../shared/conversation-list.js';
import type { Principal } from '../../auth/principal.js';
import { ConversationRefEntity, LeadEntity, type ConversationRefRow, type LeadRow } from '../../db/entities/conversation.entities.js';
import { EscalationEntity, type EscalationRow } from '../../db/entities/escalation.entities.js';
import { TeamEntity, TeamMemberEntity, type TeamRow } from '../../db/entities/tenancy.entities.js';
import { firstRefJoin, locationOf } from '../conversations/helpdesk-location.js';

export interface OpenEscalationQuery {
  /** Only escalations to a team the caller's agent is on. An integration key (no agent) has no teams: an empty list. */
  myTeams?: boolean;
  limit: number;
}

type JoinedEscalation = EscalationRow & { lead?: LeadRow | null; team?: TeamRow | null; ref?: ConversationRefRow | null };

/** An open escalation as the popup lists it (unredacted: see {@link redactForHipaa}). */
function itemOf(row: JoinedEscalation): OpenEscalationItem {
  return {
    id: row.id,
    leadId: row.leadId,
    leadName: row.lead?.name ?? null,
    conversationId: row.conversationId,
    ...locationOf(row.ref),
    teamId: row.teamId,
    teamName: row.team?.name ?? null,
    cycle: row.cycle,
    reason: row.reason,
    reasonCode: row.reasonCode,
    trigger: row.trigger,
    openedAt: row.openedAt.toISOString(),
    lastActivityAt: row.lastActivityAt.toISOString(),
    activityCount: row.activityCount,
  };
}

/** HIPAA mode (SPEC §5.4): the team and the cycle never leave the backend. */
export const redactForHipaa = (item: OpenEscalationItem): OpenEscalationItem => ({ ...item, teamName: null, cycle: null });

/** The open escalations `principal` asks for, newest first (opened, then id); the caller redacts in HIPAA mode. */
export async function readOpenEscalations(manager: EntityManager, principal: Principal, query: OpenEscalationQuery): Promise<OpenEscalationItem[]> {
  if (query.myTeams && !principal.agentId) return [];
  const builder = manager
    .getRepository(EscalationEntity)
    .createQueryBuilder('esc')
    .leftJoinAndMapOne('esc.lead', LeadEntity.options.name, 'lead', 'lead.id = esc.lead_id AND lead.tenant_id = esc.tenant_id')
    .leftJoinAndMapOne('esc.team', TeamEntity.options.name, 'team', 'team.id = esc.team_id AND team.tenant_id = esc.tenant_id')
    .leftJoinAndMapOne('esc.ref', ConversationRefEntity.options.name, 'ref', firstRefJoin('ref', 'esc.conversation_id', 'esc.tenant_id'))
    .where('esc.tenant_id = :tenantId AND esc.status = :open', { tenantId: principal.tenantId, open: 'open' });
  if (query.myTeams) {
    builder.innerJoin(TeamMemberEntity.options.name, 'member', 'member.team_id = esc.team_id AND member.tenant_id = esc.tenant_id AND member.agent_id = :agentId', { agentId: principal.agentId });
  }
  const rows = (await builder.orderBy('esc.openedAt', 'DESC').addOrderBy('esc.id', 'DESC').limit(query.limit).getMany()) as JoinedEscalation[];
  return rows.map(itemOf);
}
