// Append-only timeline: writes a transaction's events (positioned in commit order) and reads them back for replay.
import type { EntityManager } from 'typeorm';
import type { BatonEvent, EventType } from '../../../shared/events.js';
import { EventEntity, type EventRow } from '../db/entities/event.entity.js';
import { TenantEventPositionEntity } from '../db/entities/outbox.entities.js';
import { takeEventPositions } from './event-positions.js';

export interface NewEvent {
  type: EventType;
  actor: string;
  conversationId?: string | null;
  leadId?: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

/** The event as clients see it: its id is its position in the tenant's stream. */
export function toWireEvent(row: Omit<EventRow, 'id'>): BatonEvent {
  return {
    id: row.position,
    type: row.type as EventType,
    conversationId: row.conversationId,
    leadId: row.leadId,
    actor: row.actor,
    before: row.before,
    after: row.after,
    at: row.createdAt.toISOString(),
  };
}

/**
 * Writes a transaction's events at its end: one statement takes their positions (locking the
 * tenant's sequence row until commit), one inserts them all. Answers them as on the wire.
 */
export async function appendEvents(manager: EntityManager, tenantId: string, events: NewEvent[], at: Date): Promise<BatonEvent[]> {
  if (events.length === 0) return [];
  const last = await takeEventPositions(manager, tenantId, events.length);
  const first = last - BigInt(events.length) + 1n;
  const rows: Omit<EventRow, 'id'>[] = events.map((event, index) => ({
    tenantId,
    position: String(first + BigInt(index)),
    conversationId: event.conversationId ?? null,
    leadId: event.leadId ?? null,
    type: event.type,
    actor: event.actor,
    before: event.before ?? null,
    after: event.after ?? null,
    createdAt: at,
  }));
  await manager.createQueryBuilder().insert().into(EventEntity).values(rows as never[]).updateEntity(false).execute();
  return rows.map(toWireEvent);
}

/**
 * Events of a tenant after position `after` (and up to `through` when given), oldest first,
 * optionally one conversation's.
 */
export async function readEventsAfter(
  manager: EntityManager,
  query: { tenantId: string; after: string; through?: string; conversationId?: string; limit: number },
): Promise<BatonEvent[]> {
  const builder = manager
    .getRepository(EventEntity)
    .createQueryBuilder('event')
    .where('event.tenantId = :tenantId', { tenantId: query.tenantId })
    .andWhere('event.position > :after', { after: query.after })
    .orderBy('event.position', 'ASC')
    .limit(query.limit);
  if (query.through !== undefined) builder.andWhere('event.position <= :through', { through: query.through });
  if (query.conversationId) builder.andWhere('event.conversationId = :conversationId', { conversationId: query.conversationId });
  return (await builder.getMany()).map(toWireEvent);
}

/** The position of a tenant's newest committed event ('0' when it has none): where a fresh subscription starts. */
export async function latestPosition(manager: EntityManager, tenantId: string): Promise<string> {
  const row = await manager.getRepository(TenantEventPositionEntity).findOneBy({ tenantId });
  return row?.lastPosition ?? '0';
}
