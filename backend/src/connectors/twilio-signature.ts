// Twilio's request signature (X-Twilio-Signature), as Twilio's helper libraries compute it:
// base64 HMAC-SHA1, keyed by the account's auth token, of the full URL Twilio called followed by
// every POST parameter sorted by name, each as name + value with no separators.
// https://www.twilio.com/docs/usage/webhooks/webhooks-security
import { createHmac, timingSafeEqual } from 'node:crypto';

/** POST parameters as a form body parses them: a name may repeat. */
export type TwilioParams = URLSearchParams | Record<string, string | readonly string[]>;

function valuesByName(params: TwilioParams): Map<string, string[]> {
  const byName = new Map<string, string[]>();
  const entries = params instanceof URLSearchParams ? [...params] : Object.entries(params).flatMap(([name, value]) => (typeof value === 'string' ? [[name, value] as const] : value.map((one) => [name, one] as const)));
  for (const [name, value] of entries) byName.set(name, [...(byName.get(name) ?? []), value]);
  return byName;
}

/**
 * The signature Twilio sends for `url` (exactly as called) and `params`. A repeated parameter contributes each distinct
 * value once, in sorted order (what twilio-node and twilio-php do).
 * @example twilioSignature('12345', 'https://mycompany.com/myapp.php?foo=1&bar=2', { CallSid: 'CA1234567890ABCDE', … }) // 'RSOYDt4T1cUTdK1PDd93/VVr8B8='
 */
export function twilioSignature(authToken: string, url: string, params: TwilioParams): string {
  const byName = valuesByName(params);
  let signed = url;
  for (const name of [...byName.keys()].sort()) {
    for (const value of [...new Set(byName.get(name))].sort()) signed += name + value;
  }
  return createHmac('sha1', authToken).update(signed, 'utf8').digest('base64');
}

/**
 * The URL as Twilio may have signed it: as given, without a port, and with the scheme's standard
 * port, since Twilio signs one or the other depending on the product (its libraries accept both).
 */
function urlsTwilioMaySign(url: string): string[] {
  const parsed = new URL(url);
  const withoutPort = new URL(parsed);
  withoutPort.port = '';
  let withPort = parsed.toString();
  if (!parsed.port) {
    const userinfo = parsed.username ? `${parsed.username}${parsed.password ? `:${parsed.password}` : ''}@` : '';
    const standardPort = parsed.protocol === 'https:' ? 443 : 80;
    withPort = `${parsed.protocol}//${userinfo}${parsed.host}:${standardPort}${parsed.pathname}${parsed.search}${parsed.hash}`;
  }
  return [...new Set([url, withoutPort.toString(), withPort])];
}

function sameText(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Whether `signature` (the X-Twilio-Signature header) is Twilio's for this request. Constant-time;
 * false for a missing header or a URL that does not parse.
 * @param url the full URL Twilio called, query string included, exactly as configured at Twilio
 */
export function isValidTwilioSignature(authToken: string, signature: string | undefined, url: string, params: TwilioParams): boolean {
  if (!signature || !authToken) return false;
  let candidates: string[];
  try {
    candidates = urlsTwilioMaySign(url);
  } catch {
    return false;
  }
  // Every candidate is checked (no early exit), so timing does not tell which URL form matched.
  return candidates.map((candidate) => sameText(twilioSignature(authToken, candidate, params), signature)).includes(true);
}
