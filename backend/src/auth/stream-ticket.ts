// Stream tickets (issue 14 item 4): short-lived credentials for the event stream, which tRPC's SSE
// link carries in the URL. Stateless and HMAC-signed with an installation key from the database:
// any backend process behind a load balancer, and the embedded SQLite mode, verifies a ticket
// another process issued without a shared ticket store; the principal is re-read from the
// database whenever a ticket is used, so a ticket never outlives its key's revocation.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

export const STREAM_TICKET_PREFIX = 'st_';
/** How long a ticket opens streams: enough to connect, too short to be worth stealing from a log. */
export const STREAM_TICKET_TTL_MS = 60_000;

/** Who the ticket was issued to (what the authenticator needs to re-resolve the principal). */
export const ZStreamTicketClaims = z.object({
  tenantId: z.string(),
  via: z.enum(['api_key', 'jwt', 'dev_token']),
  apiKeyId: z.string().nullable(),
  agentId: z.string().nullable(),
  /** Identity-provider groups at issue time (they may raise an agent's role). */
  groups: z.array(z.string()),
});
export type StreamTicketClaims = z.infer<typeof ZStreamTicketClaims>;

const ZSignedPayload = ZStreamTicketClaims.extend({ expiresAtMs: z.number().int(), nonce: z.string() });

const signatureOf = (key: Uint8Array, payload: string) => createHmac('sha256', key).update(payload).digest();

/**
 * A ticket for `claims`, valid for {@link STREAM_TICKET_TTL_MS} from `now`.
 * @example const ticket = signStreamTicket(key, { tenantId, via: 'api_key', apiKeyId, agentId: null, groups: [] }, now);
 */
export function signStreamTicket(key: Uint8Array, claims: StreamTicketClaims, now: Date): { ticket: string; expiresAt: Date } {
  const expiresAtMs = now.getTime() + STREAM_TICKET_TTL_MS;
  const payload = Buffer.from(JSON.stringify({ ...claims, expiresAtMs, nonce: randomBytes(16).toString('base64url') })).toString('base64url');
  return { ticket: `${STREAM_TICKET_PREFIX}${payload}.${signatureOf(key, payload).toString('base64url')}`, expiresAt: new Date(expiresAtMs) };
}

/**
 * The claims of a genuine, unexpired ticket.
 * @throws Error saying why the ticket is refused (forged, malformed or expired).
 */
export function readStreamTicket(key: Uint8Array, ticket: string, now: Date): StreamTicketClaims {
  const [payload, signature] = ticket.startsWith(STREAM_TICKET_PREFIX) ? ticket.slice(STREAM_TICKET_PREFIX.length).split('.') : [];
  if (!payload || !signature) throw new Error('it is not a stream ticket (st_…)');
  const expected = signatureOf(key, payload);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new Error('its signature is wrong');
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  const parsed = ZSignedPayload.safeParse(decoded);
  if (!parsed.success) throw new Error('its contents are malformed');
  if (parsed.data.expiresAtMs <= now.getTime()) throw new Error(`it expired at ${new Date(parsed.data.expiresAtMs).toISOString()}; ask for a new one`);
  const { expiresAtMs: _expiresAtMs, nonce: _nonce, ...claims } = parsed.data;
  return claims;
}
