// Fetches timeline pages through the actions and records them in the store (a late page for another thread is dropped).
import { settleAction, type OverlayActions } from './overlay-actions';
import { knownThread } from './overlay-root';
import type { OverlayStore } from './overlay-store';
import { timelineFailed, timelineFirstPageLoaded, timelineLoading, timelineOlderPageLoaded } from './timeline-state';

/**
 * Loads the newest page for `conversationId` (first open, or after a change) and merges it in.
 *
 * @example void loadNewestTimelinePage(store, actions, view.id);
 */
export async function loadNewestTimelinePage(store: OverlayStore, actions: OverlayActions, conversationId: string): Promise<void> {
  const revision = store.getState().timeline.revision;
  store.updateTimeline((timeline) => timelineLoading(timeline, 'first'));
  const result = await settleAction(() => actions.loadTimeline(null));
  store.updateTimeline((timeline) => {
    if (!stillShowing(store, conversationId)) return { ...timeline, loading: null };
    return result.ok ? timelineFirstPageLoaded(timeline, conversationId, revision, result.value) : timelineFailed(timeline, result.message);
  });
}

/**
 * Loads the entries older than the last shown one ("Load older").
 *
 * @example void loadOlderTimelinePage(store, actions, view.id);
 */
export async function loadOlderTimelinePage(store: OverlayStore, actions: OverlayActions, conversationId: string): Promise<void> {
  const { nextCursor, loading } = store.getState().timeline;
  if (nextCursor === null || loading !== null) return;
  store.updateTimeline((timeline) => timelineLoading(timeline, 'older'));
  const result = await settleAction(() => actions.loadTimeline(nextCursor));
  store.updateTimeline((timeline) => {
    if (!stillShowing(store, conversationId) || timeline.conversationId !== conversationId) return { ...timeline, loading: null };
    return result.ok ? timelineOlderPageLoaded(timeline, result.value) : timelineFailed(timeline, result.message);
  });
}

function stillShowing(store: OverlayStore, conversationId: string): boolean {
  return knownThread(store.getState().thread)?.view.id === conversationId;
}
