// The embedded default connector: outbound messages are stored and shown in the timeline (SPEC §7).
import { randomUUID } from 'node:crypto';
import { MessageEntity } from '../db/entities/conversation.entities.js';
import type { Connector } from './connector.js';

export const outboxConnector: Connector = {
  name: 'outbox',
  async deliver(manager, message, now) {
    const externalMessageId = `outbox:${message.idempotencyKey}`;
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
};
