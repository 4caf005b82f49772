// Whether a committed event ends a principal's open event stream (issue 14 item 4): the stream sees
// the tenant's `api_key.revoked` / `agent.updated` events on the bus, on every backend process, right
// after the revoking commit — sooner than any cache expiry.
import type { BatonEvent } from '../../../../shared/events.js';
import type { Principal } from '../../auth/principal.js';

/**
 * `revoked`: the stream's key was revoked or its agent deactivated — end it with UNAUTHORIZED.
 * `rights-changed`: its agent's role changed — end it so the client reconnects with its new rights.
 */
export type StreamEnding = { kind: 'revoked'; reason: string } | { kind: 'rights-changed' } | null;

/**
 * @example streamEndingFor({ type: 'api_key.revoked', before: null, after: { id: 'k1' } }, { apiKeyId: 'k1', agentId: null }) // { kind: 'revoked', … }
 */
export function streamEndingFor(event: Pick<BatonEvent, 'type' | 'before' | 'after'>, principal: Pick<Principal, 'apiKeyId' | 'agentId'>): StreamEnding {
  const after = event.after ?? {};
  if (event.type === 'api_key.revoked' && principal.apiKeyId !== null && after.id === principal.apiKeyId) {
    return { kind: 'revoked', reason: 'The API key of this event stream was revoked' };
  }
  if (event.type !== 'agent.updated' || principal.agentId === null || after.id !== principal.agentId) return null;
  if (after.active === false) return { kind: 'revoked', reason: 'The agent of this event stream was deactivated' };
  const before = event.before ?? {};
  if (after.role !== undefined && after.role !== before.role) return { kind: 'rights-changed' };
  return null;
}
