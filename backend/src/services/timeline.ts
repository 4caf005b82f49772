// Append-only timeline: writes events inside a transaction and reads them back for replay.
import type { EntityManager } from 'typeorm';
import type { BatonEvent, EventType } from '../../../shared/events.js';
import { EventEntity, type EventRow } from '../db/entities/event.entity.js';

export interface NewEvent {
  type: EventType;
  actor: string;
  conversationId?: string | null;
  leadId?: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

export function toWireEvent(row: EventRow): BatonEvent {
  return {
    id: row.id,
    type: row.type as EventType,
    conversationId: row.conversationId,
    leadId: row.leadId,
    actor: row.actor,
    before: row.before,
    after: row.after,
    at: row.createdAt.toISOString(),
  };
}

/** Inserts one event row (in the caller's transaction) and returns it with its id. */
export async function appendEvent(manager: EntityManager, tenantId: string, event: NewEvent, at: Date): Promise<BatonEvent> {
  const row: Omit<EventRow, 'id'> = {
    tenantId,
    conversationId: event.conversationId ?? null,
    leadId: event.leadId ?? null,
    type: event.type,
    actor: event.actor,
    before: event.before ?? null,
    after: event.after ?? null,
    createdAt: at,
  };
  const result = await manager.getRepository(EventEntity).insert(row as never);
  const id = String(result.identifiers[0]?.id);
  return toWireEvent({ ...row, id });
}

/** Events of a tenant after `afterId`, oldest first (optionally one conversation's). */
export async function readEventsAfter(
  manager: EntityManager,
  query: { tenantId: string; afterId: string; conversationId?: string; limit: number },
): Promise<BatonEvent[]> {
  const builder = manager
    .getRepository(EventEntity)
    .createQueryBuilder('event')
    .where('event.tenantId = :tenantId', { tenantId: query.tenantId })
    .andWhere('event.id > :afterId', { afterId: query.afterId })
    .orderBy('event.id', 'ASC')
    .limit(query.limit);
  if (query.conversationId) builder.andWhere('event.conversationId = :conversationId', { conversationId: query.conversationId });
  return (await builder.getMany()).map(toWireEvent);
}

/** The newest event id of a tenant ('0' when it has none): where a fresh subscription starts. */
export async function latestEventId(manager: EntityManager, tenantId: string): Promise<string> {
  const row = await manager
    .getRepository(EventEntity)
    .createQueryBuilder('event')
    .select('MAX(event.id)', 'maxId')
    .where('event.tenantId = :tenantId', { tenantId })
    .getRawOne<{ maxId: string | number | null }>();
  return row?.maxId == null ? '0' : String(row.maxId);
}
