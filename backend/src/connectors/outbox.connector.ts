// The embedded default connector: outbound messages are stored and shown in the timeline (SPEC §7).
import { randomUUID } from 'node:crypto';
import { MessageEntity } from '../db/entities/conversation.entities.js';
import type { Connector } from './connector.js';

/** The stored message's external id: unique per tenant, so a key is delivered once even by racing calls. */
const externalIdOf = (idempotencyKey: string) => `outbox:${idempotencyKey}`;

export const outboxConnector: Connector = {
  name: 'outbox',
  async deliver(manager, message, now) {
    const externalMessageId = externalIdOf(message.idempotencyKey);
    const repository = manager.getRepository(MessageEntity);
    const existing = await repository.findOneBy({ tenantId: message.tenantId, externalMessageId });
    if (existing) return { messageId: existing.id };
    const id = randomUUID();
    await repository.insert({
      id,
      tenantId: message.tenantId,
      conversationId: message.conversationId,
      author: message.author,
      agentId: message.agentId,
      channel: message.channel,
      body: message.body,
      externalMessageId,
      deliveryStatus: 'delivered',
      createdAt: now,
    });
    return { messageId: id };
  },
  async findDelivered(manager, tenantId, idempotencyKey) {
    const existing = await manager.getRepository(MessageEntity).findOneBy({ tenantId, externalMessageId: externalIdOf(idempotencyKey) });
    return existing ? { messageId: existing.id } : null;
  },
};
