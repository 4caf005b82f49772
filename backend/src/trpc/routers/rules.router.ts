// Routing rules (SPEC §5.3), admin only: read, and replace the ordered list whole.
import { ZRulesSaveInput } from '../../../../shared/routing-rules.js';
import { adminProcedure, router } from '../init.js';

export const rulesRouter = router({
  list: adminProcedure.query(({ ctx }) => ctx.services.rules.list(ctx.principal)),
  save: adminProcedure.input(ZRulesSaveInput).mutation(({ ctx, input }) => ctx.services.rules.save(ctx.principal, input.rules)),
});
