// The scheduled-reply banner's actions (SPEC §3.3) and the agent message commands (SPEC §2.2).
import { z } from 'zod';
import { agentProcedure, router } from '../init.js';

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

export const messagesRouter = router({
  sendManual: agentProcedure.input(ZAgentMessageInput).mutation(({ ctx, input }) => ctx.services.messages.sendManual(ctx.principal, input)),
  recordAgentReply: agentProcedure
    .input(ZAgentMessageInput.extend({ externalMessageId: z.string().trim().min(1).max(255).optional() }))
    .mutation(({ ctx, input }) => ctx.services.messages.recordAgentReply(ctx.principal, input)),
});
