// Delivers a customer message the way a real connector does: a signed POST to this server's own
// /webhooks/inbound, over loopback only (the page never holds the webhook secret).
import type { Socket } from 'node:net';
import type { InboundWebhook } from '../../../../shared/webhooks.js';
import { signedWebhookHeaders } from '../webhook-signature.js';

const TIMEOUT_MS = 10_000;

/**
 * This server's own origin on a loopback address, from the socket the request arrived on (never
 * from the Host header, which the client chooses).
 * @example loopbackOrigin(ctx.req.socket) // 'http://127.0.0.1:8787'
 */
export function loopbackOrigin(socket: Pick<Socket, 'localAddress' | 'localPort'>): string {
  const address = socket.localAddress ?? '';
  const host = address === '::1' ? '[::1]' : '127.0.0.1';
  return `http://${host}:${socket.localPort}`;
}

export interface WebhookAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** Signs `payload` with the tenant's webhook secret and POSTs it to `<origin>/webhooks/inbound`. */
export async function postInboundWebhook(origin: string, webhookSecret: string, payload: InboundWebhook): Promise<WebhookAnswer> {
  const url = new URL('/webhooks/inbound', origin);
  if (url.hostname !== '127.0.0.1' && url.hostname !== '[::1]' && url.hostname !== 'localhost') throw new Error(`refusing to post a webhook to ${url.hostname}: loopback only`);
  const raw = JSON.stringify(payload);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signedWebhookHeaders(webhookSecret, raw) },
    body: raw,
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const text = await response.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { error: text.slice(0, 500) };
  }
  return { status: response.status, body };
}
