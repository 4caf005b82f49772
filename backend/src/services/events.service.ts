// The event stream of one tenant: replay from a last event id, then live events from the bus.
import type { BatonEvent } from '../../../shared/events.js';
import type { Principal } from '../auth/principal.js';
import { EventQueue, RESYNC } from '../realtime/event-queue.js';
import { latestEventId, readEventsAfter } from './timeline.js';
import type { Infrastructure } from './unit-of-work.js';

const REPLAY_PAGE = 500;
/** Ids remembered to drop duplicates (a resync re-reads what live delivery may already have sent). */
const REMEMBERED_IDS = 10_000;

export interface StreamQuery {
  /** Only this conversation's events; absent: every event of the tenant. */
  conversationId?: string;
  /** Resume after this event id (what the client last received); absent: live events from now. */
  lastEventId?: string | null;
  signal: AbortSignal;
}

const isAfter = (id: string, cursor: string) => BigInt(id) > BigInt(cursor);

export function createEventsService(infra: Infrastructure) {
  async function* replay(tenantId: string, afterId: string, conversationId: string | undefined) {
    let cursor = afterId;
    for (;;) {
      const page = await readEventsAfter(infra.db.manager, { tenantId, afterId: cursor, conversationId, limit: REPLAY_PAGE });
      yield* page;
      if (page.length < REPLAY_PAGE) return;
      cursor = page[page.length - 1]!.id;
    }
  }

  return {
    latestId: (principal: Principal) => latestEventId(infra.db.manager, principal.tenantId),

    /**
     * Streams the caller's tenant events. It listens to the bus before reading the table, so an
     * event committed in between is not lost; ids already sent are skipped.
     */
    async *stream(principal: Principal, query: StreamQuery): AsyncGenerator<BatonEvent> {
      const queue = new EventQueue<BatonEvent>();
      const unsubscribe = infra.bus.subscribe(principal.tenantId, { onEvent: (event) => queue.push(event), onResync: () => queue.push(RESYNC) });
      const sent = new Set<string>();
      let cursor = '0';
      const shouldSend = (event: BatonEvent) => {
        if (sent.has(event.id)) return false;
        if (query.conversationId && event.conversationId !== query.conversationId) return false;
        sent.add(event.id);
        if (sent.size > REMEMBERED_IDS) sent.delete(sent.values().next().value!);
        if (isAfter(event.id, cursor)) cursor = event.id;
        return true;
      };
      try {
        if (query.lastEventId) {
          cursor = query.lastEventId;
          for await (const event of replay(principal.tenantId, query.lastEventId, query.conversationId)) if (shouldSend(event)) yield event;
        } else {
          cursor = await latestEventId(infra.db.manager, principal.tenantId);
        }
        for await (const item of queue.drain(query.signal)) {
          if (item === RESYNC) {
            for await (const event of replay(principal.tenantId, cursor, query.conversationId)) if (shouldSend(event)) yield event;
          } else if (shouldSend(item)) {
            yield item;
          }
        }
      } finally {
        unsubscribe();
      }
    },
  };
}
