// Signed webhooks with a signed timestamp against replay (issue 14): `X-Baton-Timestamp: <unix seconds>`
// and `X-Baton-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">` keyed by the tenant's
// webhook secret. The old format (HMAC of the body alone, no timestamp) is refused: it could be replayed forever.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const TIMESTAMP_HEADER = 'X-Baton-Timestamp';
export const SIGNATURE_HEADER = 'X-Baton-Signature';
/** A signed request is accepted this long either side of the server clock; a captured one is useless later. */
export const TIMESTAMP_TOLERANCE_SECONDS = 5 * 60;

/**
 * The one signer of Baton webhooks (connectors, tests, benches, the demo inbox all use it).
 * @example signWebhook('whsec_…', 1767225600, '{"tenant":"acme"}') // 'sha256=3f…'
 */
export function signWebhook(secret: string, timestampSeconds: number, rawBody: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestampSeconds}.`).update(rawBody).digest('hex')}`;
}

/** Both headers for `rawBody` signed at `now`, lower-case as fetch sends them. */
export function signedWebhookHeaders(secret: string, rawBody: Buffer | string, now: Date = new Date()): { 'x-baton-timestamp': string; 'x-baton-signature': string } {
  const timestampSeconds = Math.floor(now.getTime() / 1000);
  return { 'x-baton-timestamp': String(timestampSeconds), 'x-baton-signature': signWebhook(secret, timestampSeconds, rawBody) };
}

/** "6 min 30 s" for 390: the age in the refusal reads like a person would say it. */
function describeSeconds(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  if (minutes === 0) return `${rest} s`;
  return rest === 0 ? `${minutes} minutes` : `${minutes} min ${rest} s`;
}

export type TimestampCheck = { ok: true; timestampSeconds: number } | { ok: false; reason: string };

/**
 * Is the `X-Baton-Timestamp` header a unix-seconds instant within the tolerance of `now`? The reason
 * names the header and says why, for the 401 body.
 */
export function checkTimestamp(header: string | undefined, now: Date): TimestampCheck {
  if (header === undefined || header === '') {
    return { ok: false, reason: `${TIMESTAMP_HEADER}: is required (unix seconds when the request was signed; ${SIGNATURE_HEADER} covers "<timestamp>.<raw body>")` };
  }
  if (!/^\d+$/.test(header)) return { ok: false, reason: `${TIMESTAMP_HEADER}: must be unix seconds (digits only)` };
  // 13 digits is today in milliseconds, the commonest mistake: say so rather than "years in the future".
  if (header.length > 12) return { ok: false, reason: `${TIMESTAMP_HEADER}: must be unix seconds, not milliseconds (got ${header.length} digits)` };
  const timestampSeconds = Number(header);
  const skewSeconds = Math.floor(now.getTime() / 1000) - timestampSeconds;
  const tolerance = describeSeconds(TIMESTAMP_TOLERANCE_SECONDS);
  if (skewSeconds > TIMESTAMP_TOLERANCE_SECONDS) {
    return { ok: false, reason: `${TIMESTAMP_HEADER}: is ${describeSeconds(skewSeconds)} old; requests older than ${tolerance} are refused (replay protection)` };
  }
  if (-skewSeconds > TIMESTAMP_TOLERANCE_SECONDS) {
    return { ok: false, reason: `${TIMESTAMP_HEADER}: is ${describeSeconds(-skewSeconds)} in the future; more than ${tolerance} ahead of the server clock is refused (check the sender's clock)` };
  }
  return { ok: true, timestampSeconds };
}

/**
 * Constant-time check of the signature header against every accepted secret (the current one and,
 * during its grace, the previous one). Every secret is compared, so the time taken does not say which matched.
 */
export function isValidSignature(secrets: readonly string[], timestampSeconds: number, rawBody: Buffer, header: string | undefined): boolean {
  if (!header || !/^sha256=[0-9a-f]{64}$/i.test(header)) return false;
  const given = Buffer.from(header.toLowerCase());
  let matched = false;
  for (const secret of secrets) {
    const expected = Buffer.from(signWebhook(secret, timestampSeconds, rawBody));
    matched = (expected.length === given.length && timingSafeEqual(expected, given)) || matched;
  }
  return matched;
}
