// The live event stream (SSE): tracked by event id so a reconnect resumes where it stopped.
import { tracked } from '@trpc/server';
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
  onChange: agentProcedure.input(ZOnChangeInput).subscription(async function* ({ ctx, input, signal }) {
    const stream = ctx.services.events.stream(ctx.principal, {
      conversationId: input.conversationId,
      lastEventId: input.lastEventId,
      signal: signal ?? new AbortController().signal,
    });
    for await (const event of stream) yield tracked(event.id, event);
  }),
});
