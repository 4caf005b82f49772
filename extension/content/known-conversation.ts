// Which Baton conversation the shown thread is, as far as the store knows (for reporting agent sends).
import type { OverlayStore } from '../overlay/overlay-store';
import { sameRef } from './thread-watcher';
import type { ConversationRef } from '../overlay/overlay-model';

/** Baton's id for the shown thread, kept across a spell offline. */
export interface KnownConversation {
  /** The id of the thread shown now; null when Baton does not handle it (or has not said yet). */
  current(): string | null;
  /**
   * Like {@link current}, but first waits (up to `timeoutMs`) for the background's first answer about
   * the shown thread — or, when the page shows no thread yet (a send seen before the page was read),
   * about the first thread it shows. Null when the page moved to another thread meanwhile.
   */
  whenAnswered(timeoutMs: number): Promise<string | null>;
  stop(): void;
}

/**
 * Follows the store: the id comes from a `view`; it is kept while the thread is `unavailable` (the
 * backend is unreachable, so a send made then can still be reported when it is back); a new thread or
 * an `unknown` answer forgets it.
 *
 * @example
 * const known = trackKnownConversation(store);
 * const conversationId = await known.whenAnswered(10_000);
 */
export function trackKnownConversation(store: OverlayStore): KnownConversation {
  let ref: ConversationRef | null = null;
  let conversationId: string | null = null;

  const follow = () => {
    const state = store.getState();
    if (!sameRef(state.ref, ref)) {
      ref = state.ref;
      conversationId = null;
    }
    if (state.thread?.kind === 'view') conversationId = state.thread.view.id;
    else if (state.thread?.kind === 'unknown') conversationId = null;
  };
  follow();
  const unsubscribe = store.subscribe(follow);

  return {
    current: () => conversationId,
    whenAnswered(timeoutMs) {
      let asked = store.getState().ref;
      if (asked !== null && store.getState().thread !== null) return Promise.resolve(conversationId);
      return new Promise((resolve) => {
        const finish = () => {
          clearTimeout(timer);
          stopListening();
          resolve(asked !== null && sameRef(store.getState().ref, asked) ? conversationId : null);
        };
        const stopListening = store.subscribe(() => {
          const state = store.getState();
          // No thread when asked: the first one the page shows is the one the send was made in.
          if (asked === null) asked = state.ref;
          if ((asked !== null && state.thread !== null) || !sameRef(state.ref, asked)) finish();
        });
        const timer = setTimeout(finish, timeoutMs);
      });
    },
    stop: () => {
      unsubscribe();
    },
  };
}
