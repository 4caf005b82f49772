// Escalation procedures (SPEC §5; ARCHITECTURE.md "API surface").
import { z } from 'zod';
import { RESOLVE_REASONS, RESOLUTION_NOTE_MAX_LENGTH } from '../../domain/escalation.js';
import { agentProcedure, router } from '../../trpc/init.js';

export const uuid = (what: string) => z.uuid({ error: `must be ${what} id (UUID)` });
export const ZReason = z.enum(RESOLVE_REASONS, { error: `must be one of ${RESOLVE_REASONS.join(', ')}` });
// The note is checked again in the domain (blank for Other); here only its type and length.
export const ZNote = z.string({ error: 'must be text' }).max(RESOLUTION_NOTE_MAX_LENGTH, { error: `must be at most ${RESOLUTION_NOTE_MAX_LENGTH.toLocaleString('en-US')} characters` });

export const ZOpenEscalationInput = z.object({
  leadId: uuid('a lead'),
  teamId: uuid('a team'),
  reason: z.string({ error: 'is required' }).trim().min(1, { error: 'is required' }).max(500, { error: 'must be at most 500 characters' }),
  reasonCode: z.string().trim().regex(/^[a-z][a-z0-9_]{0,31}$/i, { error: 'must be a short code such as "urgent"' }).optional(),
  bypassCooldown: z.boolean({ error: 'must be true or false' }).optional(),
  /** The conversation the agent is looking at (system notes go there); default: the lead's newest. */
  conversationId: uuid('a conversation').optional(),
});
const ZLimit = z.number({ error: 'must be a number' }).int({ error: 'must be a whole number' }).min(1, { error: 'must be at least 1' }).max(200, { error: 'must be at most 200' });
export const ZListOpenEscalationsInput = z
  .object({ myTeams: z.boolean({ error: 'must be true or false' }).optional(), limit: ZLimit.default(50) })
  .default({ limit: 50 });
export const ZResolveEscalationInput = z.object({ id: uuid('an escalation'), reason: ZReason, note: ZNote.nullish() });

export const escalationsRouter = router({
  open: agentProcedure.input(ZOpenEscalationInput).mutation(({ ctx, input }) => ctx.services.escalations.open(ctx.principal, input)),
  resolve: agentProcedure.input(ZResolveEscalationInput).mutation(({ ctx, input }) => ctx.services.escalations.resolve(ctx.principal, input)),
  get: agentProcedure.input(z.object({ id: uuid('an escalation') })).query(({ ctx, input }) => ctx.services.escalations.get(ctx.principal, input.id)),
  forLead: agentProcedure.input(z.object({ leadId: uuid('a lead') })).query(({ ctx, input }) => ctx.services.escalations.forLead(ctx.principal, input.leadId)),
  /** Open escalations, newest first; `myTeams`: only my teams' (an integration key has none: an empty list). */
  listOpen: agentProcedure.input(ZListOpenEscalationsInput).query(({ ctx, input }) => ctx.services.escalations.listOpen(ctx.principal, input)),
});
