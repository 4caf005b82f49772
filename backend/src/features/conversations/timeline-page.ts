// conversations.timeline (issue 9, SPEC §6): a conversation's events and messages merged newest
// first, one page at a time (keyset cursor), with actors named and events put into words, redacted
// for the tenant's HIPAA mode as it is now.
import { In, type EntityManager } from 'typeorm';
import type { TimelineEntry, TimelinePageDto } from '../../../../shared/conversation-view.js';
import type { TenantSettings } from '../../../../shared/settings.js';
import { MessageEntity, type MessageRow } from '../../db/entities/conversation.entities.js';
import { EventEntity, type EventRow } from '../../db/entities/event.entity.js';
import { AgentEntity, ApiKeyEntity } from '../../db/entities/tenancy.entities.js';
import { redactEventForReader } from '../../domain/event-redaction.js';
import { describeEvent, eventActor, messageActor, TIMELINE_HIDDEN_EVENT_TYPES, type TimelineWording } from '../../domain/timeline-text.js';
import { compareNewestFirst, decodeTimelineCursor, encodeTimelineCursor, type TimelinePosition } from './timeline-cursor.js';

export interface TimelinePageQuery {
  tenantId: string;
  conversationId: string;
  /** From the previous page's `nextCursor`; null: the newest entries. */
  cursor: string | null;
  limit: number;
}

type Row = { position: TimelinePosition } & ({ kind: 'e'; event: EventRow } | { kind: 'm'; message: MessageRow });

/** At most `take` events older than `position`, newest first (the message entries stand for message.* events). */
function readEvents(manager: EntityManager, query: TimelinePageQuery, position: TimelinePosition | null, take: number): Promise<EventRow[]> {
  const builder = manager
    .getRepository(EventEntity)
    .createQueryBuilder('event')
    .where('event.tenantId = :tenantId AND event.conversationId = :conversationId', { tenantId: query.tenantId, conversationId: query.conversationId })
    .andWhere('event.type NOT IN (:...hidden)', { hidden: [...TIMELINE_HIDDEN_EVENT_TYPES] });
  if (position?.kind === 'e') builder.andWhere('(event.createdAt < :at OR (event.createdAt = :at AND event.id < :id))', { at: new Date(position.atMs), id: position.id });
  // Events sort above messages of the same instant: after a message cursor, only older instants.
  if (position?.kind === 'm') builder.andWhere('event.createdAt < :at', { at: new Date(position.atMs) });
  return builder.orderBy('event.createdAt', 'DESC').addOrderBy('event.id', 'DESC').limit(take).getMany();
}

/** At most `take` messages older than `position`, newest first. */
function readMessages(manager: EntityManager, query: TimelinePageQuery, position: TimelinePosition | null, take: number): Promise<MessageRow[]> {
  const builder = manager
    .getRepository(MessageEntity)
    .createQueryBuilder('message')
    .where('message.tenantId = :tenantId AND message.conversationId = :conversationId', { tenantId: query.tenantId, conversationId: query.conversationId });
  if (position?.kind === 'm') builder.andWhere('(message.createdAt < :at OR (message.createdAt = :at AND message.id < :id))', { at: new Date(position.atMs), id: position.id });
  if (position?.kind === 'e') builder.andWhere('message.createdAt <= :at', { at: new Date(position.atMs) });
  return builder.orderBy('message.createdAt', 'DESC').addOrderBy('message.id', 'DESC').limit(take).getMany();
}

/** The names the page mentions: agents in one query, API keys with their agents in another (none when the page names none). */
async function namesOn(manager: EntityManager, tenantId: string, rows: Row[]): Promise<Pick<TimelineWording, 'agentName' | 'apiKey'>> {
  const agentIds = new Set<string>();
  const apiKeyIds = new Set<string>();
  for (const row of rows) {
    if (row.kind === 'm') {
      if (row.message.agentId) agentIds.add(row.message.agentId);
      continue;
    }
    const { actor } = row.event;
    if (actor.startsWith('agent:')) agentIds.add(actor.slice('agent:'.length));
    if (actor.startsWith('api_key:')) apiKeyIds.add(actor.slice('api_key:'.length));
    const previousHolder = row.event.after?.previousHolderId;
    if (typeof previousHolder === 'string') agentIds.add(previousHolder);
  }
  const [agents, apiKeys] = await Promise.all([
    agentIds.size ? manager.getRepository(AgentEntity).find({ select: { id: true, name: true }, where: { tenantId, id: In([...agentIds]) } }) : [],
    apiKeyIds.size ? apiKeysWithAgents(manager, tenantId, [...apiKeyIds]) : [],
  ]);
  const agentNames = new Map(agents.map((agent) => [agent.id, agent.name]));
  const keys = new Map(apiKeys.map((key) => [key.id, { name: key.name, agentName: key.agentName }]));
  return { agentName: (id) => agentNames.get(id) ?? null, apiKey: (id) => keys.get(id) ?? null };
}

/** API keys by id with the name of the agent each acts for (null: an integration key). */
function apiKeysWithAgents(manager: EntityManager, tenantId: string, ids: string[]): Promise<{ id: string; name: string; agentName: string | null }[]> {
  return manager
    .getRepository(ApiKeyEntity)
    .createQueryBuilder('apiKey')
    .leftJoin(AgentEntity.options.name, 'agent', 'agent.id = apiKey.agentId AND agent.tenantId = apiKey.tenantId')
    .where('apiKey.tenantId = :tenantId AND apiKey.id IN (:...ids)', { tenantId, ids })
    .select(['apiKey.id AS id', 'apiKey.name AS name', 'agent.name AS agentName'])
    .getRawMany();
}

/** `hipaaMode`: the tenant's now, whatever it was when the event was stored (issue 11 item 5). */
function entryOf(row: Row, wording: TimelineWording, hipaaMode: boolean): TimelineEntry {
  if (row.kind === 'm') {
    const { message } = row;
    return { id: `m:${message.id}`, kind: 'message', at: message.createdAt.toISOString(), actor: messageActor(message, wording), text: message.body, eventType: null, channel: message.channel };
  }
  const event = redactEventForReader(row.event, hipaaMode);
  const described = describeEvent(event, wording);
  return { id: `e:${event.id}`, kind: described.kind, at: event.createdAt.toISOString(), actor: eventActor(event, wording), text: described.text, eventType: event.type, channel: null };
}

/**
 * One page of a conversation's timeline (the caller has checked the conversation is the tenant's).
 * Reads `limit + 1` of each kind past the cursor, merges them, and keeps `limit`: the extra one
 * says whether anything older remains.
 */
export async function readTimelinePage(manager: EntityManager, query: TimelinePageQuery, settings: TenantSettings): Promise<TimelinePageDto> {
  const position = query.cursor ? decodeTimelineCursor(query.cursor) : null;
  const take = query.limit + 1;
  const [events, messages] = await Promise.all([readEvents(manager, query, position, take), readMessages(manager, query, position, take)]);
  const rows: Row[] = [
    ...events.map((event): Row => ({ kind: 'e', event, position: { atMs: event.createdAt.getTime(), kind: 'e', id: event.id } })),
    ...messages.map((message): Row => ({ kind: 'm', message, position: { atMs: message.createdAt.getTime(), kind: 'm', id: message.id } })),
  ].sort((a, b) => compareNewestFirst(a.position, b.position));
  const page = rows.slice(0, query.limit);
  const timeZone = settings.businessHours.timeZone;
  const wording: TimelineWording = { timeZone, ...(await namesOn(manager, query.tenantId, page)) };
  return {
    entries: page.map((row) => entryOf(row, wording, settings.hipaaMode)),
    nextCursor: rows.length > query.limit ? encodeTimelineCursor(page[page.length - 1]!.position) : null,
    timeZone,
  };
}
