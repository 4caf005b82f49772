// What a commit leaves for after it (issue 11 item 1): each tenant's last event position, and the
// outbox rows of effects (event publications, job announcements) a relay performs at least once.
import { EntitySchema } from 'typeorm';
import { bigintAsString } from './event.entity.js';
import { instantColumn, integerColumn, jsonColumn, uuidColumn } from './columns.js';

export interface TenantEventPositionRow {
  tenantId: string;
  /** The position of the tenant's newest event (decimal string). Its row lock, held to commit, orders events by commit. */
  lastPosition: string;
}

export const TenantEventPositionEntity = new EntitySchema<TenantEventPositionRow>({
  name: 'TenantEventPosition',
  tableName: 'tenant_event_positions',
  columns: {
    tenantId: { ...uuidColumn('tenant_id'), primary: true },
    lastPosition: { type: 'bigint', name: 'last_position', transformer: bigintAsString },
  },
});

export interface OutboxEffectRow {
  id: string;
  tenantId: string;
  /** The effects as data (platform/outbox.ts, `OutboxEffects`), validated when read. */
  effects: unknown;
  createdAt: Date;
  /** The relay may perform the row from this instant on (the committing process goes first). */
  availableAt: Date;
  /** Relay attempts so far (0: only the committing process has tried). */
  attempts: number;
}

export const OutboxEffectEntity = new EntitySchema<OutboxEffectRow>({
  name: 'OutboxEffect',
  tableName: 'outbox_effects',
  columns: {
    id: { type: 'bigint', primary: true, generated: 'increment', transformer: bigintAsString },
    tenantId: uuidColumn('tenant_id'),
    effects: jsonColumn('effects'),
    createdAt: instantColumn('created_at'),
    availableAt: instantColumn('available_at'),
    attempts: integerColumn('attempts'),
  },
});
