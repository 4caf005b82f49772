// Reads what the safety rail (domain/safety-rail.ts) needs for a reply, under its conversation's lock:
// used by the send job's claim and before each retry of an AI reply's delivery.
import { MessageEntity, type ConversationRow, type ScheduledReplyRow } from '../../db/entities/conversation.entities.js';
import type { SafetyRailInput } from '../../domain/safety-rail.js';
import { lastHumanActivityAt, takeoverStateOf } from '../conversations/takeover-effects.js';
import type { UnitOfWork } from '../../platform/unit-of-work.js';

/** `conversation`: as read by `lockReply` in this transaction (so no takeover commits in between). */
export async function readSafetyRail(uow: UnitOfWork, reply: ScheduledReplyRow, conversation: ConversationRow): Promise<SafetyRailInput> {
  const answered = await uow.manager.getRepository(MessageEntity).findOneBy({ id: reply.inReplyToMessageId, tenantId: reply.tenantId });
  return {
    lastCustomerMessageAt: conversation.lastCustomerMessageAt,
    lastAgentMessageAt: lastHumanActivityAt(conversation),
    inReplyToMessageAt: answered?.createdAt ?? null,
    takeover: takeoverStateOf(conversation),
  };
}
