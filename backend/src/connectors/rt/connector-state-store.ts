// Reads and writes of `connector_states` (cursor, lease, health) for polling connectors: every write
// but the health is conditional on holding the lease, so a process that lost it changes nothing.
import { IsNull, Not, type DataSource } from 'typeorm';
import { ConnectorStateEntity, type ConnectorStateRow } from '../../db/entities/connector-state.entity.js';
import { isUniqueViolation } from '../../db/errors.js';
import { instantParameter } from '../../db/instant-parameter.js';

export function createConnectorStateStore(db: DataSource, connector: string) {
  const states = () => db.getRepository(ConnectorStateEntity);

  async function ensureRow(tenantId: string, now: Date): Promise<void> {
    if (await states().existsBy({ tenantId, connector })) return;
    try {
      await states().insert({ tenantId, connector, position: null, leaseOwner: null, leaseUntil: null, failingSince: null, lastError: null, lastSuccessAt: null, updatedAt: now });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error; // another process created it first
    }
  }

  return {
    read: (tenantId: string): Promise<ConnectorStateRow | null> => states().findOneBy({ tenantId, connector }),

    /**
     * Takes or renews the tenant's lease until `now + leaseMs`: true when this process holds it.
     * Free, lapsed or already ours; one conditional UPDATE, so two processes never both win.
     */
    async acquireLease(tenantId: string, owner: string, now: Date, leaseMs: number): Promise<boolean> {
      await ensureRow(tenantId, now);
      const until = new Date(now.getTime() + leaseMs);
      const result = await states()
        .createQueryBuilder()
        .update()
        .set({ leaseOwner: owner, leaseUntil: until, updatedAt: now })
        .where('tenant_id = :tenantId AND connector = :connector', { tenantId, connector })
        .andWhere('(lease_owner IS NULL OR lease_owner = :owner OR lease_until IS NULL OR lease_until < :now)', { owner, now })
        .execute();
      return (result.affected ?? 0) > 0;
    },

    async releaseLease(tenantId: string, owner: string): Promise<void> {
      await states().update({ tenantId, connector, leaseOwner: owner }, { leaseOwner: null, leaseUntil: null });
    },

    /** Moves the cursor (only while `owner` holds the lease): false when the lease was lost. */
    async advance(tenantId: string, owner: string, position: string, now: Date): Promise<boolean> {
      const result = await states().update({ tenantId, connector, leaseOwner: owner }, { position, updatedAt: now });
      return (result.affected ?? 0) > 0;
    },

    /** The connector works: failure cleared. Writes only when something changes or a minute passed, not at every poll. */
    async recordSuccess(tenantId: string, now: Date): Promise<void> {
      await states()
        .createQueryBuilder()
        .update()
        .set({ failingSince: null, lastError: null, lastSuccessAt: now, updatedAt: now })
        .where('tenant_id = :tenantId AND connector = :connector', { tenantId, connector })
        .andWhere('(failing_since IS NOT NULL OR last_success_at IS NULL OR last_success_at < :aMinuteAgo)', { aMinuteAgo: new Date(now.getTime() - 60_000) })
        .execute();
    },

    /**
     * The connector fails: since when (kept from the first failure) and why, in one statement — a
     * /healthz read between two writes saw it failing with no reason (a CI flake).
     */
    async recordFailure(tenantId: string, error: string, now: Date): Promise<void> {
      await ensureRow(tenantId, now);
      await states()
        .createQueryBuilder()
        .update()
        .set({ failingSince: () => 'COALESCE(failing_since, :now)', lastError: error, updatedAt: now })
        .where('tenant_id = :tenantId AND connector = :connector', { tenantId, connector, now: instantParameter(db, now) })
        .execute();
    },

    /** Forgets a failure of a tenant that no longer uses the connector. */
    async clearFailure(tenantId: string, now: Date): Promise<void> {
      await states().update({ tenantId, connector, failingSince: Not(IsNull()) }, { failingSince: null, lastError: null, updatedAt: now });
    },

    /** Every tenant whose connector fails now. */
    failing: (): Promise<ConnectorStateRow[]> => states().findBy({ connector, failingSince: Not(IsNull()) }),
  };
}

export type ConnectorStateStore = ReturnType<typeof createConnectorStateStore>;
