// What one RT ticket transaction means for Baton (issue 12 item 2): a customer's mail (Create or
// Correspond by an unprivileged user) enters the inbound pipeline; an RT agent's correspondence is a
// human reply; Baton's own correspondence and RT's system users are not messages. Both keys are
// `rt-txn:<id>`, so a transaction read twice (a restart, two pollers, the extension's report) counts once.
import { z } from 'zod';
import { ZInboundWebhook, type InboundWebhook } from '../../../../shared/webhooks.js';
import { MessageEntity } from '../../db/entities/conversation.entities.js';
import type { TenantRow } from '../../db/entities/tenancy.entities.js';
import { REPLY_BODY_MAX_LENGTH } from '../../domain/scheduled-reply.js';
import { findByExternalRef } from '../../features/conversations/conversation-store.js';
import type { InboundResult } from '../../features/inbound/inbound.service.js';
import type { Infrastructure } from '../../platform/unit-of-work.js';
import { transactionMessage, userByName, type RtTransaction, type RtUserRecord } from './rt-api.js';
import type { RtClient } from './rt-client.js';
import type { createRtHumanReplies } from './rt-human-reply.js';
import { RT_CONNECTOR } from './rt.connector.js';
import { storedBodyOf } from './rt-text.js';

/** RT's own accounts: never a customer, never an agent. */
const RT_SYSTEM_USERS = new Set(['rt_system', 'nobody']);
const USER_CACHE_MS = 5 * 60_000;
const MAX_CACHED_USERS = 5_000;

/** The key of an RT transaction in Baton (a customer message's or a human reply's external id). */
export const rtTransactionKey = (transactionId: number) => `rt-txn:${transactionId}`;

export type TransactionOutcome = 'customer_message' | 'human_reply' | 'own' | 'system' | 'duplicate' | 'no_conversation' | 'agent_created_ticket';

export interface RtInboundDependencies {
  infra: Infrastructure;
  inbound: { receive(tenant: TenantRow, input: InboundWebhook): Promise<InboundResult> };
  humanReplies: ReturnType<typeof createRtHumanReplies>;
}

const isEmail = (value: string) => z.email().safeParse(value).success;

export function createRtInbound(deps: RtInboundDependencies) {
  const users = new Map<string, { user: RtUserRecord; readAt: number }>();

  /** The RT user (cached a few minutes: privilege and address rarely change). */
  async function userOf(client: RtClient, tenantId: string, name: string): Promise<RtUserRecord> {
    const cacheKey = `${tenantId}\u0000${client.where}\u0000${name}`;
    const cached = users.get(cacheKey);
    if (cached && Date.now() - cached.readAt < USER_CACHE_MS) return cached.user;
    const user = await userByName(client, name);
    if (users.size >= MAX_CACHED_USERS) users.delete(users.keys().next().value!);
    users.set(cacheKey, { user, readAt: Date.now() });
    return user;
  }

  async function bodyOf(client: RtClient, transactionId: number): Promise<string> {
    const message = await transactionMessage(client, transactionId);
    return storedBodyOf(message?.content ?? '', message?.contentType ?? 'text/plain', REPLY_BODY_MAX_LENGTH.email);
  }

  return {
    /**
     * Handles one transaction of the tenant's RT. Throws when RT or the database fails (the poller
     * retries the same transaction); anything it cannot use is an outcome, not an error.
     */
    async handle(client: RtClient, tenant: TenantRow, batonUsername: string, transaction: RtTransaction): Promise<TransactionOutcome> {
      const creator = transaction.creator.toLowerCase();
      if (creator === batonUsername.toLowerCase()) return 'own';
      if (RT_SYSTEM_USERS.has(creator)) return 'system';
      const key = rtTransactionKey(transaction.id);
      // Seen already (a repeat after a restart, or the extension reported it): no RT call needed.
      if (await deps.infra.db.getRepository(MessageEntity).existsBy({ tenantId: tenant.id, externalMessageId: key })) return 'duplicate';
      const user = await userOf(client, tenant.id, transaction.creator);
      const ticket = String(transaction.ticketId);

      if (user.privileged) {
        // Staff creating a ticket write on the customer's behalf: not a customer message, and no conversation to reply in yet.
        if (transaction.type !== 'Correspond') return 'agent_created_ticket';
        const conversation = await findByExternalRef(deps.infra.db.manager, tenant.id, RT_CONNECTOR, ticket);
        if (!conversation) return 'no_conversation';
        const outcome = await deps.humanReplies.record(tenant, { conversation, body: await bodyOf(client, transaction.id), idempotencyKey: key, rtUser: user });
        return outcome.status === 'duplicate' ? 'duplicate' : 'human_reply';
      }

      const lead = {
        ...(user.realName ? { name: user.realName.slice(0, 200) } : {}),
        ...(user.email && isEmail(user.email) && user.email.length <= 254 ? { email: user.email } : {}),
      };
      const input = ZInboundWebhook.parse({
        tenant: tenant.slug,
        connector: RT_CONNECTOR,
        externalConversationId: ticket,
        externalMessageId: key,
        lead,
        channel: 'email',
        body: await bodyOf(client, transaction.id),
      });
      const result = await deps.inbound.receive(tenant, input);
      return result.status === 'duplicate' ? 'duplicate' : 'customer_message';
    },
  };
}

export type RtInbound = ReturnType<typeof createRtInbound>;
