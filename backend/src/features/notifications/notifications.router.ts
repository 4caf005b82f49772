// Notification procedures (SPEC §5; ARCHITECTURE.md "API surface").
import { z } from 'zod';
import { agentProcedure, router } from '../../trpc/init.js';

const uuid = (what: string) => z.uuid({ error: `must be ${what} id (UUID)` });

export const notificationsRouter = router({
  list: agentProcedure
    .input(z.object({ unreadOnly: z.boolean().default(false), limit: z.number().int().min(1).max(200).default(50) }).default({ unreadOnly: false, limit: 50 }))
    .query(({ ctx, input }) => ctx.services.notifications.list(ctx.principal, input)),
  markRead: agentProcedure
    .input(z.object({ ids: z.array(uuid('a notification')).min(1, { error: 'name at least one notification' }).max(500) }))
    .mutation(({ ctx, input }) => ctx.services.notifications.markRead(ctx.principal, input.ids)),
});
