// A conversation's stored events and messages, oldest first, read straight from the test database:
// what integration tests inspect underneath the drawer (`conversations.timeline` pages words, not rows).
import type { DataSource } from 'typeorm';
import type { BatonEvent } from '../../shared/events.js';
import { MessageEntity } from '../../backend/src/db/entities/conversation.entities.js';
import { EventEntity } from '../../backend/src/db/entities/event.entity.js';
import { toWireEvent } from '../../backend/src/platform/timeline.js';

export interface StoredMessage {
  id: string;
  author: 'customer' | 'agent' | 'ai';
  agentId: string | null;
  channel: 'sms' | 'email';
  body: string;
  deliveryStatus: string | null;
  at: string;
}

/** Every event (as on the wire) and message of one conversation, oldest first. */
export async function storedTimeline(db: DataSource, conversationId: string): Promise<{ events: BatonEvent[]; messages: StoredMessage[] }> {
  const [events, messages] = await Promise.all([
    db.getRepository(EventEntity).find({ where: { conversationId }, order: { id: 'ASC' } }),
    db.getRepository(MessageEntity).find({ where: { conversationId }, order: { createdAt: 'ASC' } }),
  ]);
  return {
    events: events.map((row) => toWireEvent({ ...row, position: row.position ?? 'not yet numbered' })),
    messages: messages.map((message) => ({ id: message.id, author: message.author, agentId: message.agentId, channel: message.channel, body: message.body, deliveryStatus: message.deliveryStatus, at: message.createdAt.toISOString() })),
  };
}
