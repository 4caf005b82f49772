// Picks the outbound connector from the environment (env.ts validated it): a webhook when configured,
// else the embedded outbox. Issue 12 moves the choice into tenant settings.
import type { Env } from '../env.js';
import type { Connector } from './connector.js';
import { outboxConnector } from './outbox.connector.js';
import { createWebhookConnector, DEFAULT_WEBHOOK_TIMEOUT_MS } from './webhook.connector.js';

export function connectorFromEnv(env: Pick<Env, 'outboundWebhook'>): Connector {
  const webhook = env.outboundWebhook;
  if (!webhook) return outboxConnector;
  return createWebhookConnector({ url: webhook.url, secret: webhook.secret, timeoutMs: webhook.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS });
}
