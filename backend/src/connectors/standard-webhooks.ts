// Standard Webhooks signing (https://www.standardwebhooks.com): `whsec_<base64>` secrets and the
// `webhook-id` / `webhook-timestamp` / `webhook-signature` headers of an outbound POST.
import { createHmac } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';

/**
 * The signing key of a `whsec_<base64>` secret (24 to 64 bytes, as the specification recommends).
 * @throws Error saying what is wrong with it (never echoing the secret)
 */
export function parseWebhookSecret(secret: string): Buffer {
  if (!secret.startsWith(SECRET_PREFIX)) throw new Error(`must start with ${SECRET_PREFIX} followed by the key in base64`);
  const encoded = secret.slice(SECRET_PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) throw new Error(`must be ${SECRET_PREFIX} followed by the key in base64 (A-Z, a-z, 0-9, +, /)`);
  const key = Buffer.from(encoded, 'base64');
  if (key.length < 24 || key.length > 64) throw new Error(`must hold a key of 24 to 64 bytes (this one has ${key.length})`);
  return key;
}

/**
 * The three headers of one signed message: the signature is `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`.
 * @example webhookHeaders(key, 'reply-1', 1614265330, '{"test": 2432232314}')['webhook-signature'] // 'v1,…'
 */
export function webhookHeaders(key: Buffer, id: string, timestampSeconds: number, body: string): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  const signature = createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': String(timestampSeconds), 'webhook-signature': `v1,${signature}` };
}
