// An RT agent's correspondence (issue 12 item 2) recorded as a human reply. An RT user who is a Baton
// agent (same email) goes through messages.recordAgentReply — the one command every agent reply takes
// (safety rail, auto takeover on the channel's rule, escalation resolution by a team member). An RT
// agent with no Baton account still wrote to the customer: the reply is stored and moves the safety
// rail (SPEC §4), with no holder to take over and no team to resolve for.
import { randomUUID } from 'node:crypto';
import { ConversationEntity, MessageEntity, type ConversationRow } from '../../db/entities/conversation.entities.js';
import { AgentEntity, type TenantRow } from '../../db/entities/tenancy.entities.js';
import { isUniqueViolation } from '../../db/errors.js';
import type { Principal } from '../../auth/principal.js';
import { lockConversation } from '../../features/conversations/conversation-store.js';
import type { AgentMessageCommand, AgentMessageResult } from '../../features/replies/messages.service.js';
import { withTransaction, type Infrastructure } from '../../platform/unit-of-work.js';
import type { RtUserRecord } from './rt-api.js';

export interface HumanReply {
  conversation: ConversationRow;
  body: string;
  /** `rt-txn:<id>`: the extension reports the same key for the same reply. */
  idempotencyKey: string;
  rtUser: RtUserRecord;
}

export type HumanReplyOutcome = { status: 'accepted' | 'duplicate'; messageId: string; agentId: string | null };

export function createRtHumanReplies(infra: Infrastructure, messages: { recordAgentReply(principal: Principal, command: AgentMessageCommand): Promise<AgentMessageResult> }) {
  /** Stores the reply of an RT agent Baton does not know, once per key. */
  async function recordWithoutAgent(tenantId: string, reply: HumanReply): Promise<HumanReplyOutcome> {
    return withTransaction(infra, tenantId, async (uow) => {
      const repository = uow.manager.getRepository(MessageEntity);
      const seen = await repository.findOneBy({ tenantId, externalMessageId: reply.idempotencyKey });
      if (seen) return { status: 'duplicate', messageId: seen.id, agentId: seen.agentId };
      const conversation = await lockConversation(uow.manager, tenantId, reply.conversation.id);
      const messageId = randomUUID();
      await repository.insert({ id: messageId, tenantId, conversationId: conversation.id, author: 'agent', agentId: null, channel: 'email', body: reply.body, externalMessageId: reply.idempotencyKey, deliveryStatus: 'delivered', createdAt: uow.now });
      await uow.manager.getRepository(ConversationEntity).update({ id: conversation.id, tenantId }, { lastAgentMessageAt: uow.now, updatedAt: uow.now, version: () => 'version + 1' });
      const helpdeskUser = reply.rtUser.realName ? `${reply.rtUser.realName} <${reply.rtUser.email ?? reply.rtUser.name}>` : (reply.rtUser.email ?? reply.rtUser.name);
      await uow.record({
        type: 'message.sent',
        actor: 'system',
        conversationId: conversation.id,
        leadId: conversation.leadId,
        after: { messageId, author: 'agent', agentId: null, channel: 'email', body: reply.body, via: 'helpdesk', helpdeskUser, autoTakeover: false },
      });
      return { status: 'accepted', messageId, agentId: null };
    });
  }

  return {
    async record(tenant: TenantRow, reply: HumanReply): Promise<HumanReplyOutcome> {
      const email = reply.rtUser.email;
      const agent = email ? await infra.db.getRepository(AgentEntity).findOneBy({ tenantId: tenant.id, email, active: true }) : null;
      if (!agent) {
        try {
          return await recordWithoutAgent(tenant.id, reply);
        } catch (error) {
          // The extension's report of the same reply won the race: it is that one.
          if (!isUniqueViolation(error)) throw error;
          return recordWithoutAgent(tenant.id, reply);
        }
      }
      const principal: Principal = {
        tenantId: tenant.id,
        tenantSlug: tenant.slug,
        via: 'api_key',
        agentId: agent.id,
        apiKeyId: null,
        role: agent.role,
        groups: [],
        displayName: agent.name,
        actor: `agent:${agent.id}`,
      };
      const result = await messages.recordAgentReply(principal, { conversationId: reply.conversation.id, channel: 'email', body: reply.body, idempotencyKey: reply.idempotencyKey });
      return { status: result.status, messageId: result.messageId, agentId: agent.id };
    },
  };
}
