// Admin procedures: agents, teams and membership, API keys, the webhook signing secret.
import { z } from 'zod';
import { AGENT_ROLES, API_KEY_ROLES } from '../../db/entities/tenancy.entities.js';
import { adminProcedure, agentProcedure, router } from '../../trpc/init.js';

const ZId = z.uuid({ error: 'must be an id (UUID)' });
const ZName = (max: number) => z.string().trim().min(1, { error: 'is required' }).max(max, { error: `must be at most ${max} characters` });

export const ZCreateAgentInput = z.object({
  email: z.email({ error: 'must be an email address' }).max(254),
  name: ZName(200),
  role: z.enum(AGENT_ROLES).default('agent'),
});
export type CreateAgentInput = z.infer<typeof ZCreateAgentInput>;

export const ZUpdateAgentInput = z.object({
  id: ZId,
  name: ZName(200).optional(),
  role: z.enum(AGENT_ROLES).optional(),
  active: z.boolean().optional(),
});
export type UpdateAgentInput = z.infer<typeof ZUpdateAgentInput>;

export const ZCreateTeamInput = z.object({ name: ZName(120) });
export const ZMembershipInput = z.object({ teamId: ZId, agentId: ZId });

export const ZCreateApiKeyInput = z.object({
  name: ZName(120),
  role: z.enum(API_KEY_ROLES).default('agent'),
  agentId: ZId.nullish(),
});
export const ZRevokeApiKeyInput = z.object({ id: ZId });

export const agentsRouter = router({
  create: adminProcedure.input(ZCreateAgentInput).mutation(({ ctx, input }) => ctx.services.agents.create(ctx.principal, input)),
  list: adminProcedure.query(({ ctx }) => ctx.services.agents.list(ctx.principal)),
  update: adminProcedure.input(ZUpdateAgentInput).mutation(({ ctx, input }) => ctx.services.agents.update(ctx.principal, input)),
});

export const teamsRouter = router({
  create: adminProcedure.input(ZCreateTeamInput).mutation(({ ctx, input }) => ctx.services.teams.create(ctx.principal, input)),
  /** Any agent may list teams: escalating needs a target team. */
  list: agentProcedure.query(({ ctx }) => ctx.services.teams.list(ctx.principal)),
  addMember: adminProcedure.input(ZMembershipInput).mutation(({ ctx, input }) => ctx.services.teams.addMember(ctx.principal, input)),
  removeMember: adminProcedure.input(ZMembershipInput).mutation(({ ctx, input }) => ctx.services.teams.removeMember(ctx.principal, input)),
});

export const apiKeysRouter = router({
  create: adminProcedure.input(ZCreateApiKeyInput).mutation(({ ctx, input }) => ctx.services.apiKeys.create(ctx.principal, input)),
  list: adminProcedure.query(({ ctx }) => ctx.services.apiKeys.list(ctx.principal)),
  revoke: adminProcedure.input(ZRevokeApiKeyInput).mutation(({ ctx, input }) => ctx.services.apiKeys.revoke(ctx.principal, input)),
});

export const webhookSecretRouter = router({
  rotate: adminProcedure.mutation(({ ctx }) => ctx.services.webhookSecret.rotate(ctx.principal)),
});
