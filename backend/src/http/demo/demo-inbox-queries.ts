// Read-only queries behind the demo inbox: the tenant by slug, its agents, and its `demo`-connector threads.
import { In, type DataSource } from 'typeorm';
import {
  ConversationEntity,
  ConversationRefEntity,
  LeadEntity,
  MessageEntity,
  type Channel,
  type ConversationRow,
  type LeadRow,
  type MessageAuthor,
} from '../../db/entities/conversation.entities.js';
import { AgentEntity, TenantEntity, type AgentRole, type TenantRow } from '../../db/entities/tenancy.entities.js';

/** The connector name the demo inbox's threads are stored under (`conversation_refs.connector`). */
export const DEMO_CONNECTOR = 'demo';
/** The list shows the most recently active threads only. */
const LIST_LIMIT = 100;
/** A thread shows its newest messages only. */
const THREAD_MESSAGE_LIMIT = 500;

export interface DemoAgent {
  email: string;
  name: string;
  role: AgentRole;
}

export interface DemoConversationSummary {
  externalId: string;
  leadName: string;
  /** The newest message's text; '' when the thread has none. */
  lastMessage: string;
  /** ISO-8601: the newest change or message. */
  updatedAt: string;
}

export interface DemoThreadMessage {
  id: string;
  author: MessageAuthor;
  /** "Customer", "AI" or the agent's name. */
  authorName: string;
  channel: Channel;
  body: string;
  /** ISO-8601. */
  at: string;
}

export interface DemoThread {
  externalId: string;
  lead: { name: string; phone: string | null; email: string | null };
  /** The channel of the newest customer message (else of the newest message, else SMS). */
  channel: Channel;
  messages: DemoThreadMessage[];
}

/** What the list and the thread header call a lead: their name, else their phone or email. */
export function leadDisplayName(lead: Pick<LeadRow, 'name' | 'phone' | 'email'> | null): string {
  return lead?.name || lead?.phone || lead?.email || 'Unknown customer';
}

export function findTenantBySlug(db: DataSource, slug: string): Promise<TenantRow | null> {
  return db.getRepository(TenantEntity).findOneBy({ slug });
}

/** Active agents, admins first, then by seniority: the first one is who is signed in by default. */
export async function listAgents(db: DataSource, tenantId: string): Promise<DemoAgent[]> {
  const rows = await db.getRepository(AgentEntity).find({ where: { tenantId, active: true }, order: { createdAt: 'ASC', id: 'ASC' } });
  const admins = rows.filter((row) => row.role !== 'agent');
  const others = rows.filter((row) => row.role === 'agent');
  return [...admins, ...others].map((row) => ({ email: row.email, name: row.name, role: row.role }));
}

/** The tenant's demo threads, most recently active first, each with its lead and newest message. */
export async function listDemoConversations(db: DataSource, tenantId: string): Promise<DemoConversationSummary[]> {
  const refs = await db.getRepository(ConversationRefEntity).findBy({ tenantId, connector: DEMO_CONNECTOR });
  if (refs.length === 0) return [];
  const externalIdOf = new Map(refs.map((ref) => [ref.conversationId, ref.externalId]));
  const conversations = await db.getRepository(ConversationEntity).find({
    where: { tenantId, id: In([...externalIdOf.keys()]) },
    order: { updatedAt: 'DESC', id: 'ASC' },
    take: LIST_LIMIT,
  });
  if (conversations.length === 0) return [];
  const leads = await db.getRepository(LeadEntity).findBy({ tenantId, id: In(conversations.map((conversation) => conversation.leadId)) });
  const leadOf = new Map(leads.map((lead) => [lead.id, lead]));
  // One query for every thread's newest message (index conversation_id, created_at).
  const newest = await db
    .getRepository(MessageEntity)
    .createQueryBuilder('message')
    .where('message.tenant_id = :tenantId', { tenantId })
    .andWhere('message.conversation_id IN (:...ids)', { ids: conversations.map((conversation) => conversation.id) })
    .andWhere('message.created_at = (SELECT MAX(latest.created_at) FROM messages latest WHERE latest.conversation_id = message.conversation_id)')
    .getMany();
  const lastMessageOf = new Map(newest.map((message) => [message.conversationId, message]));
  // An AI reply does not touch the conversation row: the newest message counts as activity too.
  const activityOf = (conversation: ConversationRow) => Math.max(conversation.updatedAt.getTime(), lastMessageOf.get(conversation.id)?.createdAt.getTime() ?? 0);
  return [...conversations]
    .sort((a, b) => activityOf(b) - activityOf(a))
    .map((conversation) => ({
      externalId: externalIdOf.get(conversation.id)!,
      leadName: leadDisplayName(leadOf.get(conversation.leadId) ?? null),
      lastMessage: lastMessageOf.get(conversation.id)?.body ?? '',
      updatedAt: new Date(activityOf(conversation)).toISOString(),
    }));
}

/** One demo thread with its messages, oldest first; null when the tenant has no such thread. */
export async function readDemoThread(db: DataSource, tenantId: string, externalId: string): Promise<DemoThread | null> {
  const ref = await db.getRepository(ConversationRefEntity).findOneBy({ tenantId, connector: DEMO_CONNECTOR, externalId });
  if (!ref) return null;
  const conversation = await db.getRepository(ConversationEntity).findOneBy({ tenantId, id: ref.conversationId });
  if (!conversation) return null;
  const lead = await db.getRepository(LeadEntity).findOneBy({ tenantId, id: conversation.leadId });
  const rows = (
    await db.getRepository(MessageEntity).find({
      where: { tenantId, conversationId: conversation.id },
      order: { createdAt: 'DESC', id: 'DESC' },
      take: THREAD_MESSAGE_LIMIT,
    })
  ).reverse();
  const agentIds = [...new Set(rows.flatMap((row) => (row.author === 'agent' && row.agentId ? [row.agentId] : [])))];
  const agents = agentIds.length ? await db.getRepository(AgentEntity).findBy({ tenantId, id: In(agentIds) }) : [];
  const agentName = new Map(agents.map((agent) => [agent.id, agent.name]));
  const authorName = (author: MessageAuthor, agentId: string | null) =>
    author === 'customer' ? 'Customer' : author === 'ai' ? 'AI' : (agentId && agentName.get(agentId)) || 'Agent';
  const lastCustomer = [...rows].reverse().find((row) => row.author === 'customer');
  return {
    externalId,
    lead: { name: leadDisplayName(lead), phone: lead?.phone ?? null, email: lead?.email ?? null },
    channel: lastCustomer?.channel ?? rows.at(-1)?.channel ?? 'sms',
    messages: rows.map((row) => ({
      id: row.id,
      author: row.author,
      authorName: authorName(row.author, row.agentId),
      channel: row.channel,
      body: row.body,
      at: row.createdAt.toISOString(),
    })),
  };
}

/** The next free `DEMO-<n>` external id of the tenant (n = highest so far + 1). */
export async function nextDemoExternalId(db: DataSource, tenantId: string): Promise<string> {
  const refs = await db
    .getRepository(ConversationRefEntity)
    .createQueryBuilder('ref')
    .select('ref.external_id', 'externalId')
    .where('ref.tenant_id = :tenantId AND ref.connector = :connector', { tenantId, connector: DEMO_CONNECTOR })
    .andWhere("ref.external_id LIKE 'DEMO-%'")
    .getRawMany<{ externalId: string }>();
  const highest = refs.reduce((max, ref) => Math.max(max, /^DEMO-(\d{1,9})$/.exec(ref.externalId) ? Number(ref.externalId.slice(5)) : 0), 0);
  return `DEMO-${highest + 1}`;
}
