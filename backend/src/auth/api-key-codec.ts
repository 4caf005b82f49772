// API key format: `bk_` + 32 random base64url characters; only its SHA-256 is stored.
import { createHash, randomBytes } from 'node:crypto';

export const API_KEY_PREFIX = 'bk_';

export interface NewApiKey {
  /** The whole key, shown once. */
  key: string;
  /** What lists show: `bk_` and the next 7 characters. */
  prefix: string;
  keyHash: string;
}

export function generateApiKey(): NewApiKey {
  const key = API_KEY_PREFIX + randomBytes(24).toString('base64url');
  return { key, prefix: key.slice(0, 10), keyHash: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** A random secret for HMAC webhook signatures (hex, 64 characters). */
export function generateWebhookSecret(): string {
  return 'whsec_' + randomBytes(32).toString('hex');
}
