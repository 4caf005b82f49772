// Conversation procedures (ARCHITECTURE.md): read for the banners, take over, release.
import { z } from 'zod';
import { agentProcedure, router } from '../../trpc/init.js';

const ZId = z.uuid({ error: 'must be a conversation id (UUID)' });
const ZLimit = z
  .number({ error: 'must be a number' })
  .int({ error: 'must be a whole number' })
  .min(1, { error: 'must be at least 1' })
  .max(200, { error: 'must be at most 200' });

export const ZTakeOverInput = z.object({
  id: ZId,
  /** Where the agent clicked: the banner (`manual`), the popup toggle, or an integration (`api`). */
  source: z.enum(['manual', 'popup', 'api']).optional(),
  /** Integration API keys only: the agent who takes over. */
  agentId: z.uuid({ error: 'must be an agent id (UUID)' }).optional(),
  /** Only if this agent still holds it (null: only if nobody does); else CONFLICT naming the holder. */
  expectedHolderId: z.uuid({ error: 'must be an agent id (UUID) or null' }).nullable().optional(),
});
export const ZReleaseInput = z.object({ id: ZId, source: z.enum(['manual', 'popup', 'api']).optional() });
export const ZByExternalRefInput = z.object({
  connector: z.string().trim().min(1, { error: 'is required' }).max(64),
  externalId: z.string().trim().min(1, { error: 'is required' }).max(255),
});
export const ZTimelineInput = z.object({
  id: ZId,
  /** `nextCursor` of the previous page; absent or null: the newest entries. */
  cursor: z.string({ error: 'must be a cursor from a previous page' }).max(512, { error: 'must be a cursor from a previous page' }).nullish(),
  limit: ZLimit.default(50),
});
/** The thread page a content script shows the conversation on (issue 10). */
export const ZRememberHelpdeskUrlInput = z.object({
  id: ZId,
  url: z
    .url({ protocol: /^https?$/, error: 'must be the http(s) address of the helpdesk thread page' })
    .max(2048, { error: 'must be at most 2048 characters' }),
});
const ZFlag = z.boolean({ error: 'must be true or false' }).optional();

/** conversations.list: filters (absent: no filter), a page size, and the previous page's cursor. */
export const ZListConversationsInput = z
  .object({
    filter: z
      .object({
        /** true: taken over; false: not taken over. */
        takenOver: ZFlag,
        /** true: held by me (an integration key holds nothing: empty). */
        heldByMe: ZFlag,
        /** true: its lead's open escalation targets one of my teams (an integration key has none: empty). */
        escalatedForMyTeams: ZFlag,
      }, { error: 'must be an object' })
      .default({}),
    /** `nextCursor` of the previous page; absent or null: the newest. */
    cursor: z.string({ error: 'must be a cursor from a previous page' }).max(512, { error: 'must be a cursor from a previous page' }).nullish(),
    limit: ZLimit.default(50),
  })
  .default({ filter: {}, limit: 50 });

export const conversationsRouter = router({
  get: agentProcedure.input(z.object({ id: ZId })).query(({ ctx, input }) => ctx.services.conversations.get(ctx.principal, input.id)),
  byExternalRef: agentProcedure.input(ZByExternalRefInput).query(({ ctx, input }) => ctx.services.conversations.byExternalRef(ctx.principal, input)),
  list: agentProcedure.input(ZListConversationsInput).query(({ ctx, input }) => ctx.services.conversations.list(ctx.principal, { ...input.filter, cursor: input.cursor, limit: input.limit })),
  timeline: agentProcedure.input(ZTimelineInput).query(({ ctx, input }) => ctx.services.conversations.timeline(ctx.principal, input)),
  /** First showing wins: `{ recorded: false, helpdeskUrl }` (the URL kept) when one is already recorded. */
  rememberHelpdeskUrl: agentProcedure.input(ZRememberHelpdeskUrlInput).mutation(({ ctx, input }) => ctx.services.conversations.rememberHelpdeskUrl(ctx.principal, input)),
  takeOver: agentProcedure.input(ZTakeOverInput).mutation(({ ctx, input }) => ctx.services.conversations.takeOver(ctx.principal, input)),
  release: agentProcedure.input(ZReleaseInput).mutation(({ ctx, input }) => ctx.services.conversations.release(ctx.principal, input)),
});
