// Posts a JSON body to a Baton webhook, signed the way connectors sign it (X-Baton-Timestamp + X-Baton-Signature).
import { signedWebhookHeaders } from '../../backend/src/http/webhook-signature.js';

export interface WebhookAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** `signature` overrides the computed header (to test bad signatures); the timestamp is always now. */
export async function postSignedWebhook(baseUrl: string, path: string, secret: string, body: unknown, signature?: string): Promise<WebhookAnswer> {
  const raw = JSON.stringify(body);
  const headers = signedWebhookHeaders(secret, raw);
  return postRawWebhook(baseUrl, path, raw, signature === undefined ? headers : { ...headers, 'x-baton-signature': signature });
}

/**
 * Posts `raw` with exactly these headers (besides content-type): to replay a captured request byte for
 * byte, or to send a timestamp or signature of the test's choosing. `raw` may be bytes (e.g. not UTF-8).
 * @example postRawWebhook(url, '/webhooks/inbound', raw, signedWebhookHeaders(secret, raw, sixMinutesAgo))
 */
export async function postRawWebhook(baseUrl: string, path: string, raw: string | Uint8Array, headers: Record<string, string>): Promise<WebhookAnswer> {
  const response = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof raw === 'string' ? raw : Uint8Array.from(raw) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
