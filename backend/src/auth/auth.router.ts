// Who am I: the caller's tenant, agent, role and the server clock (the extension keeps the offset).
import { agentProcedure, router } from '../trpc/init.js';

export const authRouter = router({
  me: agentProcedure.query(({ ctx }) => {
    const { principal } = ctx;
    return {
      tenant: { id: principal.tenantId, slug: principal.tenantSlug },
      agentId: principal.agentId,
      apiKeyId: principal.apiKeyId,
      displayName: principal.displayName,
      role: principal.role,
      groups: principal.groups,
      via: principal.via,
      serverNow: ctx.services.infra.clock.now().toISOString(),
    };
  }),
});
