// Outbound delivery: one interface for every connector (outbox, webhook, twilio, smtp; SPEC §7).
// Baton calls it after the change that sends a message has committed, never inside a transaction.
import type { Channel, MessageAuthor } from '../db/entities/conversation.entities.js';

export interface OutboundMessage {
  tenantId: string;
  conversationId: string;
  channel: Channel;
  body: string;
  author: Extract<MessageAuthor, 'agent' | 'ai'>;
  /** The agent who wrote or edited it; null for an unedited AI reply. */
  agentId: string | null;
  /** The same for every attempt at this message (the reply id for AI replies, the message id for agent messages). */
  idempotencyKey: string;
}

export interface Connector {
  name: string;
  /** One delivery attempt gives up after this long (the deliver job waits longer before it takes over). */
  timeoutMs: number;
  /**
   * Hands the message over; resolves once the receiver accepted it, throws when it did not. The
   * same idempotency key comes again after a crash or a failed acknowledgement: the receiver's
   * dedupe on it makes that one message.
   */
  deliver(message: OutboundMessage): Promise<void>;
}
