// Callback-task procedures (SPEC §5; ARCHITECTURE.md "API surface").
import { z } from 'zod';
import { TASK_DISPOSITIONS } from '../../domain/escalation.js';
import { agentProcedure, router } from '../../trpc/init.js';
import { uuid, ZNote, ZReason } from '../escalations/escalations.router.js';

export const ZCreateTaskInput = z.object({
  leadId: uuid('a lead'),
  title: z.string({ error: 'is required' }).trim().min(1, { error: 'is required' }).max(300, { error: 'must be at most 300 characters' }),
  dueAt: z.iso.datetime({ error: 'must be an ISO-8601 date-time' }).transform((value) => new Date(value)).optional(),
  assignedAgentId: uuid('an agent').optional(),
});
export const ZCompleteTaskInput = z.object({
  id: uuid('a task'),
  disposition: z.enum(TASK_DISPOSITIONS, { error: `must be one of ${TASK_DISPOSITIONS.join(', ')}` }).optional(),
  resolutionReason: ZReason.optional(),
  note: ZNote.optional(),
});

export const tasksRouter = router({
  create: agentProcedure.input(ZCreateTaskInput).mutation(({ ctx, input }) => ctx.services.tasks.create(ctx.principal, input)),
  complete: agentProcedure.input(ZCompleteTaskInput).mutation(({ ctx, input }) => ctx.services.tasks.complete(ctx.principal, input)),
  list: agentProcedure
    .input(z.object({ leadId: uuid('a lead').optional(), status: z.enum(['open', 'completed']).optional(), limit: z.number().int().min(1).max(200).default(50) }).default({ limit: 50 }))
    .query(({ ctx, input }) => ctx.services.tasks.list(ctx.principal, input)),
});
