// Which tenants' connectors fail now (issue 12 "Bad input"): read from `connector_states`, where the
// process polling a connector records it, so every process's /healthz says the same.
import { In, IsNull, Not, type DataSource } from 'typeorm';
import { ConnectorStateEntity } from '../db/entities/connector-state.entity.js';
import { SettingsEntity, TenantEntity } from '../db/entities/tenancy.entities.js';

/** A connector that fails now: which, for which tenant (slug), since when and why (never a secret). */
export interface ConnectorHealth {
  connector: string;
  tenant: string;
  status: 'degraded';
  since: string;
  error: string;
}

/** The failing connectors of tenants that still have them configured (a removed connector's last failure is not news). */
export async function failingConnectors(db: DataSource): Promise<ConnectorHealth[]> {
  const failing = await db.getRepository(ConnectorStateEntity).findBy({ failingSince: Not(IsNull()) });
  if (failing.length === 0) return [];
  const tenantIds = [...new Set(failing.map((row) => row.tenantId))];
  const [tenants, settings] = await Promise.all([
    db.getRepository(TenantEntity).find({ select: { id: true, slug: true }, where: { id: In(tenantIds) } }),
    db.getRepository(SettingsEntity).findBy({ tenantId: In(tenantIds) }),
  ]);
  const configured = (tenantId: string, connector: string) => {
    const values = settings.find((row) => row.tenantId === tenantId)?.values as { connectors?: Record<string, unknown> } | undefined;
    return Boolean(values?.connectors?.[connector]);
  };
  return failing
    .filter((row) => configured(row.tenantId, row.connector))
    .map((row) => ({
      connector: row.connector,
      tenant: tenants.find((tenant) => tenant.id === row.tenantId)?.slug ?? row.tenantId,
      status: 'degraded' as const,
      since: row.failingSince!.toISOString(),
      error: row.lastError ?? 'failing',
    }));
}
