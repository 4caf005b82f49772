// The `rt` connector's outbound half (issue 12 item 2): an AI reply or an agent message sent through
// Baton becomes correspondence on the conversation's RT ticket. Idempotent: the delivery's key rides
// on the correspondence (rt-api.ts IDEMPOTENCY_PARAMETER) and is looked for before every attempt, so
// an attempt repeated after a crash or a failed acknowledgement finds its earlier one and stops.
import { createHash } from 'node:crypto';
import type { RtSettings } from '../../../../shared/settings.js';
import type { Connector } from '../connector.js';
import { correspond, correspondenceWithKey } from './rt-api.js';
import { createRtClient, DEFAULT_RT_TIMEOUT_MS } from './rt-client.js';

export const RT_CONNECTOR = 'rt';

/** A key as a MIME parameter value: as it is when it is a plain token (ids are UUIDs), else its digest. */
export function markerOf(key: string): string {
  return /^[A-Za-z0-9._:-]{1,128}$/.test(key) ? key : `sha256-${createHash('sha256').update(key).digest('hex')}`;
}

/**
 * Two REST2 calls per delivery: the search for the key (one indexed ticket-scoped query in RT),
 * then the correspondence. The attempt's timeout covers each call.
 * @example createRtConnector({ url: 'http://127.0.0.1:8080/rt', username: 'baton', password: '…', queue: 'General', pollIntervalMs: 2000 })
 */
export function createRtConnector(config: RtSettings & { timeoutMs?: number }): Connector {
  const client = createRtClient({ url: config.url, username: config.username, password: config.password, timeoutMs: config.timeoutMs ?? DEFAULT_RT_TIMEOUT_MS });
  return {
    name: RT_CONNECTOR,
    // Two calls in a row, each bounded by the client's timeout.
    timeoutMs: client.timeoutMs * 2,
    async deliver(message) {
      const ref = message.externalConversation;
      if (ref?.connector !== RT_CONNECTOR || !/^\d+$/.test(ref.externalId)) {
        throw new Error(`the conversation has no Request Tracker ticket to reply on (its reference is ${ref ? `${ref.connector} ${ref.externalId}` : 'missing'})`);
      }
      const ticketId = Number(ref.externalId);
      const marker = markerOf(message.idempotencyKey);
      if ((await correspondenceWithKey(client, ticketId, marker)) !== null) return; // an earlier attempt got there
      await correspond(client, ticketId, message.body, marker);
    },
  };
}
