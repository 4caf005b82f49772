// Outbound delivery: one interface for every connector (outbox, webhook, twilio, smtp; SPEC §7).
// Baton calls it after the change that sends a message has committed, never inside a transaction.
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
  /** The same for every attempt at this message (the reply id for AI replies, the message id for agent messages). */
  idempotencyKey: string;
  /** The conversation's (first) external reference, e.g. `{ connector: 'rt', externalId: '42' }`; null: none. */
  externalConversation: { connector: string; externalId: string } | null;
  /** The lead the message goes to; a null field is not on file. */
  recipient: { name: string | null; phone: string | null; email: string | null };
  /** For email threading: the conversation's subject and the customer's last message's external id (its Message-ID); null: not known. */
  thread: { subject: string | null; lastInboundExternalId: string | null };
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
  /** Frees what it holds (an SMTP connection pool); called when new settings replace it. */
  close?(): void;
}

/**
 * Which connector carries an outbound message (connector-registry.ts picks per tenant and conversation);
 * a single connector serves every message (`singleConnector`).
 */
export interface ConnectorChoice {
  /** The connector for this message (read again for every attempt: settings may have changed). */
  connectorFor(message: OutboundMessage): Promise<Connector>;
  /** The timeout of the connector a conversation's messages leave by (the deliver job's handover waits for it). */
  timeoutMsFor(manager: EntityManager, tenantId: string, conversationId: string, channel: Channel): Promise<number>;
  /** The longest timeout any connector may have: the deliver job's lock lifetime is fixed when it is defined. */
  maxTimeoutMs: number;
}

/** Every message by one connector (the embedded default, tests, `BATON_OUTBOUND_WEBHOOK_*` alone). */
export function singleConnector(connector: Connector): ConnectorChoice {
  return { connectorFor: async () => connector, timeoutMsFor: async () => connector.timeoutMs, maxTimeoutMs: connector.timeoutMs };
}

/** A connector that is also a choice (the registry) is used as the choice; any other serves every message. */
export function asConnectorChoice(connector: Connector | (Connector & ConnectorChoice)): ConnectorChoice {
  return 'connectorFor' in connector ? connector : singleConnector(connector);
}
