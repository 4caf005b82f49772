// The event stream of one tenant: replay from a last event position, then live events from the bus,
// in position order without loss (issue 11 item 3), each redacted for the reader now (item 5); it ends
// as soon as its credential is revoked (issue 14 item 4).
import type { BatonEvent } from '../../../../shared/events.js';
import type { Principal } from '../../auth/principal.js';
import { DomainError } from '../../domain/errors.js';
import { redactEventForReader } from '../../domain/event-redaction.js';
import { EventQueue, RESYNC } from '../../realtime/event-queue.js';
import { laterOf, placeOf } from '../../realtime/stream-cursor.js';
import { readTenantSettings } from '../../platform/tenant-settings.js';
import { latestPosition, readEventsAfter } from '../../platform/timeline.js';
import type { Infrastructure } from '../../platform/unit-of-work.js';
import { streamEndingFor } from './stream-ending.js';

const REPLAY_PAGE = 500;

export interface StreamQuery {
  /** Only this conversation's events; absent: every event of the tenant. */
  conversationId?: string;
  /** Resume after this event position (what the client last received); absent: live events from now. */
  lastEventId?: string | null;
  signal: AbortSignal;
}

/** What the stream asks of the authenticator (its `revalidate` and `invalidateAll`). */
export interface StreamCredentials {
  /** Throws UNAUTHORIZED when the principal's key was revoked or its agent deactivated (read from the database, not a cache). */
  revalidate(principal: Principal): Promise<unknown>;
  /** A revocation was seen on the bus: this process forgets its cached principals. */
  invalidateAll(): void;
}

/** `credentials` absent: streams are not checked against revocations (services built without an authenticator). */
export function createEventsService(infra: Infrastructure, credentials?: StreamCredentials) {
  const manager = infra.db.manager;

  /** Events after `after` (up to `through` when given), page by page, in position order. */
  async function* readFrom(tenantId: string, after: string, through: string | undefined, conversationId: string | undefined) {
    let cursor = after;
    for (;;) {
      const page = await readEventsAfter(manager, { tenantId, after: cursor, through, conversationId, limit: REPLAY_PAGE });
      yield* page;
      if (page.length < REPLAY_PAGE) return;
      cursor = page[page.length - 1]!.id;
    }
  }

  const hipaaModeOf = async (tenantId: string) => (await readTenantSettings(manager, tenantId)).hipaaMode;

  return {
    latestId: (principal: Principal) => latestPosition(manager, principal.tenantId),

    /**
     * Streams the caller's tenant events. The cursor is the position up to which every event has
     * been delivered (or filtered out). It reads the table only once the bus confirmed the
     * subscription, so an event committed in between arrives live; a live event at cursor + 1 is
     * sent, one at or below is a repeat, one past a gap first reads the gap from the table.
     * The credential is checked once subscribed (so a revocation committed after the check arrives
     * live), against every live event, and again after every re-read (the bus may have lost one):
     * a revoked key or deactivated agent ends the stream with UNAUTHORIZED, a changed role ends it
     * so the client reconnects with its new rights.
     */
    async *stream(principal: Principal, query: StreamQuery): AsyncGenerator<BatonEvent> {
      const { tenantId } = principal;
      const queue = new EventQueue<BatonEvent>();
      const subscription = infra.bus.subscribe(tenantId, { onEvent: (event) => queue.push(event), onResync: () => queue.push(RESYNC) });
      try {
        await subscription.ready;
        await credentials?.revalidate(principal);
        const latest = await latestPosition(manager, tenantId);
        // A position the tenant never reached (a stale or foreign id) resumes from its newest event.
        let cursor = query.lastEventId && placeOf(query.lastEventId, latest) === 'seen' ? query.lastEventId : latest;
        let hipaaMode = await hipaaModeOf(tenantId);
        const concerns = (event: BatonEvent) => !query.conversationId || event.conversationId === query.conversationId;

        /** The table after the cursor (through `through` when given): what the bus may not have brought. */
        const catchUp = async function* (through?: string): AsyncGenerator<BatonEvent> {
          hipaaMode = await hipaaModeOf(tenantId);
          for await (const event of readFrom(tenantId, cursor, through, query.conversationId)) {
            cursor = event.id;
            yield redactEventForReader(event, hipaaMode);
          }
          if (through !== undefined) cursor = laterOf(cursor, through);
        };

        if (query.lastEventId) yield* catchUp();
        for await (const item of queue.drain(query.signal)) {
          if (item === RESYNC) {
            yield* catchUp();
            await credentials?.revalidate(principal);
            continue;
          }
          // Before the repeat check: a revocation committed while the stream started may already be behind the cursor.
          const ending = streamEndingFor(item, principal);
          if (ending) {
            credentials?.invalidateAll();
            if (ending.kind === 'revoked') throw new DomainError('UNAUTHORIZED', `${ending.reason}: the stream has ended`);
            return;
          }
          const place = placeOf(item.id, cursor);
          if (place === 'seen') continue;
          if (place === 'after-gap') {
            yield* catchUp(item.id);
            await credentials?.revalidate(principal);
            continue;
          }
          cursor = item.id;
          if (item.type === 'settings.changed') hipaaMode = await hipaaModeOf(tenantId);
          if (concerns(item)) yield redactEventForReader(item, hipaaMode);
        }
      } finally {
        subscription.unsubscribe();
      }
    },
  };
}
