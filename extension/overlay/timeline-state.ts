// The timeline drawer's state and its pure transitions: open/close, pages loaded, staleness after a change.
import type { TimelineEntry, TimelinePage } from './overlay-model';

/** What the drawer shows and whether it must (re)load. */
export interface TimelineState {
  open: boolean;
  /** Whose entries `entries` are (null: nothing loaded). */
  conversationId: string | null;
  /** Newest first. */
  entries: TimelineEntry[];
  /** Cursor for older entries; null: nothing older (or nothing loaded). */
  nextCursor: string | null;
  /** The tenant zone the page came with. */
  timeZone: string | null;
  /** A load in flight: the newest page (`first`) or older entries (`older`). */
  loading: 'first' | 'older' | null;
  /** The last load's error, written for the agent. */
  error: string | null;
  /** Bumped on every change the background reports for the conversation. */
  revision: number;
  /** The `revision` the newest page reflects (null: not loaded): behind `revision` means reload. */
  loadedRevision: number | null;
  /**
   * Where keyboard focus should go after the agent opened or closed the drawer (the toggle and the
   * drawer live in different shadow roots): the drawer's heading, back to the toggle, or nowhere.
   */
  focus: 'drawer' | 'toggle' | null;
}

/** A closed, empty drawer. */
export const initialTimelineState: TimelineState = {
  open: false,
  conversationId: null,
  entries: [],
  nextCursor: null,
  timeZone: null,
  loading: null,
  error: null,
  revision: 0,
  loadedRevision: null,
  focus: null,
};

/** Whether an open drawer showing `conversationId` should fetch its newest page now. */
export function timelineNeedsFirstPage(timeline: TimelineState, conversationId: string): boolean {
  if (!timeline.open || timeline.loading !== null || timeline.error !== null) return false;
  return timeline.conversationId !== conversationId || timeline.loadedRevision !== timeline.revision;
}

/** The conversation changed (an event arrived): an open drawer refetches its newest page. */
export function timelineChanged(timeline: TimelineState): TimelineState {
  return { ...timeline, revision: timeline.revision + 1 };
}

/** A load started. */
export function timelineLoading(timeline: TimelineState, which: 'first' | 'older'): TimelineState {
  return { ...timeline, loading: which, error: null };
}

/** A load failed: the drawer shows `message` and a retry. */
export function timelineFailed(timeline: TimelineState, message: string): TimelineState {
  return { ...timeline, loading: null, error: message };
}

/** The retry button: clear the error so the newest page loads again. */
export function timelineRetry(timeline: TimelineState): TimelineState {
  return { ...timeline, error: null };
}

/**
 * The newest page arrived. For the same conversation it is merged in front of what is shown (so
 * older pages the agent paged through stay, and their cursor with them) when it overlaps them;
 * otherwise it replaces them.
 *
 * @param revision the `revision` when the load started (a change meanwhile triggers another load)
 */
export function timelineFirstPageLoaded(
  timeline: TimelineState,
  conversationId: string,
  revision: number,
  page: TimelinePage,
): TimelineState {
  const loaded = { ...timeline, loading: null, error: null, loadedRevision: revision, timeZone: page.timeZone, conversationId };
  const sameConversation = timeline.conversationId === conversationId && timeline.entries.length > 0;
  const pageIds = new Set(page.entries.map((entry) => entry.id));
  const overlaps = sameConversation && timeline.entries.some((entry) => pageIds.has(entry.id));
  if (!overlaps) return { ...loaded, entries: page.entries, nextCursor: page.nextCursor };
  const older = timeline.entries.filter((entry) => !pageIds.has(entry.id));
  return { ...loaded, entries: [...page.entries, ...older], nextCursor: timeline.nextCursor };
}

/** An older page arrived: appended (duplicates dropped), its cursor kept for the next "Load older". */
export function timelineOlderPageLoaded(timeline: TimelineState, page: TimelinePage): TimelineState {
  const shown = new Set(timeline.entries.map((entry) => entry.id));
  const older = page.entries.filter((entry) => !shown.has(entry.id));
  return { ...timeline, loading: null, error: null, entries: [...timeline.entries, ...older], nextCursor: page.nextCursor };
}

/** The agent opened or closed the drawer (toggles without `open`); focus follows. */
export function timelineOpened(timeline: TimelineState, open = !timeline.open): TimelineState {
  return open === timeline.open ? timeline : { ...timeline, open, focus: open ? 'drawer' : 'toggle' };
}

/** The component that `focus` pointed at took the focus. */
export function timelineFocusTaken(timeline: TimelineState): TimelineState {
  return timeline.focus === null ? timeline : { ...timeline, focus: null };
}
