// Port events into the overlay store: offline while the port is down, back when the worker answers.
import { describe, expect, it } from 'vitest';
import { createOverlayStore } from '../overlay/overlay-store';
import { PORT_OFFLINE_MESSAGE, portToStore } from './port-to-store';

const DEMO_1 = { connector: 'demo', externalId: 'DEMO-1' };

describe('portToStore', () => {
  it('shows offline (with the retry time) while the port is down', () => {
    const store = createOverlayStore();
    portToStore(store).onDisconnected(new Date('2026-01-05T10:00:00.250Z'));
    expect(store.getState().connection).toEqual({
      state: 'offline',
      message: PORT_OFFLINE_MESSAGE,
      retryAt: '2026-01-05T10:00:00.250Z',
    });
  });

  it('takes the connection state the background sends', () => {
    const store = createOverlayStore();
    const port = portToStore(store);
    port.onDisconnected(new Date());
    port.onMessage({ type: 'connection', connection: { state: 'unauthorized', message: 'Baton refused the key' } });
    port.onMessage({ type: 'thread', ref: DEMO_1, thread: { kind: 'unknown' } });
    expect(store.getState().connection).toEqual({ state: 'unauthorized', message: 'Baton refused the key' });
  });

  it('is online again once the reconnected worker answers about the thread', () => {
    const store = createOverlayStore();
    store.watch(DEMO_1);
    const port = portToStore(store);
    port.onDisconnected(new Date());
    port.onMessage({ type: 'thread', ref: DEMO_1, thread: { kind: 'unavailable', message: 'offline' } });
    expect(store.getState().connection.state).toBe('offline');
    port.onMessage({ type: 'thread', ref: DEMO_1, thread: { kind: 'unknown' } });
    expect(store.getState().connection).toEqual({ state: 'online' });
    expect(store.getState().thread).toEqual({ kind: 'unknown' });
  });
});
