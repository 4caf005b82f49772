// The live event stream (SSE): tracked by event id so a reconnect resumes where it stopped; opened
// with a short-lived stream ticket so no long-lived credential goes in its URL (issue 14 item 4).
import { tracked, TRPCError } from '@trpc/server';
import { DomainError } from '../../domain/errors.js';
import { z } from 'zod';
import { agentProcedure, router } from '../../trpc/init.js';

export const ZOnChangeInput = z.object({
  conversationId: z.uuid({ error: 'must be an id (UUID)' }).optional(),
  /** Set by the client on reconnect (tRPC passes the SSE Last-Event-ID here). */
  lastEventId: z.string().regex(/^\d{1,20}$/, { error: 'must be an event id' }).nullish(),
});
export type OnChangeInput = z.infer<typeof ZOnChangeInput>;

export const eventsRouter = router({
  /** The newest event id of the caller's tenant: subscribe with it as lastEventId to miss nothing. */
  latestId: agentProcedure.query(({ ctx }) => ctx.services.events.latestId(ctx.principal)),
  /**
   * A ticket that opens `onChange` as the caller for the next 60 s: subscribe with connectionParams
   * `{ ticket }`, and get a new one for every connection (reconnects included).
   */
  streamTicket: agentProcedure.mutation(async ({ ctx }) => {
    const { ticket, expiresAt } = await ctx.services.authenticator.issueStreamTicket(ctx.principal);
    return { ticket, expiresAt: expiresAt.toISOString() };
  }),
  onChange: agentProcedure.input(ZOnChangeInput).subscription(async function* ({ ctx, input, signal }) {
    const stream = ctx.services.events.stream(ctx.principal, {
      conversationId: input.conversationId,
      lastEventId: input.lastEventId,
      signal: signal ?? new AbortController().signal,
    });
    try {
      for await (const event of stream) yield tracked(event.id, event);
    } catch (error) {
      // Middlewares map domain errors before a stream starts; one that ends it (a revoked key) is mapped here.
      if (error instanceof DomainError) throw new TRPCError({ code: error.code, message: error.message, cause: error });
      throw error;
    }
  }),
});
