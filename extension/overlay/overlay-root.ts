// What each of the three shadow-root components takes, and the view they read from the store.
import type { ThreadState } from '../messaging';
import type { OverlayActions } from './overlay-actions';
import type { OverlayStore } from './overlay-store';
import type { Clock } from './use-server-now';

/** Props of `HeaderControls`, `BannerStack` and `ScheduledReplyBanner`. */
export interface OverlayRootProps {
  /** The store shared by the three UIs (the content script feeds it). */
  store: OverlayStore;
  /** The actions on the watched conversation. */
  actions: OverlayActions;
  /** The local clock (default `Date.now`); tests pass a fixed one. */
  clock?: Clock;
}

/** The thread's view when Baton knows it. */
export type KnownThread = Extract<ThreadState, { kind: 'view' }>;

/** The known thread, or null (unknown, unavailable, not loaded). */
export function knownThread(thread: ThreadState | null): KnownThread | null {
  return thread?.kind === 'view' ? thread : null;
}
