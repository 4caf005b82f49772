// Outbound delivery: one interface for every connector (outbox, webhook, twilio, smtp; SPEC §7).
import type { EntityManager } from 'typeorm';
import type { Channel, MessageAuthor } from '../db/entities/conversation.entities.js';

export interface OutboundMessage {
  tenantId: string;
  conversationId: string;
  channel: Channel;
  body: string;
  author: Extract<MessageAuthor, 'agent' | 'ai'>;
  /** The agent who wrote or edited it; null for an unedited AI reply. */
  agentId: string | null;
  /** Repeating a delivery with the same key never sends twice (the reply id for AI replies). */
  idempotencyKey: string;
}

export interface Connector {
  name: string;
  /** Delivers once per idempotency key; resolves the stored message's id; throws when it failed. */
  deliver(manager: EntityManager, message: OutboundMessage, now: Date): Promise<{ messageId: string }>;
  /** The message already delivered with this idempotency key, if any: a retried send answers `duplicate` (issue 9). */
  findDelivered(manager: EntityManager, tenantId: string, idempotencyKey: string): Promise<{ messageId: string } | null>;
}
