// Routing rules (SPEC §5.3): any agent reads them; only admins replace the ordered list (whole).
import { ZRulesSaveInput } from '../../../../shared/routing-rules.js';
import { adminProcedure, agentProcedure, router } from '../init.js';

export const rulesRouter = router({
  /** Any agent: non-admins see the rules read-only (options page). */
  list: agentProcedure.query(({ ctx }) => ctx.services.rules.list(ctx.principal)),
  save: adminProcedure.input(ZRulesSaveInput).mutation(({ ctx, input }) => ctx.services.rules.save(ctx.principal, input.rules)),
});
