// An agent's own notifications (SPEC §5.10): escalations and coalesced re-escalations, newest first,
// each with its words (title, body) and where its thread lives in the helpdesk (issue 10).
import { In, IsNull } from 'typeorm';
import type { HelpdeskLocation } from '../../../../shared/conversation-list.js';
import type { Principal } from '../../auth/principal.js';
import { ConversationRefEntity } from '../../db/entities/conversation.entities.js';
import { NotificationEntity, type NotificationRow } from '../../db/entities/escalation.entities.js';
import { DomainError } from '../../domain/errors.js';
import { notificationText } from '../../domain/notification-text.js';
import { notificationPayloadFor } from '../../domain/redaction.js';
import { locationOf, NO_LOCATION } from '../conversations/helpdesk-location.js';
import { readTenantSettings } from '../../platform/tenant-settings.js';
import { withTransaction, type Infrastructure } from '../../platform/unit-of-work.js';

/** One notification as the extension shows it; `title` and `body` are plain text, HIPAA-safe. */
export interface NotificationDto extends HelpdeskLocation {
  id: string;
  escalationId: string | null;
  /** The conversation the activity happened on; null: none known. */
  conversationId: string | null;
  kind: string;
  count: number;
  title: string;
  body: string;
  /** What was stored; in HIPAA mode without team, cycle, lead name and reason (whenever it was written). */
  payload: Record<string, unknown>;
  createdAt: string;
  readAt: string | null;
}

const conversationIdOf = (row: NotificationRow): string | null => (typeof row.payload?.conversationId === 'string' ? row.payload.conversationId : null);

function agentOf(principal: Principal): string {
  if (!principal.agentId) throw new DomainError('BAD_REQUEST', 'Notifications belong to agents: use an agent\'s key or sign-in', 'agentId');
  return principal.agentId;
}

export function createNotificationsService(infra: Infrastructure) {
  /** The helpdesk location of each conversation (its first reference), in one query. */
  async function locationsOf(tenantId: string, conversationIds: string[]): Promise<Map<string, HelpdeskLocation>> {
    if (conversationIds.length === 0) return new Map();
    const refs = await infra.db.getRepository(ConversationRefEntity).find({ where: { tenantId, conversationId: In(conversationIds) }, order: { createdAt: 'DESC', id: 'DESC' } });
    // Oldest last: the first reference of each conversation is the one kept.
    return new Map(refs.map((ref) => [ref.conversationId, locationOf(ref)]));
  }

  return {
    async list(principal: Principal, filter: { unreadOnly: boolean; limit: number }): Promise<NotificationDto[]> {
      const agentId = agentOf(principal);
      const rows = await infra.db.getRepository(NotificationEntity).find({ where: { tenantId: principal.tenantId, agentId, ...(filter.unreadOnly ? { readAt: IsNull() } : {}) }, order: { createdAt: 'DESC' }, take: filter.limit });
      const conversationIds = [...new Set(rows.map(conversationIdOf).filter((id): id is string => id !== null))];
      const [locations, settings] = await Promise.all([locationsOf(principal.tenantId, conversationIds), readTenantSettings(infra.db.manager, principal.tenantId)]);
      return rows.map((row) => {
        const conversationId = conversationIdOf(row);
        // The payload keeps the details; HIPAA mode as it is now decides whether they are read (issue 11 item 5).
        const words = notificationText(row.kind, row.count, row.payload ?? {}, settings.hipaaMode);
        return {
          id: row.id,
          escalationId: row.escalationId,
          conversationId,
          ...((conversationId && locations.get(conversationId)) || NO_LOCATION),
          kind: row.kind,
          count: row.count,
          ...words,
          payload: notificationPayloadFor(settings.hipaaMode, row.payload ?? {}),
          createdAt: row.createdAt.toISOString(),
          readAt: row.readAt?.toISOString() ?? null,
        };
      });
    },

    /** Marks the caller's own notifications read; ids of others are ignored (never an error that leaks them). */
    async markRead(principal: Principal, ids: string[]): Promise<{ marked: number }> {
      const agentId = agentOf(principal);
      return withTransaction(infra, principal.tenantId, async (uow) => {
        const result = await uow.manager.getRepository(NotificationEntity).update({ tenantId: principal.tenantId, agentId, id: In(ids), readAt: IsNull() }, { readAt: uow.now });
        return { marked: result.affected ?? 0 };
      });
    },
  };
}
