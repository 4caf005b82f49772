// Timeline drawer state: when to load, how newest and older pages merge, focus hand-over.
import { describe, expect, it } from 'vitest';
import type { TimelineEntry } from './overlay-model';
import {
  initialTimelineState,
  timelineChanged,
  timelineFirstPageLoaded,
  timelineFocusTaken,
  timelineLoading,
  timelineNeedsFirstPage,
  timelineOlderPageLoaded,
  timelineOpened,
  type TimelineState,
} from './timeline-state';

function entry(id: string): TimelineEntry {
  return { id, kind: 'event', at: '2025-01-15T20:00:00Z', actor: { kind: 'system', name: 'System' }, text: id, eventType: 'x', channel: null };
}
const page = (ids: string[], nextCursor: string | null = null) => ({ entries: ids.map(entry), nextCursor, timeZone: 'America/Chicago' });
const ids = (state: TimelineState) => state.entries.map((e) => e.id);
const open = timelineOpened(initialTimelineState, true);

describe('timelineNeedsFirstPage', () => {
  const loaded = timelineFirstPageLoaded(open, 'conv-1', 0, page(['e:3']));
  it.each<[string, TimelineState, boolean]>([
    ['closed', initialTimelineState, false],
    ['open, nothing loaded', open, true],
    ['loaded and current', loaded, false],
    ['a change arrived since', timelineChanged(loaded), true],
    ['already loading', timelineLoading(timelineChanged(loaded), 'first'), false],
    ['loaded for another conversation', timelineFirstPageLoaded(open, 'conv-2', 0, page([])), true],
  ])('%s → %s', (_case, state, expected) => {
    expect(timelineNeedsFirstPage(state, 'conv-1')).toBe(expected);
  });
});

it('merges a newer first page in front of the pages already shown, keeping their cursor', () => {
  const first = timelineFirstPageLoaded(open, 'conv-1', 0, page(['e:3', 'e:2'], 'c1'));
  const older = timelineOlderPageLoaded(first, page(['e:2', 'e:1'], 'c2'));
  expect(ids(older)).toEqual(['e:3', 'e:2', 'e:1']);
  const newer = timelineFirstPageLoaded(older, 'conv-1', 1, page(['e:4', 'e:3'], 'c9'));
  expect(ids(newer)).toEqual(['e:4', 'e:3', 'e:2', 'e:1']);
  expect(newer.nextCursor).toBe('c2');
  expect(newer.loadedRevision).toBe(1);
});

it('replaces the entries when the newest page does not overlap them (or is another conversation)', () => {
  const first = timelineFirstPageLoaded(open, 'conv-1', 0, page(['e:3'], 'c1'));
  expect(ids(timelineFirstPageLoaded(first, 'conv-1', 1, page(['e:9', 'e:8'], 'c7')))).toEqual(['e:9', 'e:8']);
  expect(ids(timelineFirstPageLoaded(first, 'conv-2', 0, page(['e:3'])))).toEqual(['e:3']);
});

it('sends focus to the drawer on open and back to the toggle on close', () => {
  expect(open.focus).toBe('drawer');
  const closed = timelineOpened(timelineFocusTaken(open), false);
  expect(closed.focus).toBe('toggle');
  const taken = timelineFocusTaken(closed);
  expect(taken.focus).toBeNull();
  expect(timelineFocusTaken(taken)).toBe(taken); // nothing to take: the same object, no re-render
});
