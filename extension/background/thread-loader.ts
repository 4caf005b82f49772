// Reads one thread's view by its helpdesk reference, with the server clock offset measured on the way.
import type { ThreadState } from '../messaging';
import type { ConversationRef, ConversationView } from '../overlay/overlay-model';
import { serverErrorCode } from './action-result';
import type { BatonClient } from './baton-client';

/** When a request left and its answer arrived (local clock, ms since the epoch). */
export interface RequestTiming {
  sentAt: number;
  receivedAt: number;
}

/**
 * serverNow − the midpoint of the request's local send and receive times: add it to `Date.now()`
 * to get the server's clock (0 when `serverNow` is not a date).
 *
 * @example
 * serverOffsetMs('2026-01-05T14:00:01.000Z', sent, received); // e.g. 1000 when the server runs 1 s ahead
 */
export function serverOffsetMs(serverNow: string, timing: RequestTiming): number {
  const server = Date.parse(serverNow);
  if (!Number.isFinite(server)) return 0;
  return Math.round(server - (timing.sentAt + timing.receivedAt) / 2);
}

/** The thread state for a view that arrived with `timing`. */
export function viewThread(view: ConversationView, timing: RequestTiming): Extract<ThreadState, { kind: 'view' }> {
  return { kind: 'view', view, serverOffsetMs: serverOffsetMs(view.serverNow, timing), receivedAt: timing.receivedAt };
}

/**
 * Asks `conversations.byExternalRef`: a view, or `unknown` when Baton has no such conversation
 * (NOT_FOUND). Any other failure is thrown for the caller to classify.
 */
export async function loadThread(client: BatonClient, ref: ConversationRef, now: () => number = Date.now): Promise<ThreadState> {
  const sentAt = now();
  try {
    const view: ConversationView = await client.conversations.byExternalRef.query({ connector: ref.connector, externalId: ref.externalId });
    return viewThread(view, { sentAt, receivedAt: now() });
  } catch (error) {
    if (serverErrorCode(error) === 'NOT_FOUND') return { kind: 'unknown' };
    throw error;
  }
}

/** True when `candidate` was built before `current` (so it must not replace it). */
export function isOlderView(candidate: ConversationView, current: ConversationView): boolean {
  const candidateAt = Date.parse(candidate.serverNow);
  const currentAt = Date.parse(current.serverNow);
  return Number.isFinite(candidateAt) && Number.isFinite(currentAt) && candidateAt < currentAt;
}
