// Agent messages (SPEC §2.2): sent through Baton, or seen in the helpdesk / reported by webhook.
// One command for all: an SMS (and email with autoTakeoverOnEmail) takes over before delivery; an
// idempotency key makes a retried call store / send once and answer `duplicate` (issue 9). A sent
// message is delivered after its transaction commits (./message-delivery.ts).
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { DEFAULT_DELIVERY_POLICY, type DeliveryPolicy } from '../../domain/delivery-policy.js';
import type { Principal } from '../../auth/principal.js';
import type { Connector } from '../../connectors/connector.js';
import { isUniqueViolation } from '../../db/errors.js';
import { ConversationEntity, MessageEntity, type Channel } from '../../db/entities/conversation.entities.js';
import { autoReleaseAt } from '../../domain/business-hours.js';
import { DomainError } from '../../domain/errors.js';
import { validateReplyBody } from '../../domain/scheduled-reply.js';
import { decideAutoTakeoverOnAgentMessage } from '../../domain/takeover.js';
import type { Scheduler } from '../../jobs/scheduler.js';
import { findByExternalRef, lockConversation } from '../conversations/conversation-store.js';
import { AgentEntity, type TenantRow } from '../../db/entities/tenancy.entities.js';
import type { AgentReplyWebhook } from '../../../../shared/webhooks.js';
import { applyTakeoverDecision, takeoverStateOf } from '../conversations/takeover-effects.js';
import { readTenantSettings } from '../../platform/tenant-settings.js';
import { withTransaction, type Infrastructure } from '../../platform/unit-of-work.js';
import type { EscalationsService } from '../escalations/escalations.service.js';
import { escalationStateOf, isTeamMember, lockLead, lockOpenEscalation, resolverOf } from '../escalations/escalation-store.js';
import { resolutionByReply } from '../../domain/escalation.js';
import { createMessageDelivery } from './message-delivery.js';
import { outboundRecordId } from './outbound-delivery.js';

export interface AgentMessageCommand {
  conversationId: string;
  channel: Channel;
  body: string;
  /**
   * A retried call with the same key is answered `duplicate` and changes nothing. Recorded replies
   * (helpdesk page, webhook) store it as the message's external id, so the page's report and the
   * connector's webhook of one send dedupe each other. A sent message's delivery key is its message id.
   */
  idempotencyKey?: string;
}

export type AgentMessageResult =
  | { status: 'accepted'; messageId: string; autoTakeover: boolean; resolvedEscalationId: string | null }
  | { status: 'duplicate'; messageId: string; autoTakeover: false; resolvedEscalationId: null };

const duplicateOf = (messageId: string): AgentMessageResult => ({ status: 'duplicate', messageId, autoTakeover: false, resolvedEscalationId: null });

export function createMessagesService(infra: Infrastructure, jobs: Scheduler, connector: Connector, escalations: EscalationsService, delivery: DeliveryPolicy = DEFAULT_DELIVERY_POLICY) {
  const messageDelivery = createMessageDelivery(infra, jobs, connector, delivery);
  /** A sent message's row carries the key as Baton's outbound record id; a recorded one, as given (the helpdesk's id). */
  const externalIdOf = (idempotencyKey: string, deliver: boolean) => (deliver ? outboundRecordId(idempotencyKey) : idempotencyKey);

  /** The message an earlier call with this key stored or sent, if any. */
  async function alreadyHandled(manager: EntityManager, tenantId: string, idempotencyKey: string, deliver: boolean): Promise<string | null> {
    return (await manager.getRepository(MessageEntity).findOneBy({ tenantId, externalMessageId: externalIdOf(idempotencyKey, deliver) }))?.id ?? null;
  }

  /** `deliver`: send through the connector (sendManual) or only record (recordAgentReply). */
  async function handleAgentMessage(principal: Principal, command: AgentMessageCommand, deliver: boolean): Promise<AgentMessageResult> {
    if (!principal.agentId) throw new DomainError('BAD_REQUEST', 'Only an agent can send or record an agent message', 'agentId');
    const body = validateReplyBody(command.body, command.channel);
    const key = command.idempotencyKey;
    try {
      const result = await handleOnce(principal, principal.agentId, { ...command, body }, deliver);
      // After the commit: the takeover and the message are recorded before anything leaves.
      if (deliver && result.status === 'accepted') await messageDelivery.deliverNow(principal.tenantId, result.messageId);
      return result;
    } catch (error) {
      // Two calls with one key at once: both passed the first check, the unique external id let one
      // store it; the other changed nothing (rolled back) and is that one's duplicate.
      if (key && isUniqueViolation(error)) {
        const seen = await alreadyHandled(infra.db.manager, principal.tenantId, key, deliver);
        if (seen) return duplicateOf(seen);
      }
      throw error;
    }
  }

  async function handleOnce(principal: Principal, agentId: string, command: AgentMessageCommand, deliver: boolean): Promise<AgentMessageResult> {
    const { body, idempotencyKey } = command;
    return withTransaction(infra, principal.tenantId, async (uow) => {
      const { manager, now } = uow;
      // Before anything: a retry changes nothing, not even the takeover.
      const seen = idempotencyKey ? await alreadyHandled(manager, principal.tenantId, idempotencyKey, deliver) : null;
      if (seen) return duplicateOf(seen);
      let conversation = await lockConversation(manager, principal.tenantId, command.conversationId);
      const settings = await readTenantSettings(manager, principal.tenantId);
      // Takeover first, in the same transaction: it is committed before the delivery starts.
      const decision = decideAutoTakeoverOnAgentMessage(
        takeoverStateOf(conversation),
        { agentId, channel: command.channel, autoTakeoverOnEmail: settings.autoTakeoverOnEmail, autoReleaseAt: autoReleaseAt(settings.businessHours, now, settings.afterHoursReleaseMinutes) },
        now,
      );
      conversation = await applyTakeoverDecision(uow, jobs, conversation, decision, principal.actor);
      const messageId = randomUUID();
      const externalMessageId = deliver ? externalIdOf(idempotencyKey ?? messageId, true) : (idempotencyKey ?? null);
      await manager.getRepository(MessageEntity).insert({ id: messageId, tenantId: principal.tenantId, conversationId: conversation.id, author: 'agent', agentId, channel: command.channel, body, externalMessageId, deliveryStatus: deliver ? 'pending' : 'delivered', createdAt: now });
      if (deliver) await messageDelivery.armDeliveryJob(uow, principal.tenantId, messageId);
      await manager.getRepository(ConversationEntity).update({ id: conversation.id, tenantId: principal.tenantId }, { lastAgentMessageAt: now, updatedAt: now, version: () => 'version + 1' });
      await uow.record({ type: 'message.sent', actor: principal.actor, conversationId: conversation.id, leadId: conversation.leadId, after: { messageId, author: 'agent', agentId, channel: command.channel, body, via: deliver ? 'baton' : 'helpdesk', autoTakeover: decision.changed } });

      // A reply by a member of the escalated team resolves it as handled; anyone else's does not (SPEC §5.7).
      const lead = await lockLead(manager, principal.tenantId, conversation.leadId);
      const open = await lockOpenEscalation(manager, principal.tenantId, lead.id);
      const member = open ? await isTeamMember(manager, principal.tenantId, open.teamId, agentId) : false;
      const reason = open ? resolutionByReply(escalationStateOf(open), { isTeamMember: member }) : null;
      const resolvedEscalation = reason
        ? await escalations.resolveAutomaticallyWithin(uow, { tenantId: principal.tenantId, lead, conversationId: conversation.id, settings, actor: principal.actor }, {
            resolver: resolverOf(principal, member),
            reason,
            note: null,
            source: 'reply',
          })
        : null;
      return { status: 'accepted', messageId, autoTakeover: decision.changed, resolvedEscalationId: resolvedEscalation?.id ?? null };
    });
  }

  return {
    /** POST /webhooks/agent-reply: the agent is found by email in the tenant, the conversation by its external ref. */
    async recordAgentReplyFromWebhook(tenant: TenantRow, input: AgentReplyWebhook): Promise<AgentMessageResult> {
      const agent = await infra.db.getRepository(AgentEntity).findOneBy({ tenantId: tenant.id, email: input.agentEmail.toLowerCase(), active: true });
      if (!agent) throw new DomainError('NOT_FOUND', `No active agent ${input.agentEmail} in this tenant`, 'agentEmail');
      const conversation = await findByExternalRef(infra.db.manager, tenant.id, input.connector, input.externalConversationId);
      if (!conversation) throw new DomainError('NOT_FOUND', 'No conversation for this external conversation id', 'externalConversationId');
      const principal: Principal = { tenantId: tenant.id, tenantSlug: tenant.slug, via: 'api_key', agentId: agent.id, apiKeyId: null, role: agent.role, groups: [], displayName: agent.name, actor: `agent:${agent.id}` };
      return handleAgentMessage(principal, { conversationId: conversation.id, channel: input.channel, body: input.body, idempotencyKey: input.externalMessageId }, false);
    },
    sendManual: (principal: Principal, command: AgentMessageCommand) => handleAgentMessage(principal, command, true),
    recordAgentReply: (principal: Principal, command: AgentMessageCommand) => handleAgentMessage(principal, command, false),
    /** The `message.deliver` job's handler, backoff and last resort. */
    deliveryJob: messageDelivery.job,
  };
}
