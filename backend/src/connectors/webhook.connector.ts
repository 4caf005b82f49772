// The `webhook` connector (SPEC §7): one signed JSON POST per outbound message, Standard Webhooks
// headers; `webhook-id` is the idempotency key, so the receiver makes a repeated delivery one message.
import type { Connector, OutboundMessage } from './connector.js';
import { parseWebhookSecret, webhookHeaders } from './standard-webhooks.js';

export const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000;

export interface WebhookConnectorOptions {
  url: string;
  /** `whsec_<base64>`. */
  secret: string;
  timeoutMs?: number;
  /** Wall-clock seconds for `webhook-timestamp` (the receiver compares it with its own clock). */
  nowSeconds?: () => number;
}

/** What the receiver gets (the body of the POST). */
export const webhookPayloadOf = (message: OutboundMessage) => ({
  id: message.idempotencyKey,
  conversationId: message.conversationId,
  channel: message.channel,
  body: message.body,
  author: message.author,
});

/** Why a POST did not go through, in words for the banner (never the secret). */
function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `the webhook did not answer within ${timeoutMs} ms`;
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  return `the webhook could not be reached (${cause?.code ?? cause?.message ?? (error as Error).message})`;
}

/**
 * @example createWebhookConnector({ url: 'https://helpdesk.example/baton', secret: 'whsec_…' })
 * @throws Error on a malformed secret (env.ts validates it first, naming the variable)
 */
export function createWebhookConnector(options: WebhookConnectorOptions): Connector {
  const key = parseWebhookSecret(options.secret);
  const timeoutMs = options.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
  const nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  return {
    name: 'webhook',
    timeoutMs,
    async deliver(message) {
      const body = JSON.stringify(webhookPayloadOf(message));
      let response: Response;
      try {
        response = await fetch(options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...webhookHeaders(key, message.idempotencyKey, nowSeconds(), body) },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        throw new Error(describeFailure(error, timeoutMs));
      }
      await response.body?.cancel();
      if (!response.ok) throw new Error(`the webhook answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
    },
  };
}
