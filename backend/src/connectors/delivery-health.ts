// An outbound connector's health (issue 14 item 1): a failed delivery marks the tenant's connector
// failing in `connector_states`, so /healthz on every process names it while the outage lasts, and the
// next delivery that succeeds clears it.
import type { DataSource } from 'typeorm';
import type { Logger } from '../logger.js';
import type { Connector } from './connector.js';
import { createConnectorStateStore } from './rt/connector-state-store.js';

/** While nothing changes, a success is written at most this often per process (not a statement per delivery). */
export const SUCCESS_WRITE_EVERY_MS = 10_000;

/**
 * Wraps `connector` (built for one tenant) so each delivery's outcome is recorded under `kind`. A
 * failed write is logged, never thrown: the delivery's own outcome stands. Wrap a connector whose
 * failures are already rid of secrets (secret-hiding.ts): the recorded text shows on /healthz.
 * @example withDeliveryHealth(withSecretsHidden(createWebhookConnector(settings), secrets), { db, log, tenantId, kind: 'webhook' })
 */
export function withDeliveryHealth(connector: Connector, options: { db: DataSource; log: Logger; tenantId: string; kind: string; now?: () => Date }): Connector {
  const { db, log, tenantId, kind } = options;
  const now = options.now ?? (() => new Date());
  const store = createConnectorStateStore(db, kind);
  /** This process saw a failure since it last recorded a success. */
  let failedSinceSuccess = false;
  let successWrittenAt = 0;
  const logged = (what: string) => (error: unknown) => log.warn({ tenantId, connector: kind, err: error }, `recording the connector's ${what} failed`);

  return {
    name: connector.name,
    timeoutMs: connector.timeoutMs,
    close: connector.close && (() => connector.close!()),
    async deliver(message) {
      try {
        await connector.deliver(message);
      } catch (error) {
        failedSinceSuccess = true;
        await store.recordFailure(tenantId, (error as Error).message, now()).catch(logged('failure'));
        throw error;
      }
      const at = now();
      // Another process may have recorded the failure: a success clears it within SUCCESS_WRITE_EVERY_MS.
      if (failedSinceSuccess || at.getTime() - successWrittenAt >= SUCCESS_WRITE_EVERY_MS) {
        failedSinceSuccess = false;
        successWrittenAt = at.getTime();
        await store.recordSuccess(tenantId, at).catch(logged('success'));
      }
    },
  };
}
