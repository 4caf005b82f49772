// settings.connectorStatus (issue 12 "Bad input"): the tenant's configured connectors and, for the
// polling ones (RT), what the last poll found — so a wrong password reads as a clear status, not a mystery.
import type { DataSource } from 'typeorm';
import { CONNECTOR_KINDS, type ConnectorStatus } from '../../../../shared/settings.js';
import { ConnectorStateEntity } from '../../db/entities/connector-state.entity.js';
import { readTenantSettings } from '../../platform/tenant-settings.js';

/** Connectors that poll and record their state in `connector_states`. */
const POLLING_CONNECTORS = new Set<string>(['rt']);

export async function readConnectorStatus(db: DataSource, tenantId: string): Promise<ConnectorStatus[]> {
  const settings = await readTenantSettings(db.manager, tenantId);
  const states = await db.getRepository(ConnectorStateEntity).findBy({ tenantId });
  return CONNECTOR_KINDS.filter((kind) => settings.connectors[kind] !== null).map((kind): ConnectorStatus => {
    if (!POLLING_CONNECTORS.has(kind)) return { connector: kind, state: 'configured', lastError: null, failingSince: null, lastSuccessAt: null };
    const state = states.find((row) => row.connector === kind);
    const failing = Boolean(state?.failingSince);
    return {
      connector: kind,
      state: failing ? 'failing' : state?.lastSuccessAt ? 'ok' : 'starting',
      lastError: failing ? (state?.lastError ?? null) : null,
      failingSince: state?.failingSince?.toISOString() ?? null,
      lastSuccessAt: state?.lastSuccessAt?.toISOString() ?? null,
    };
  });
}
