// Where a conversation lives in a helpdesk (issue 10): its first external reference (connector,
// external id) and the thread page an extension first showed it on.
import type { EntityManager } from 'typeorm';
import type { HelpdeskLocation } from '../../../../shared/conversation-list.js';
import { ConversationRefEntity, type ConversationRefRow } from '../../db/entities/conversation.entities.js';

/** No location: the conversation has no external reference (or none is known). */
export const NO_LOCATION: HelpdeskLocation = Object.freeze({ connector: null, externalId: null, helpdeskUrl: null });

/**
 * The SQL condition joining alias `ref` to the first reference (oldest, then lowest id) of the
 * conversation whose id and tenant are the SQL expressions given: one row at most, so list joins
 * never multiply rows. Portable (MariaDB and SQLite).
 * @example builder.leftJoinAndMapOne('c.ref', ConversationRefEntity.options.name, 'ref', firstRefJoin('ref', 'c.id', 'c.tenant_id'))
 */
export function firstRefJoin(ref: string, conversationId: string, tenantId: string): string {
  return (
    `${ref}.conversation_id = ${conversationId} AND ${ref}.tenant_id = ${tenantId} AND NOT EXISTS (` +
    `SELECT 1 FROM conversation_refs older_ref WHERE older_ref.conversation_id = ${ref}.conversation_id AND older_ref.tenant_id = ${ref}.tenant_id ` +
    `AND (older_ref.created_at < ${ref}.created_at OR (older_ref.created_at = ${ref}.created_at AND older_ref.id < ${ref}.id)))`
  );
}

/** The conversation's first reference (the one its location is kept on); null: none. */
export function findFirstRef(manager: EntityManager, tenantId: string, conversationId: string): Promise<ConversationRefRow | null> {
  return manager.getRepository(ConversationRefEntity).findOne({ where: { tenantId, conversationId }, order: { createdAt: 'ASC', id: 'ASC' } });
}

/** A reference as a location (the empty one for none). */
export const locationOf = (ref: ConversationRefRow | null | undefined): HelpdeskLocation =>
  ref ? { connector: ref.connector, externalId: ref.externalId, helpdeskUrl: ref.helpdeskUrl ?? null } : NO_LOCATION;
