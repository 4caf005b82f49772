// Takeovers that race the send (issue 13, item 3): for a share of the conversations, the pending
// reply's due time is read from the database once it is drafted, and `conversations.takeOver` fires
// at a random moment inside the last second before it — alternating between the backend processes.
// The moment is drawn closer to the due time than uniformly (LEAD_SKEW): a takeover commits in
// milliseconds, so only one fired in the last few tens of ms can lose the race to the send's claim,
// and a uniform draw left the outcomes all one way on a quiet machine (0 of 526 after the claim).
import type { DataSource } from 'typeorm';

const WINDOW_MS = 1000;
/** Lead = WINDOW_MS × u^LEAD_SKEW: about 38 % of takeovers fire in the last 20 ms, the rest spread over the second. */
const LEAD_SKEW = 4;
const POLL_MS = 200;

export interface TakeoverTally {
  /** Takeovers sent (answered or not). */
  fired: number;
  /** Fired after the due time or more than a second before it (timer lag, or a draft read too late), by the database clock. */
  outsideLastSecond: number;
  /** Conversations picked whose reply was never seen drafted: no takeover was sent. */
  notFired: number;
}

export interface RacingTakeovers {
  /** Picks the conversation with the configured share; a picked one is watched until its reply is drafted. */
  consider(conversationId: string): void;
  /** Takeovers scheduled or in flight. */
  busy(): number;
  /** Stops watching for drafts (call once `busy()` is 0). */
  stop(): Promise<TakeoverTally>;
}

/** `takeOver(conversationId, processIndex)` sends the request and checks its answer. */
export function raceTakeovers(db: DataSource, share: number, takeOver: (conversationId: string, processIndex: number) => Promise<unknown>): RacingTakeovers {
  const awaitingDraft = new Set<string>();
  const tally: TakeoverTally = { fired: 0, outsideLastSecond: 0, notFired: 0 };
  let busy = 0;
  let stopped = false;

  const schedule = (conversationId: string, dueAt: number) => {
    busy += 1;
    const fireAt = dueAt - WINDOW_MS * Math.random() ** LEAD_SKEW;
    setTimeout(() => {
      const leadMs = dueAt - performance.now();
      if (leadMs <= 0 || leadMs > WINDOW_MS) tally.outsideLastSecond += 1;
      void takeOver(conversationId, tally.fired++).finally(() => (busy -= 1));
    }, fireAt - performance.now());
  };

  /** One look at the watched conversations' replies; the due time is placed on this process's clock. */
  const readDrafts = async () => {
    const ids = [...awaitingDraft];
    if (ids.length === 0) return;
    const askedAt = performance.now();
    const rows: { conversationId: string; dueInMicros: string | number }[] = await db.query(
      `SELECT conversation_id AS conversationId, TIMESTAMPDIFF(MICROSECOND, UTC_TIMESTAMP(6), due_at) AS dueInMicros
       FROM scheduled_replies WHERE conversation_id IN (${ids.map(() => '?').join(',')})`,
      ids,
    );
    // The database read its clock about halfway through the round trip.
    const readAt = (askedAt + performance.now()) / 2;
    for (const row of rows) {
      if (!awaitingDraft.delete(row.conversationId)) continue;
      schedule(row.conversationId, readAt + Number(row.dueInMicros) / 1000);
    }
  };

  // A failed read (the chaos run restarts the database) is tried again at the next poll.
  let failedReads = 0;
  const watch = async () => {
    while (!stopped) {
      await readDrafts().catch((error: unknown) => {
        if (failedReads++ === 0) console.error(`  racing takeovers: reading drafts failed (${(error as Error).message}); trying again`);
      });
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  };
  const watching = watch();

  return {
    consider(conversationId) {
      if (Math.random() < share) awaitingDraft.add(conversationId);
    },
    busy: () => busy,
    async stop() {
      stopped = true;
      await watching;
      tally.notFired = awaitingDraft.size;
      return { ...tally };
    },
  };
}
