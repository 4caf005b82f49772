// The `rt` connector's inbound half (issue 12 item 2): every backend process runs this poller; per
// tenant with RT configured, the process holding the tenant's lease reads RT's ticket transactions
// after the persisted cursor (REST2, TransactionSQL), hands each to rt-inbound.ts in id order and
// moves the cursor past it. Why polling and not an RT scrip: see the README ("Request Tracker").
// RT down, slow or refusing the credentials: the poll stops at the transaction it could not read,
// retries with backoff, and the connector's row says since when and why (/healthz, settings).
import { ZodError } from 'zod';
import { ZRtSettings, type RtSettings } from '../../../../shared/settings.js';
import { SettingsEntity, TenantEntity, type TenantRow } from '../../db/entities/tenancy.entities.js';
import { DomainError } from '../../domain/errors.js';
import { describeThrown } from '../../jobs/thrown-text.js';
import type { Logger } from '../../logger.js';
import type { Infrastructure } from '../../platform/unit-of-work.js';
import { createConnectorStateStore } from './connector-state-store.js';
import { lastTransactionBefore, TRANSACTIONS_PER_PAGE, transactionsAfter } from './rt-api.js';
import { createRtClient, RtRequestError, type RtClient } from './rt-client.js';
import type { RtInbound } from './rt-inbound.js';
import { RT_CONNECTOR } from './rt.connector.js';

/** How often each process re-reads which tenants use RT (a new or changed connector starts within this). */
export const DISCOVERY_INTERVAL_MS = 2_000;
const TICK_MS = 200;
/** Pages read in one poll while catching up, before other tenants get their turn. */
const MAX_PAGES_PER_POLL = 20;
/** The longest wait between attempts while RT fails. */
export const MAX_BACKOFF_MS = 30_000;

/** The lease outlives a few polls, so its holder keeps it; a dead holder's lease lapses within it. */
export const leaseMsFor = (pollIntervalMs: number) => Math.max(10_000, pollIntervalMs * 3 + 5_000);

/** The wait after `failures` failed polls in a row: doubling from the poll interval, at most MAX_BACKOFF_MS. */
export const backoffMs = (pollIntervalMs: number, failures: number) => Math.min(MAX_BACKOFF_MS, Math.max(pollIntervalMs, 1000) * 2 ** Math.min(Math.max(failures - 1, 0), 10));

/** A transaction Baton can never use (its content fails validation): skipped with a log line, not retried forever. */
const isUnusable = (error: unknown) => error instanceof ZodError || error instanceof DomainError || (error instanceof RtRequestError && error.kind === 'not_found');

interface TenantPolling {
  settings: RtSettings;
  /** The settings row's version and save time (the first poll starts at the history before it). */
  version: number;
  configuredAt: Date;
  nextPollAt: number;
  failures: number;
  lastError: string | null;
  running: Promise<void> | null;
  holdsLease: boolean;
}

export interface RtPollerOptions {
  infra: Infrastructure;
  inbound: RtInbound;
  /** Unique per process (and per server in one process): the lease owner. */
  owner: string;
  log: Logger;
}

export function createRtPoller({ infra, inbound, owner, log }: RtPollerOptions) {
  const store = createConnectorStateStore(infra.db, RT_CONNECTOR);
  const tenants = new Map<string, TenantPolling>();
  const tenantRows = new Map<string, TenantRow>();
  let discoveredAt = 0;
  let discovering: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopped = true;

  /** Which tenants use RT now; a changed connector is polled at once, a removed one forgotten. */
  async function discover(): Promise<void> {
    const rows = await infra.db.getRepository(SettingsEntity).find();
    const seen = new Set<string>();
    for (const row of rows) {
      const configured = (row.values as { connectors?: { rt?: unknown } } | null)?.connectors?.rt;
      if (!configured) continue;
      const parsed = ZRtSettings.safeParse(configured);
      if (!parsed.success) continue;
      seen.add(row.tenantId);
      const known = tenants.get(row.tenantId);
      if (!known) {
        tenants.set(row.tenantId, { settings: parsed.data, version: row.version, configuredAt: row.updatedAt, nextPollAt: 0, failures: 0, lastError: null, running: null, holdsLease: false });
        continue;
      }
      if (known.version === row.version) continue;
      // Updated in place: a poll in flight keeps its own settings and clears `running` on this object.
      known.version = row.version;
      if (JSON.stringify(known.settings) === JSON.stringify(parsed.data)) continue;
      known.settings = parsed.data;
      known.nextPollAt = 0;
      known.failures = 0;
      known.lastError = null;
    }
    for (const tenantId of [...tenants.keys()]) {
      if (seen.has(tenantId)) continue;
      tenants.delete(tenantId);
      await store.clearFailure(tenantId, infra.clock.now());
    }
  }

  async function tenantRow(tenantId: string): Promise<TenantRow | null> {
    const known = tenantRows.get(tenantId);
    if (known) return known;
    const row = await infra.db.getRepository(TenantEntity).findOneBy({ id: tenantId });
    if (row) tenantRows.set(tenantId, row);
    return row;
  }

  /** Where a tenant's first poll starts: the RT history before the connector was configured is not imported. */
  async function startPosition(client: RtClient, tenantId: string, polling: TenantPolling): Promise<number> {
    const position = await lastTransactionBefore(client, polling.configuredAt);
    log.info({ tenantId, position, configuredAt: polling.configuredAt.toISOString() }, 'RT connector: first poll starts after this transaction');
    return position;
  }

  /** One poll of one tenant: catch up page by page; throws on RT or database failure (the cursor stays at the last transaction handled). */
  async function pollOnce(tenantId: string, polling: TenantPolling): Promise<'polled' | 'not_leader'> {
    const leaseMs = leaseMsFor(polling.settings.pollIntervalMs);
    polling.holdsLease = await store.acquireLease(tenantId, owner, infra.clock.now(), leaseMs);
    if (!polling.holdsLease) return 'not_leader';
    const tenant = await tenantRow(tenantId);
    if (!tenant) return 'polled';
    const { settings } = polling;
    const client = createRtClient({ url: settings.url, username: settings.username, password: settings.password });
    const state = await store.read(tenantId);
    let position = state?.position !== null && state?.position !== undefined ? Number(state.position) : null;
    if (position === null) {
      position = await startPosition(client, tenantId, polling);
      if (!(await store.advance(tenantId, owner, String(position), infra.clock.now()))) return 'not_leader';
    }
    for (let page = 0; page < MAX_PAGES_PER_POLL && !stopped; page++) {
      const transactions = await transactionsAfter(client, position, settings.queue);
      for (const transaction of transactions) {
        if (stopped) return 'polled';
        try {
          const outcome = await inbound.handle(client, tenant, settings.username, transaction);
          log.debug({ tenantId, transaction: transaction.id, ticket: transaction.ticketId, outcome }, 'RT transaction handled');
        } catch (error) {
          if (!isUnusable(error)) throw error;
          log.warn({ tenantId, transaction: transaction.id, ticket: transaction.ticketId, error: describeThrown(error) }, 'RT transaction skipped: Baton cannot use it');
        }
        position = transaction.id;
        if (!(await store.advance(tenantId, owner, String(position), infra.clock.now()))) return 'not_leader';
      }
      if (transactions.length < TRANSACTIONS_PER_PAGE) break;
      if (!(await store.acquireLease(tenantId, owner, infra.clock.now(), leaseMs))) return 'not_leader';
    }
    return 'polled';
  }

  async function poll(tenantId: string, polling: TenantPolling): Promise<void> {
    try {
      const result = await pollOnce(tenantId, polling);
      if (result === 'polled') await store.recordSuccess(tenantId, infra.clock.now());
      if (polling.failures > 0 && result === 'polled') log.info({ tenantId, connector: RT_CONNECTOR, after: polling.failures }, 'RT connector recovered');
      if (result === 'polled') {
        polling.failures = 0;
        polling.lastError = null;
      }
      polling.nextPollAt = Date.now() + polling.settings.pollIntervalMs;
    } catch (error) {
      polling.failures += 1;
      const text = describeThrown(error);
      const delay = backoffMs(polling.settings.pollIntervalMs, polling.failures);
      // One error line per change of cause, not one per attempt: a clear log, not a flood.
      const logged = { tenantId, connector: RT_CONNECTOR, error: text, failures: polling.failures, retryInMs: delay };
      if (text !== polling.lastError) log.error(logged, 'RT connector failing; retrying with backoff');
      else log.debug(logged, 'RT connector still failing');
      polling.lastError = text;
      polling.nextPollAt = Date.now() + delay;
      try {
        await store.recordFailure(tenantId, text, infra.clock.now());
      } catch (recordError) {
        log.warn({ tenantId, err: recordError }, 'could not record the RT connector failure');
      }
    }
  }

  function tick(): void {
    if (stopped) return;
    const now = Date.now();
    if (!discovering && now - discoveredAt >= DISCOVERY_INTERVAL_MS) {
      discoveredAt = now;
      discovering = discover()
        .catch((error) => log.warn({ err: error }, 'RT connector: reading tenant settings failed; retrying'))
        .finally(() => (discovering = null));
    }
    for (const [tenantId, polling] of tenants) {
      if (polling.running || polling.nextPollAt > now) continue;
      polling.running = poll(tenantId, polling).finally(() => (polling.running = null));
    }
    timer = setTimeout(tick, TICK_MS);
    timer.unref();
  }

  return {
    start(): void {
      if (!stopped) return;
      stopped = false;
      tick();
    },

    /** Stops polling, waits for polls in flight, and gives up held leases so another process takes over at once. */
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      await Promise.allSettled([discovering, ...[...tenants.values()].map((polling) => polling.running)]);
      await Promise.allSettled([...tenants.entries()].filter(([, polling]) => polling.holdsLease).map(([tenantId]) => store.releaseLease(tenantId, owner)));
    },

    /** Polls a tenant now (tests, and settings changes that should not wait for the next tick). */
    async pollNow(tenantId: string): Promise<void> {
      await discover();
      const polling = tenants.get(tenantId);
      if (!polling) return;
      await polling.running;
      polling.running = poll(tenantId, polling).finally(() => (polling.running = null));
      await polling.running;
    },
  };
}

export type RtPoller = ReturnType<typeof createRtPoller>;
