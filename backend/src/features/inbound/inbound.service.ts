// Customer messages arriving from a connector: stored once (deduped by external id), the pending
// AI reply superseded, and an AI draft job armed in the same transaction (SPEC §3.5, §7).
import { randomUUID } from 'node:crypto';
import type { InboundWebhook } from '../../../../shared/webhooks.js';
import { ConversationEntity, MessageEntity, type MessageRow } from '../../db/entities/conversation.entities.js';
import type { TenantRow } from '../../db/entities/tenancy.entities.js';
import { scheduleDraft } from '../replies/replies.jobs.js';
import type { Scheduler } from '../../jobs/scheduler.js';
import { findOrCreateConversation } from '../conversations/conversation-store.js';
import { endPendingReplies } from '../replies/replies-store.js';
import { withTransaction, type Infrastructure } from '../../platform/unit-of-work.js';
import { isUniqueViolation } from '../../db/errors.js';
import { routeCustomerMessage, type RoutingDependencies } from './inbound-routing.js';
import { readTenantSettings } from '../../platform/tenant-settings.js';
import { instantParameter } from '../../db/instant-parameter.js';

export type InboundResult =
  | { status: 'accepted'; conversationId: string; messageId: string }
  | { status: 'duplicate'; conversationId: string; messageId: string };

export function createInboundService(infra: Infrastructure, jobs: Scheduler, routing: Omit<RoutingDependencies, 'jobs'>) {
  async function receiveOnce(tenant: TenantRow, input: InboundWebhook): Promise<InboundResult> {
    return withTransaction(infra, tenant.id, async (uow) => {
      const { manager, now } = uow;
      const messages = manager.getRepository(MessageEntity);
      const seen = await messages.findOneBy({ tenantId: tenant.id, externalMessageId: input.externalMessageId });
      if (seen) return { status: 'duplicate', conversationId: seen.conversationId, messageId: seen.id };

      const { conversation, created } = await findOrCreateConversation(
        manager,
        { tenantId: tenant.id, connector: input.connector, externalId: input.externalConversationId, contact: input.lead, channel: input.channel },
        now,
      );
      if (created) {
        await uow.record({ type: 'conversation.created', actor: 'customer', conversationId: conversation.id, leadId: conversation.leadId, after: { connector: input.connector, externalId: input.externalConversationId } });
      }
      const message: MessageRow = {
        id: randomUUID(),
        tenantId: tenant.id,
        conversationId: conversation.id,
        author: 'customer',
        agentId: null,
        channel: input.channel,
        body: input.body,
        externalMessageId: input.externalMessageId,
        deliveryStatus: null,
        createdAt: now,
      };
      await messages.insert(message);
      // Never moves back: two messages of one thread racing may commit out of their timestamps' order,
      // and the safety rail must still see the newest (so only that one gets an AI reply).
      await manager
        .createQueryBuilder()
        .update(ConversationEntity)
        .set({ lastCustomerMessageAt: () => 'CASE WHEN last_customer_message_at IS NULL OR last_customer_message_at < :at THEN :at ELSE last_customer_message_at END', updatedAt: now, version: () => 'version + 1' })
        .where('id = :id AND tenant_id = :tenantId', { id: conversation.id, tenantId: tenant.id, at: instantParameter(manager.connection, now) })
        .execute();
      await uow.record({
        type: 'message.received',
        actor: 'customer',
        conversationId: conversation.id,
        leadId: conversation.leadId,
        after: { messageId: message.id, channel: message.channel, body: message.body, at: now.toISOString() },
      });

      // A customer writing again while a reply waits: that reply is superseded (SPEC §3.5).
      await endPendingReplies(uow, jobs, { tenantId: tenant.id, conversationId: conversation.id, because: 'customer_message', actor: 'customer' });
      await routeCustomerMessage(uow, { ...routing, jobs }, conversation, message, await readTenantSettings(manager, tenant.id));

      // The draft runs as a job armed in this transaction: a crash after commit cannot lose it.
      const draft = await scheduleDraft(jobs, manager, now, { tenantId: tenant.id, conversationId: conversation.id, messageId: message.id });
      uow.announce(draft);
      return { status: 'accepted', conversationId: conversation.id, messageId: message.id };
    });
  }

  return {
    /** Stores a customer message; a replayed external id is reported as a duplicate and changes nothing. */
    async receive(tenant: TenantRow, input: InboundWebhook): Promise<InboundResult> {
      try {
        return await receiveOnce(tenant, input);
      } catch (error) {
        // Two deliveries racing (same message id, or a new thread's first messages): the other won; re-read.
        if (isUniqueViolation(error)) return receiveOnce(tenant, input);
        throw error;
      }
    },
  };
}
