// The AI draft job (SPEC §3.2, §4): drafts a reply to one customer message unless the safety rail
// or a takeover says no, then holds it for the cadence delay (or sends it at once).
import { randomUUID } from 'node:crypto';
import type { Drafter } from '../../ai/drafter.js';
import { createOpenAiCompatibleDrafter } from '../../ai/openai-compatible.js';
import type { AiSettings } from '../../../../shared/settings.js';
import { ConversationEntity, MessageEntity, ScheduledReplyEntity, type ScheduledReplyRow } from '../../db/entities/conversation.entities.js';
import { replyDueAt, type RandomSource } from '../../domain/cadence.js';
import { mayAiReply } from '../../domain/safety-rail.js';
import { REPLY_BODY_MAX_LENGTH } from '../../domain/scheduled-reply.js';
import { scheduleReplySend, type AiDraftPayload } from './replies.jobs.js';
import type { Scheduler } from '../../jobs/scheduler.js';
import { lockConversation } from '../conversations/conversation-store.js';
import { lastHumanActivityAt, takeoverStateOf } from '../conversations/takeover-effects.js';
import { readTenantSettings } from '../../platform/tenant-settings.js';
import { withTransaction, type Infrastructure } from '../../platform/unit-of-work.js';
import { checkGuardrails } from '../../domain/routing-rules.js';
import type { EscalationsService } from '../escalations/escalations.service.js';
import { escalateSystemProblem } from '../escalations/sla.service.js';

const THREAD_LENGTH = 20;

export function createDraftingService(infra: Infrastructure, jobs: Scheduler, builtIn: Drafter, random: RandomSource, escalations: EscalationsService) {
  /** The tenant's configured drafter: an OpenAI-compatible endpoint, or the built-in responder. */
  const drafterFor = (ai: AiSettings): Drafter =>
    ai.provider === 'openai_compatible' && ai.url && ai.model ? createOpenAiCompatibleDrafter({ url: ai.url, model: ai.model, apiKey: ai.apiKey }) : builtIn;

  /** The rail for this message against the conversation as it is now. */
  const railFor = (conversation: Awaited<ReturnType<typeof lockConversation>>, messageAt: Date) =>
    mayAiReply({ lastCustomerMessageAt: conversation.lastCustomerMessageAt, lastAgentMessageAt: lastHumanActivityAt(conversation), inReplyToMessageAt: messageAt, takeover: takeoverStateOf(conversation) });

  return {
    /** Returns the scheduled reply, or null when the AI must stay quiet (or already answered). */
    async draftReply(payload: AiDraftPayload): Promise<ScheduledReplyRow | null> {
      const { tenantId, conversationId, messageId } = payload;
      const manager = infra.db.manager;
      const message = await manager.getRepository(MessageEntity).findOneBy({ id: messageId, tenantId });
      const conversation = await manager.getRepository(ConversationEntity).findOneBy({ id: conversationId, tenantId });
      if (!message || !conversation || !railFor(conversation, message.createdAt).allowed) return null;
      if (await manager.getRepository(ScheduledReplyEntity).existsBy({ tenantId, inReplyToMessageId: messageId })) return null; // a re-run

      // Drafting may take seconds (an HTTP call): outside any transaction.
      const { ai, guardrails } = await readTenantSettings(manager, tenantId);
      const drafter = drafterFor(ai);
      const thread = (await manager.getRepository(MessageEntity).find({ where: { tenantId, conversationId }, order: { createdAt: 'DESC' }, take: THREAD_LENGTH })).reverse();
      const text = (await drafter.draft(thread.map((entry) => ({ author: entry.author, body: entry.body })))).slice(0, REPLY_BODY_MAX_LENGTH[message.channel]);

      // Guardrail patterns run before the transaction takes its locks (RE2: linear time, no budget).
      const guardrailVerdict = checkGuardrails(guardrails, text);

      return withTransaction(infra, tenantId, async (uow) => {
        // Checked again under the conversation lock: a takeover or a human reply meanwhile wins.
        const current = await lockConversation(uow.manager, tenantId, conversationId);
        if (!railFor(current, message.createdAt).allowed) return null;
        if (await uow.manager.getRepository(ScheduledReplyEntity).existsBy({ tenantId, inReplyToMessageId: messageId })) return null;
        const settings = await readTenantSettings(uow.manager, tenantId);
        // Guardrails (SPEC §5.2) fail closed (issue 11, item 6): a draft matching a blocked pattern, or
        // facing one that cannot be evaluated, is never scheduled; it escalates through any cooldown.
        // Only if an admin changed the patterns while the AI drafted are they run again, under the lock.
        const unchanged = JSON.stringify(settings.guardrails.blockedPatterns) === JSON.stringify(guardrails.blockedPatterns);
        const verdict = unchanged ? guardrailVerdict : checkGuardrails(settings.guardrails, text);
        if (!verdict.allowed) {
          await uow.record({ type: 'reply.blocked', actor: 'system', conversationId, leadId: current.leadId, after: { inReplyToMessageId: messageId, guardrail: verdict.pattern, cause: verdict.cause, drafter: drafter.name } });
          const reason = verdict.cause === 'matched' ? 'An AI draft broke a guardrail and was not sent' : 'An AI draft was not sent: a guardrail pattern cannot be evaluated; fix it in the guardrail settings';
          await escalateSystemProblem(uow, escalations, current, settings, { trigger: 'guardrail', reason, reasonCode: 'guardrail' });
          return null;
        }
        const dueAt = replyDueAt(uow.now, settings.replyCadence, random) ?? uow.now;
        const reply: ScheduledReplyRow = {
          id: randomUUID(), tenantId, conversationId, inReplyToMessageId: messageId, channel: message.channel, body: text, status: 'pending', dueAt,
          endReason: null, editedByAgentId: null, sentMessageId: null, attempts: 0, lastError: null, createdAt: uow.now, updatedAt: uow.now,
        };
        await uow.manager.getRepository(ScheduledReplyEntity).insert(reply);
        const job = await scheduleReplySend(jobs, uow.manager, dueAt, { tenantId, replyId: reply.id });
        uow.announce(job);
        await uow.record({ type: 'reply.scheduled', actor: 'system', conversationId, leadId: current.leadId, after: { replyId: reply.id, body: reply.body, dueAt: dueAt.toISOString(), cadence: settings.replyCadence.enabled, drafter: drafter.name } });
        return reply;
      });
    },

    /**
     * The draft job ran out of retries (issue 11 item 7): records `reply.draft_failed`, which the
     * conversation view shows as its `failedDraft` and the sweep reads as "answered". Nothing is sent.
     */
    async recordDraftFailure(payload: AiDraftPayload, error: string, attempts: number): Promise<void> {
      const { tenantId, conversationId, messageId } = payload;
      await withTransaction(infra, tenantId, async (uow) => {
        const current = await lockConversation(uow.manager, tenantId, conversationId);
        const message = await uow.manager.getRepository(MessageEntity).findOneBy({ id: messageId, tenantId });
        // A run that succeeded meanwhile (another process, a re-armed job) answered it after all.
        if (!message || (await uow.manager.getRepository(ScheduledReplyEntity).existsBy({ tenantId, inReplyToMessageId: messageId }))) return;
        await uow.record({ type: 'reply.draft_failed', actor: 'system', conversationId, leadId: current.leadId, after: { inReplyToMessageId: messageId, messageAt: message.createdAt.toISOString(), error, attempts } });
      });
    },
  };
}
