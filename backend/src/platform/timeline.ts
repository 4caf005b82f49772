// Append-only timeline: writes a transaction's events, gives them their stream positions (in commit
// order) and reads them back for replay.
import { Between, type DataSource, type EntityManager } from 'typeorm';
import type { BatonEvent, EventType } from '../../../shared/events.js';
import { EventEntity, type EventRow } from '../db/entities/event.entity.js';
import { TenantEventPositionEntity } from '../db/entities/outbox.entities.js';
import { positionsAfterCommit, positionsOfCommittedEvents, takeEventPositions } from './event-positions.js';

export interface NewEvent {
  type: EventType;
  actor: string;
  conversationId?: string | null;
  leadId?: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

/** The event as clients see it: its id is its position in the tenant's stream. */
export function toWireEvent(row: Omit<EventRow, 'id' | 'position'> & { position: string }): BatonEvent {
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
 * Writes a transaction's events at its end, in one insert, and answers them with their row ids. On
 * MariaDB they have no position until a sequencer numbers them after the commit
 * (`withStreamPositions`), so concurrent writers never queue on the tenant's sequence row; on
 * SQLite (one writer) one more statement takes their positions here.
 */
export async function appendEvents(manager: EntityManager, tenantId: string, events: NewEvent[], at: Date): Promise<EventRow[]> {
  if (events.length === 0) return [];
  const first = positionsAfterCommit(manager.connection) ? null : (await takeEventPositions(manager, tenantId, events.length)) - BigInt(events.length) + 1n;
  const rows: Omit<EventRow, 'id'>[] = events.map((event, index) => ({
    tenantId,
    position: first === null ? null : String(first + BigInt(index)),
    conversationId: event.conversationId ?? null,
    leadId: event.leadId ?? null,
    type: event.type,
    actor: event.actor,
    before: event.before ?? null,
    after: event.after ?? null,
    createdAt: at,
  }));
  const result = await manager.createQueryBuilder().insert().into(EventEntity).values(rows as never[]).updateEntity(false).execute();
  // One multi-row insert takes consecutive ids (MariaDB answers the first, SQLite the last).
  const raw = result.raw as { insertId: number | string } | number | bigint;
  const firstId = typeof raw === 'object' ? BigInt(raw.insertId) : BigInt(raw) - BigInt(rows.length) + 1n;
  return rows.map((row, index) => ({ ...row, id: String(firstId + BigInt(index)) }));
}

/** Committed events as on the wire: those still without a position are numbered first (MariaDB). */
export async function withStreamPositions(db: DataSource, tenantId: string, rows: EventRow[]): Promise<BatonEvent[]> {
  const unnumbered = rows.filter((row) => row.position === null).map((row) => row.id);
  const positions = unnumbered.length > 0 ? await positionsOfCommittedEvents(db, tenantId, unnumbered) : new Map<string, string>();
  return rows.map((row) => toWireEvent({ ...row, position: row.position ?? positions.get(row.id)! }));
}

/** A tenant's events with row ids `fromId` … `toId` (one change's events), oldest first. */
export function readEventsByIds(manager: EntityManager, query: { tenantId: string; fromId: string; toId: string }): Promise<EventRow[]> {
  return manager.getRepository(EventEntity).find({ where: { tenantId: query.tenantId, id: Between(query.fromId, query.toId) }, order: { id: 'ASC' } });
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
  // Only numbered events match `position > after`.
  return (await builder.getMany()).map((row) => toWireEvent(row as EventRow & { position: string }));
}

/** The position of a tenant's newest committed event ('0' when it has none): where a fresh subscription starts. */
export async function latestPosition(manager: EntityManager, tenantId: string): Promise<string> {
  const row = await manager.getRepository(TenantEventPositionEntity).findOneBy({ tenantId });
  return row?.lastPosition ?? '0';
}
