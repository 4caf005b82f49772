// conversations.list (issue 10): the popup's lists — held by me, escalated for my teams — newest
// activity first, one page at a time, with lead, holder, open escalation and helpdesk location
// joined in one query (never one query per row).
import type { EntityManager } from 'typeorm';
import type { ConversationListItem, ConversationListPage } from '../../../../shared/conversation-list.js';
import type { Principal } from '../../auth/principal.js';
import { ConversationEntity, ConversationRefEntity, LeadEntity, type ConversationRefRow, type ConversationRow, type LeadRow } from '../../db/entities/conversation.entities.js';
import { EscalationEntity, type EscalationRow } from '../../db/entities/escalation.entities.js';
import { AgentEntity, TeamEntity, type AgentRow, type TeamRow } from '../../db/entities/tenancy.entities.js';
import { firstRefJoin, locationOf } from './helpdesk-location.js';
import { decodeListCursor, encodeListCursor } from '../../platform/list-cursor.js';

/** What to list. An absent (or false) `heldByMe` / `escalatedForMyTeams` does not filter. */
export interface ConversationListQuery {
  /** true: only taken over (by an agent or held by a rule); false: only not taken over. */
  takenOver?: boolean;
  /** Held by the caller's agent. An integration key (no agent) holds nothing: an empty page. */
  heldByMe?: boolean;
  /** Its lead's open escalation targets a team the caller's agent is on. No agent: an empty page. */
  escalatedForMyTeams?: boolean;
  /** `nextCursor` of the previous page; absent: the newest. */
  cursor?: string | null;
  limit: number;
}

/** A conversation row with what the query joined onto it (absent: nothing to join). */
type JoinedConversation = ConversationRow & { lead?: LeadRow | null; ref?: ConversationRefRow | null; holder?: AgentRow | null; escalation?: EscalationRow | null; team?: TeamRow | null };

function itemOf(row: JoinedConversation, hipaaMode: boolean): ConversationListItem {
  const escalation = row.escalation ?? null;
  return {
    id: row.id,
    leadId: row.leadId,
    leadName: row.lead?.name ?? null,
    subject: row.subject,
    ...locationOf(row.ref),
    takeover: row.takeoverSource
      ? { holderId: row.heldByAgentId, holderName: row.holder?.name ?? null, source: row.takeoverSource, autoReleaseAt: row.autoReleaseAt?.toISOString() ?? null }
      : null,
    escalation: escalation
      ? { id: escalation.id, reason: escalation.reason, trigger: escalation.trigger, openedAt: escalation.openedAt.toISOString(), teamName: hipaaMode ? null : (row.team?.name ?? null) }
      : null,
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** One page of the tenant's conversations for `principal`; `hipaaMode` hides team names. */
export async function readConversationList(manager: EntityManager, principal: Principal, query: ConversationListQuery, hipaaMode: boolean, now: Date): Promise<ConversationListPage> {
  const position = query.cursor ? decodeListCursor(query.cursor) : null;
  const empty: ConversationListPage = { items: [], nextCursor: null, serverNow: now.toISOString() };
  const agentId = principal.agentId;
  if ((query.heldByMe || query.escalatedForMyTeams) && !agentId) return empty;

  const builder = manager
    .getRepository(ConversationEntity)
    .createQueryBuilder('c')
    .leftJoinAndMapOne('c.lead', LeadEntity.options.name, 'lead', 'lead.id = c.lead_id AND lead.tenant_id = c.tenant_id')
    .leftJoinAndMapOne('c.ref', ConversationRefEntity.options.name, 'ref', firstRefJoin('ref', 'c.id', 'c.tenant_id'))
    .leftJoinAndMapOne('c.holder', AgentEntity.options.name, 'holder', 'holder.id = c.held_by_agent_id AND holder.tenant_id = c.tenant_id')
    .where('c.tenant_id = :tenantId', { tenantId: principal.tenantId });
  // At most one open escalation per lead (a unique index on open_lead_id). Only escalated ones wanted:
  // an inner join lets the database start from the tenant's few open escalations, not its conversations.
  const openEscalation = "esc.open_lead_id = c.lead_id AND esc.tenant_id = c.tenant_id AND esc.status = 'open'";
  if (query.escalatedForMyTeams) builder.innerJoinAndMapOne('c.escalation', EscalationEntity.options.name, 'esc', openEscalation);
  else builder.leftJoinAndMapOne('c.escalation', EscalationEntity.options.name, 'esc', openEscalation);
  builder.leftJoinAndMapOne('c.team', TeamEntity.options.name, 'team', 'team.id = esc.team_id AND team.tenant_id = esc.tenant_id');
  if (query.takenOver !== undefined) builder.andWhere(query.takenOver ? 'c.takeover_source IS NOT NULL' : 'c.takeover_source IS NULL');
  if (query.heldByMe) builder.andWhere('c.held_by_agent_id = :agentId', { agentId });
  if (query.escalatedForMyTeams) {
    builder.andWhere('EXISTS (SELECT 1 FROM team_members member WHERE member.tenant_id = esc.tenant_id AND member.team_id = esc.team_id AND member.agent_id = :agentId)', { agentId });
  }
  if (position) builder.andWhere('(c.updatedAt < :at OR (c.updatedAt = :at AND c.id < :id))', { at: new Date(position.atMs), id: position.id });
  // One more than asked: it says whether another page follows.
  const rows = (await builder.orderBy('c.updatedAt', 'DESC').addOrderBy('c.id', 'DESC').limit(query.limit + 1).getMany()) as JoinedConversation[];
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((row) => itemOf(row, hipaaMode)),
    nextCursor: rows.length > query.limit && last ? encodeListCursor({ atMs: last.updatedAt.getTime(), id: last.id }) : null,
    serverNow: now.toISOString(),
  };
}
