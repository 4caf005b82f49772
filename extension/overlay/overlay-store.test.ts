// The shared store: port messages, thread switches, change notifications.
import { describe, expect, it, vi } from 'vitest';
import { createOverlayStore } from './overlay-store';
import { makeView, viewThread } from './test-fixtures';
import { timelineOpened } from './timeline-state';

const ref = { connector: 'demo', externalId: 'DEMO-1' };
const otherRef = { connector: 'demo', externalId: 'DEMO-2' };

describe('overlay store', () => {
  it('notifies subscribers on a change, not on a no-op, and stops after unsubscribe', () => {
    const store = createOverlayStore();
    const listener = vi.fn();
    const unsubscribe = store.subscribe(listener);
    store.applyPortMessage({ type: 'connection', connection: { state: 'offline', message: 'down', retryAt: null } });
    expect(store.getState().connection.state).toBe('offline');
    store.updateTimeline((timeline) => timeline);
    store.watch(null); // already watching nothing
    expect(listener).toHaveBeenCalledTimes(1);
    unsubscribe();
    store.applyPortMessage({ type: 'connection', connection: { state: 'online' } });
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('takes the thread for the watched ref and ignores a late answer for the previous one', () => {
    const store = createOverlayStore();
    store.watch(ref);
    store.applyPortMessage({ type: 'thread', ref: otherRef, thread: { kind: 'unknown' } });
    expect(store.getState().thread).toBeNull();
    store.applyPortMessage({ type: 'thread', ref, thread: viewThread(makeView()) });
    expect(store.getState().thread?.kind).toBe('view');
  });

  it('clears the old thread and its timeline entries on a new ref, keeping the drawer open', () => {
    const store = createOverlayStore();
    store.watch(ref);
    store.applyPortMessage({ type: 'thread', ref, thread: viewThread(makeView()) });
    store.updateTimeline((timeline) => ({ ...timelineOpened(timeline, true), conversationId: 'conv-1' }));
    store.watch(otherRef);
    const { thread, timeline } = store.getState();
    expect(thread).toBeNull();
    expect(timeline.open).toBe(true);
    expect(timeline.conversationId).toBeNull();
  });

  it('marks the timeline stale on a change of the shown conversation only', () => {
    const store = createOverlayStore();
    store.watch(ref);
    store.applyPortMessage({ type: 'thread', ref, thread: viewThread(makeView()) });
    store.applyPortMessage({ type: 'changed', conversationId: 'conv-other', eventType: 'takeover.started' });
    expect(store.getState().timeline.revision).toBe(0);
    store.applyPortMessage({ type: 'changed', conversationId: 'conv-1', eventType: 'takeover.started' });
    expect(store.getState().timeline.revision).toBe(1);
  });
});
