// An agent's own notifications (SPEC §5.10): escalations and coalesced re-escalations, newest first.
import { In, IsNull } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { NotificationEntity, type NotificationRow } from '../db/entities/escalation.entities.js';
import { DomainError } from '../domain/errors.js';
import { withTransaction, type Infrastructure } from './unit-of-work.js';

const notificationDto = (row: NotificationRow) => ({ id: row.id, escalationId: row.escalationId, kind: row.kind, count: row.count, payload: row.payload, createdAt: row.createdAt.toISOString(), readAt: row.readAt?.toISOString() ?? null });
export type NotificationDto = ReturnType<typeof notificationDto>;

function agentOf(principal: Principal): string {
  if (!principal.agentId) throw new DomainError('BAD_REQUEST', 'Notifications belong to agents: use an agent\'s key or sign-in', 'agentId');
  return principal.agentId;
}

export function createNotificationsService(infra: Infrastructure) {
  return {
    async list(principal: Principal, filter: { unreadOnly: boolean; limit: number }): Promise<NotificationDto[]> {
      const agentId = agentOf(principal);
      const rows = await infra.db.getRepository(NotificationEntity).find({ where: { tenantId: principal.tenantId, agentId, ...(filter.unreadOnly ? { readAt: IsNull() } : {}) }, order: { createdAt: 'DESC' }, take: filter.limit });
      return rows.map(notificationDto);
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
