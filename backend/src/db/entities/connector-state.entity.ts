// Per tenant and inbound connector (issue 12): the polling cursor, the lease that lets one process
// poll at a time, and the connector's health as the last poll saw it (read by /healthz and settings).
import { EntitySchema } from 'typeorm';
import { instantColumn, longTextColumn, textColumn, uuidColumn } from './columns.js';

export interface ConnectorStateRow {
  tenantId: string;
  /** `rt`. */
  connector: string;
  /** The last external event handled (RT: a transaction id, decimal); null: not started (the first poll picks the start). */
  position: string | null;
  /** The process polling now (`host:pid:uuid`); null: nobody. */
  leaseOwner: string | null;
  /** The lease lapses then and another process may take over; null: nobody holds it. */
  leaseUntil: Date | null;
  /** Since when the connector fails (unreachable, 5xx, refused credentials); null: it works. */
  failingSince: Date | null;
  /** The last failure in words (never a secret); null: none since the last success. */
  lastError: string | null;
  /** The last poll that reached the system; null: none yet. */
  lastSuccessAt: Date | null;
  updatedAt: Date;
}

export const ConnectorStateEntity = new EntitySchema<ConnectorStateRow>({
  name: 'ConnectorState',
  tableName: 'connector_states',
  columns: {
    tenantId: { ...uuidColumn('tenant_id'), primary: true },
    connector: { ...textColumn('connector', 32), primary: true },
    position: textColumn('position', 64, true),
    leaseOwner: textColumn('lease_owner', 200, true),
    leaseUntil: instantColumn('lease_until', true),
    failingSince: instantColumn('failing_since', true),
    lastError: longTextColumn('last_error', true),
    lastSuccessAt: instantColumn('last_success_at', true),
    updatedAt: instantColumn('updated_at'),
  },
});
