// Tenant settings: any agent reads them (banners need the zone); only admins change them.
import { ZSettingsUpdateInput } from '../../../../shared/settings.js';
import { adminProcedure, agentProcedure, router } from '../../trpc/init.js';
import { readConnectorStatus } from './connector-status.js';

export const settingsRouter = router({
  get: agentProcedure.query(({ ctx }) => ctx.services.settings.get(ctx.principal)),
  update: adminProcedure.input(ZSettingsUpdateInput).mutation(({ ctx, input }) => ctx.services.settings.update(ctx.principal, input)),
  /** Admins: whether each configured connector works (RT: the last poll's error, e.g. refused credentials). */
  connectorStatus: adminProcedure.query(({ ctx }) => readConnectorStatus(ctx.services.infra.db, ctx.principal.tenantId)),
});
