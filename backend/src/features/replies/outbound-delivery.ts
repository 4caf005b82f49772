// Delivery after commit (issue 11 item 2), for AI replies and agent messages alike: the connector is
// called outside any transaction with a stable idempotency key, then a second transaction
// acknowledges it. Tried once right after the commit; the deliver job armed with the change is the
// at-least-once guarantee (crash, failure), retried by the job engine with the delivery backoff.
import type { EntityManager } from 'typeorm';
import type { ConnectorChoice, OutboundMessage } from '../../connectors/connector.js';
import { ConversationEntity, ConversationRefEntity, LeadEntity } from '../../db/entities/conversation.entities.js';
import { firstRefJoin } from '../conversations/helpdesk-location.js';
import { describeThrown } from '../../jobs/thrown-text.js';
import type { Logger } from '../../logger.js';

/** Baton's own row of an outbound message carries this external id: unique per tenant, so one key is one row. */
export const outboundRecordId = (key: string) => `outbox:${key}`;

/** A thrown value as one line for the banner and the timeline (a circular one too: `describeThrown`). */
export function deliveryErrorText(error: unknown): string {
  return describeThrown(error) || 'unknown error';
}

/** Where an outbound message goes: the conversation's reference, its lead, and its email thread. */
export type OutboundAddressing = Pick<OutboundMessage, 'externalConversation' | 'recipient' | 'thread'>;

/**
 * Reads the addressing of a conversation's outbound message (the lead and thread as they are now, for
 * every attempt) in one statement: the conversation, its lead, its first reference and its newest
 * customer message's external id. Portable SQL (MariaDB and SQLite).
 */
export async function loadOutboundAddressing(manager: EntityManager, tenantId: string, conversationId: string): Promise<OutboundAddressing> {
  const row: Record<string, string | null> | undefined = await manager
    .createQueryBuilder(ConversationEntity, 'c')
    .select('c.subject', 'subject')
    .addSelect('lead.name', 'lead_name')
    .addSelect('lead.phone', 'lead_phone')
    .addSelect('lead.email', 'lead_email')
    .addSelect('ref.connector', 'ref_connector')
    .addSelect('ref.externalId', 'ref_external_id')
    .addSelect(
      "(SELECT last_inbound.external_message_id FROM messages last_inbound WHERE last_inbound.tenant_id = c.tenant_id AND last_inbound.conversation_id = c.id AND last_inbound.author = 'customer' ORDER BY last_inbound.created_at DESC, last_inbound.id DESC LIMIT 1)",
      'last_inbound_external_id',
    )
    .leftJoin(LeadEntity.options.name, 'lead', 'lead.id = c.lead_id AND lead.tenant_id = c.tenant_id')
    .leftJoin(ConversationRefEntity.options.name, 'ref', firstRefJoin('ref', 'c.id', 'c.tenant_id'))
    .where('c.id = :conversationId AND c.tenant_id = :tenantId', { conversationId, tenantId })
    .getRawOne();
  const text = (value: string | null | undefined) => value ?? null;
  return {
    externalConversation: row?.ref_connector && row.ref_external_id ? { connector: row.ref_connector, externalId: row.ref_external_id } : null,
    recipient: { name: text(row?.lead_name), phone: text(row?.lead_phone), email: text(row?.lead_email) },
    thread: { subject: text(row?.subject), lastInboundExternalId: text(row?.last_inbound_external_id) },
  };
}

/** What happened after a failed attempt: another follows, the delivery gave up, or it was no longer needed. */
export type FailureOutcome = 'retry' | 'failed' | 'gone';

/** One kind of outbound message (a scheduled reply, an agent message): how to read, acknowledge and fail it. */
export interface DeliveryTarget {
  kind: string;
  /**
   * The message to hand over, or null when nothing is left to deliver (acknowledged, ended, or ended
   * now because a retry may no longer go out). `removeJob`: the deliver job is not the caller.
   */
  load(tenantId: string, id: string, options: { removeJob: boolean }): Promise<OutboundMessage | null>;
  /**
   * The second transaction: records the delivery once, whichever attempt gets there first.
   * `removeJob`: the deliver job is not the caller; `message`: what was delivered (as `load` read it).
   */
  acknowledge(tenantId: string, id: string, options: { removeJob: boolean; message: OutboundMessage }): Promise<void>;
  /** Records a failed attempt; `moveJob`: re-arm the deliver job at the backoff (it is not the caller, so the engine will not). */
  recordFailure(tenantId: string, id: string, error: string, options: { moveJob: boolean }): Promise<FailureOutcome>;
}

export function createOutboundDelivery(connectors: ConnectorChoice, log: Logger, target: DeliveryTarget) {
  /** One attempt by the connector chosen for the message; resolves the failure in words (null when delivered, or nothing was left to do) and the connector's name. */
  async function attempt(tenantId: string, id: string, removeJob: boolean): Promise<{ error: string | null; connector: string | null }> {
    const message = await target.load(tenantId, id, { removeJob });
    if (!message) return { error: null, connector: null };
    let connector: string | null = null;
    try {
      const chosen = await connectors.connectorFor(message);
      connector = chosen.name;
      await chosen.deliver(message);
    } catch (error) {
      return { error: deliveryErrorText(error), connector };
    }
    try {
      await target.acknowledge(tenantId, id, { removeJob, message });
    } catch (error) {
      log.error({ err: error, kind: target.kind, id, connector }, 'delivered, but the acknowledgement did not commit: it will be delivered again with the same idempotency key');
      return { error: `delivered, but recording the delivery failed (${deliveryErrorText(error)})`, connector };
    }
    return { error: null, connector };
  }

  return {
    /**
     * Right after the change that armed the deliver job committed, in the same process: Send Now
     * answers with the reply sent and cadence sends wait for no job poll. Never throws (logs): the
     * deliver job is the guarantee.
     */
    async deliverNow(tenantId: string, id: string): Promise<void> {
      try {
        const { error, connector } = await attempt(tenantId, id, true);
        if (error !== null) {
          log.warn({ kind: target.kind, id, connector, error }, 'delivery failed; its deliver job retries it');
          await target.recordFailure(tenantId, id, error, { moveJob: true });
        }
      } catch (error) {
        log.error({ err: error, kind: target.kind, id }, 'recording a delivery attempt failed; its deliver job retries it');
      }
    },

    /** The deliver job's run: throws while a retry should follow, so the job engine reschedules it with the backoff. */
    async deliverByJob(tenantId: string, id: string): Promise<void> {
      const { error } = await attempt(tenantId, id, false);
      if (error === null) return;
      if ((await target.recordFailure(tenantId, id, error, { moveJob: false })) === 'retry') throw new Error(error);
    },
  };
}
