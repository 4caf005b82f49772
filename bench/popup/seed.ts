// Seeds one tenant's history straight into MariaDB with multi-row INSERTs: teams, agents, leads,
// conversations (a few held by each agent), their references, resolved escalations and a few open
// ones. Deterministic (a seeded generator), so two runs on the same volume seed the same rows.
import type { DataSource } from 'typeorm';

export interface SeedVolume {
  conversations: number;
  resolvedEscalations: number;
  openEscalations: number;
  teams: number;
  agentsPerTeam: number;
  /** Conversations each agent holds (takeover_source `manual`). */
  heldPerAgent: number;
}

export interface SeededHistory {
  teamIds: string[];
  /** Agent ids, team by team (`agentsPerTeam` each); every agent is on exactly one team. */
  agentIds: string[];
  /** The conversations held by agent i: `heldConversationIds[i]`. */
  heldConversationIds: string[][];
  counts: { conversations: number; leads: number; resolvedEscalations: number; openEscalations: number; agents: number; teams: number; heldConversations: number };
}

const DAY_MS = 86_400_000;
const BATCH = 1000;

/** mulberry32: a small seeded generator (uniform in [0, 1)). */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A version-4-shaped UUID drawn from `random` (reproducible, unlike crypto.randomUUID). */
function uuidFrom(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

async function insertRows(db: DataSource, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  const placeholders = `(${columns.map(() => '?').join(', ')})`;
  for (let start = 0; start < rows.length; start += BATCH) {
    const batch = rows.slice(start, start + BATCH);
    await db.query(`INSERT INTO ${table} (${columns.map((column) => `\`${column}\``).join(', ')}) VALUES ${batch.map(() => placeholders).join(', ')}`, batch.flat());
  }
}

/** Seeds `volume` into tenant `tenantId`; timestamps spread over the year before `now`. */
export async function seedTenantHistory(db: DataSource, tenantId: string, volume: SeedVolume, now: Date): Promise<SeededHistory> {
  const random = seededRandom(20261202);
  const at = (maxAgeMs: number) => new Date(now.getTime() - Math.floor(random() * maxAgeMs));
  const created = new Date(now.getTime() - 400 * DAY_MS);

  const teamIds = Array.from({ length: volume.teams }, () => uuidFrom(random));
  await insertRows(db, 'teams', ['id', 'tenant_id', 'name', 'created_at'], teamIds.map((id, index) => [id, tenantId, `Bench team ${index + 1}`, created]));
  const agentIds = Array.from({ length: volume.teams * volume.agentsPerTeam }, () => uuidFrom(random));
  await insertRows(
    db,
    'agents',
    ['id', 'tenant_id', 'email', 'name', 'role', 'external_subject', 'active', 'created_at'],
    agentIds.map((id, index) => [id, tenantId, `bench-agent-${index + 1}@bench.test`, `Bench Agent ${index + 1}`, 'agent', null, 1, created]),
  );
  await insertRows(
    db,
    'team_members',
    ['team_id', 'agent_id', 'tenant_id', 'created_at'],
    agentIds.map((id, index) => [teamIds[Math.floor(index / volume.agentsPerTeam)]!, id, tenantId, created]),
  );

  // One lead, one conversation and one reference per thread.
  const leadIds: string[] = [];
  const leads: unknown[][] = [];
  const conversations: unknown[][] = [];
  const refs: unknown[][] = [];
  const heldConversationIds: string[][] = agentIds.map(() => []);
  for (let index = 0; index < volume.conversations; index++) {
    const leadId = uuidFrom(random);
    const conversationId = uuidFrom(random);
    const updatedAt = at(365 * DAY_MS);
    const createdAt = new Date(updatedAt.getTime() - Math.floor(random() * 7 * DAY_MS));
    // The first heldPerAgent × agents conversations are held, agent by agent, with random ages.
    const holderIndex = index < agentIds.length * volume.heldPerAgent ? index % agentIds.length : -1;
    const holderId = holderIndex >= 0 ? agentIds[holderIndex]! : null;
    if (holderId) heldConversationIds[holderIndex]!.push(conversationId);
    leadIds.push(leadId);
    leads.push([leadId, tenantId, `Lead ${index + 1}`, `+1555${String(index).padStart(7, '0')}`, null, '[]', null, createdAt]);
    conversations.push([
      conversationId, tenantId, leadId, `Thread ${index + 1}`, holderId, holderId ? 'manual' : null, holderId ? updatedAt : null, null,
      updatedAt, null, holderId ? updatedAt : null, 1, createdAt, updatedAt,
    ]);
    refs.push([uuidFrom(random), tenantId, conversationId, 'bench', `BENCH-${index + 1}`, null, createdAt]);
  }
  await insertRows(db, 'leads', ['id', 'tenant_id', 'name', 'phone', 'email', 'tags', 'cooldown_until', 'created_at'], leads);
  await insertRows(
    db,
    'conversations',
    ['id', 'tenant_id', 'lead_id', 'subject', 'held_by_agent_id', 'takeover_source', 'taken_over_at', 'auto_release_at', 'last_customer_message_at', 'last_agent_message_at', 'last_human_control_at', 'version', 'created_at', 'updated_at'],
    conversations,
  );
  await insertRows(db, 'conversation_refs', ['id', 'tenant_id', 'conversation_id', 'connector', 'external_id', 'helpdesk_url', 'created_at'], refs);

  // Resolved escalations on random leads over the year; open ones on distinct leads in the last week, teams in turn.
  const escalations: unknown[][] = [];
  const escalation = (leadIndex: number, teamId: string, open: boolean) => {
    const openedAt = at(open ? 7 * DAY_MS : 365 * DAY_MS);
    const resolvedAt = open ? null : new Date(openedAt.getTime() + Math.floor(random() * DAY_MS));
    const conversationId = (conversations[leadIndex]![0] as string) ?? null;
    escalations.push([
      uuidFrom(random), tenantId, leadIds[leadIndex]!, conversationId, teamId, open ? 'open' : 'resolved', open ? leadIds[leadIndex]! : null, 'Customer asked for a human', null, 'manual', 1,
      openedAt, resolvedAt ?? openedAt, 1, openedAt, 0, open ? null : 'api_key:bench', open ? null : 'Bench', open ? null : 'handled', null, open ? null : 'api', resolvedAt,
    ]);
  };
  for (let index = 0; index < volume.resolvedEscalations; index++) escalation(Math.floor(random() * leadIds.length), teamIds[Math.floor(random() * teamIds.length)]!, false);
  for (let index = 0; index < volume.openEscalations; index++) escalation(Math.floor((index * leadIds.length) / volume.openEscalations), teamIds[index % teamIds.length]!, true);
  await insertRows(
    db,
    'escalations',
    ['id', 'tenant_id', 'lead_id', 'conversation_id', 'team_id', 'status', 'open_lead_id', 'reason', 'reason_code', 'trigger', 'cycle', 'opened_at', 'last_activity_at', 'activity_count',
      'notified_at', 'unnotified_activity', 'resolved_by', 'resolved_by_name', 'resolution_reason', 'resolution_note', 'resolution_source', 'resolved_at'],
    escalations,
  );
  await db.query('ANALYZE TABLE teams, agents, team_members, leads, conversations, conversation_refs, escalations');
  return {
    teamIds,
    agentIds,
    heldConversationIds,
    counts: {
      conversations: volume.conversations, leads: volume.conversations, resolvedEscalations: volume.resolvedEscalations, openEscalations: volume.openEscalations,
      agents: agentIds.length, teams: teamIds.length, heldConversations: heldConversationIds.reduce((sum, ids) => sum + ids.length, 0),
    },
  };
}
