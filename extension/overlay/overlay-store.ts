// The one store the three shadow-root UIs render from; the content script feeds it from the overlay port.
import { useSyncExternalStore } from 'react';
import type { ConnectionState, OverlayPortMessage, ThreadState } from '../messaging';
import type { ConversationRef } from './overlay-model';
import { initialTimelineState, timelineChanged, type TimelineState } from './timeline-state';

/** Everything the banners render. Replaced (never mutated) on every change. */
export interface OverlayState {
  /** The backend connection as the background reports it. */
  connection: ConnectionState;
  /** The thread the page shows (null: none yet, or not watched). */
  ref: ConversationRef | null;
  /** What the background knows about `ref` (null: not answered yet). */
  thread: ThreadState | null;
  /** The timeline drawer (opened from the header, shown in the banner stack). */
  timeline: TimelineState;
}

/** A tiny external store for `useSyncExternalStore`, with the transitions the content script needs. */
export interface OverlayStore {
  getState(): OverlayState;
  subscribe(listener: () => void): () => void;
  /** Replaces the state with `recipe(state)`; listeners run only when it returned a new object. */
  update(recipe: (state: OverlayState) => OverlayState): void;
  /** Replaces the timeline state with `recipe(timeline)` (nothing happens when it returned the same object). */
  updateTimeline(recipe: (timeline: TimelineState) => TimelineState): void;
  /** The page now shows `ref` (null: no thread): clears the old thread's data and timeline. */
  watch(ref: ConversationRef | null): void;
  /** Applies a message from the overlay port (a `thread` for another ref than the watched one is ignored). */
  applyPortMessage(message: OverlayPortMessage): void;
}

/** The state before the background has answered: assume online so nothing flashes "offline". */
export const initialOverlayState: OverlayState = {
  connection: { state: 'online' },
  ref: null,
  thread: null,
  timeline: initialTimelineState,
};

/**
 * Creates the store shared by `HeaderControls`, `BannerStack` and `ScheduledReplyBanner`.
 *
 * @example
 * const store = createOverlayStore();
 * store.watch({ connector: 'demo', externalId: 'DEMO-1' });
 * port.onMessage.addListener((message) => store.applyPortMessage(message));
 */
export function createOverlayStore(initial: OverlayState = initialOverlayState): OverlayStore {
  let state = initial;
  const listeners = new Set<() => void>();

  const update = (recipe: (state: OverlayState) => OverlayState) => {
    const next = recipe(state);
    if (next === state) return;
    state = next;
    for (const listener of [...listeners]) listener();
  };

  return {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    update,
    updateTimeline(recipe) {
      update((current) => {
        const timeline = recipe(current.timeline);
        return timeline === current.timeline ? current : { ...current, timeline };
      });
    },
    watch(ref) {
      update((current) => (sameRef(current.ref, ref) ? current : watching(current, ref)));
    },
    applyPortMessage(message) {
      update((current) => applyPortMessage(current, message));
    },
  };
}

/**
 * The store's state in a component; re-renders on every change.
 *
 * @example const { connection, thread } = useOverlayState(store);
 */
export function useOverlayState(store: OverlayStore): OverlayState {
  return useSyncExternalStore(store.subscribe, store.getState, store.getState);
}

/** The state after one port message (pure). */
export function applyPortMessage(state: OverlayState, message: OverlayPortMessage): OverlayState {
  switch (message.type) {
    case 'connection':
      return { ...state, connection: message.connection };
    case 'thread':
      if (state.ref !== null && !sameRef(state.ref, message.ref)) return state; // a late answer for the previous thread
      return { ...state, ref: message.ref, thread: message.thread };
    case 'changed':
      if (state.thread?.kind !== 'view' || state.thread.view.id !== message.conversationId) return state;
      return { ...state, timeline: timelineChanged(state.timeline) };
  }
}

function watching(state: OverlayState, ref: ConversationRef | null): OverlayState {
  // The drawer stays open across threads (helpdesk habit); its entries belong to the old one.
  return { ...state, ref, thread: null, timeline: { ...initialTimelineState, open: state.timeline.open && ref !== null } };
}

function sameRef(a: ConversationRef | null, b: ConversationRef | null): boolean {
  return a?.connector === b?.connector && a?.externalId === b?.externalId;
}
