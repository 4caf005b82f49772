// Routing rules (SPEC §5.3): any agent reads them and their version; only admins replace the ordered
// list (whole), naming the version they edited (CONFLICT when another admin saved meanwhile).
import { ZRulesSaveInput } from '../../../../shared/routing-rules.js';
import { adminProcedure, agentProcedure, router } from '../../trpc/init.js';

export const rulesRouter = router({
  /** Any agent: `{ rules, version }`; non-admins see the rules read-only (options page). */
  list: agentProcedure.query(({ ctx }) => ctx.services.rules.list(ctx.principal)),
  save: adminProcedure.input(ZRulesSaveInput).mutation(({ ctx, input }) => ctx.services.rules.save(ctx.principal, input)),
});
