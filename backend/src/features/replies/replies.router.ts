// The scheduled-reply banner's actions (SPEC §3.3) and the agent message commands (SPEC §2.2).
import { z } from 'zod';
import { agentProcedure, router } from '../../trpc/init.js';

const ZReplyId = z.object({ id: z.uuid({ error: 'must be a reply id (UUID)' }) });
const ZConversationId = z.uuid({ error: 'must be a conversation id (UUID)' });
const ZChannel = z.enum(['sms', 'email'], { error: 'must be "sms" or "email"' });

export const repliesRouter = router({
  pending: agentProcedure.input(z.object({ conversationId: ZConversationId })).query(({ ctx, input }) => ctx.services.replies.pending(ctx.principal, input.conversationId)),
  sendNow: agentProcedure.input(ZReplyId).mutation(({ ctx, input }) => ctx.services.replies.sendNow(ctx.principal, input.id)),
  editAndSend: agentProcedure
    .input(ZReplyId.extend({ body: z.string({ error: 'is required' }) }))
    .mutation(({ ctx, input }) => ctx.services.replies.editAndSend(ctx.principal, input.id, input.body)),
  cancel: agentProcedure.input(ZReplyId).mutation(({ ctx, input }) => ctx.services.replies.cancel(ctx.principal, input.id)),
});

const ZAgentMessageInput = z.object({ conversationId: ZConversationId, channel: ZChannel, body: z.string({ error: 'is required' }) });
/** One send's key (e.g. `demo:<draftId>`): a retried call with it stores / sends once (issue 9). */
const ZIdempotencyKey = z
  .string({ error: 'must be text' })
  .trim()
  .min(1, { error: 'must not be blank' })
  .max(255, { error: 'must be at most 255 characters' });

export const ZSendManualInput = ZAgentMessageInput.extend({ idempotencyKey: ZIdempotencyKey.optional() });
export const ZRecordAgentReplyInput = ZAgentMessageInput.extend({
  idempotencyKey: ZIdempotencyKey.optional(),
  /** The older name of `idempotencyKey`: the id of the reply in the helpdesk. */
  externalMessageId: ZIdempotencyKey.optional(),
}).refine((input) => !input.idempotencyKey || !input.externalMessageId || input.idempotencyKey === input.externalMessageId, {
  error: 'must equal externalMessageId when both are given (they are one key)',
  path: ['idempotencyKey'],
});

export const messagesRouter = router({
  sendManual: agentProcedure.input(ZSendManualInput).mutation(({ ctx, input }) => ctx.services.messages.sendManual(ctx.principal, input)),
  recordAgentReply: agentProcedure.input(ZRecordAgentReplyInput).mutation(({ ctx, input }) => {
    const { externalMessageId, idempotencyKey, ...message } = input;
    return ctx.services.messages.recordAgentReply(ctx.principal, { ...message, idempotencyKey: idempotencyKey ?? externalMessageId });
  }),
});
