// Which Baton conversation an agent send belongs to, from the overlay store.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ThreadState } from '../messaging';
import type { ConversationView } from '../overlay/overlay-model';
import { createOverlayStore } from '../overlay/overlay-store';
import { trackKnownConversation } from './known-conversation';

const DEMO_1 = { connector: 'demo', externalId: 'DEMO-1' };
const DEMO_2 = { connector: 'demo', externalId: 'DEMO-2' };
const viewOf = (id: string): ThreadState => ({ kind: 'view', view: { id } as ConversationView, serverOffsetMs: 0, receivedAt: 0 });

describe('trackKnownConversation', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('knows the id from the view, keeps it while unavailable, forgets it for unknown or another thread', () => {
    const store = createOverlayStore();
    const known = trackKnownConversation(store);
    store.watch(DEMO_1);
    expect(known.current()).toBeNull();
    store.applyPortMessage({ type: 'thread', ref: DEMO_1, thread: viewOf('conv-1') });
    expect(known.current()).toBe('conv-1');
    store.applyPortMessage({ type: 'thread', ref: DEMO_1, thread: { kind: 'unavailable', message: 'offline' } });
    expect(known.current()).toBe('conv-1');
    store.applyPortMessage({ type: 'thread', ref: DEMO_1, thread: { kind: 'unknown' } });
    expect(known.current()).toBeNull();
    store.applyPortMessage({ type: 'thread', ref: DEMO_1, thread: viewOf('conv-1') });
    store.watch(DEMO_2);
    expect(known.current()).toBeNull();
  });

  it('waits for the first answer about the shown thread', async () => {
    const store = createOverlayStore();
    const known = trackKnownConversation(store);
    store.watch(DEMO_1);
    const answered = known.whenAnswered(10_000);
    store.applyPortMessage({ type: 'thread', ref: DEMO_1, thread: viewOf('conv-1') });
    await expect(answered).resolves.toBe('conv-1');
  });

  it('a send seen before the page showed a thread waits for the first thread and its answer (not "not handled" at once)', async () => {
    const store = createOverlayStore();
    const known = trackKnownConversation(store);
    const early = known.whenAnswered(10_000);
    store.watch(DEMO_1);
    store.applyPortMessage({ type: 'thread', ref: DEMO_1, thread: viewOf('conv-1') });
    await expect(early).resolves.toBe('conv-1');
    const neverShown = trackKnownConversation(createOverlayStore()).whenAnswered(10_000);
    await vi.advanceTimersByTimeAsync(10_000);
    await expect(neverShown).resolves.toBeNull();
  });

  it('answers null when the page moved to another thread meanwhile, or nothing came in time', async () => {
    const store = createOverlayStore();
    const known = trackKnownConversation(store);
    store.watch(DEMO_1);
    const moved = known.whenAnswered(10_000);
    store.watch(DEMO_2);
    await expect(moved).resolves.toBeNull();
    const late = known.whenAnswered(10_000);
    await vi.advanceTimersByTimeAsync(10_000);
    await expect(late).resolves.toBeNull();
  });
});
