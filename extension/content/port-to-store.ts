// Overlay port events as overlay-store updates: the connection is `offline` while the port to the background is down.
import type { ConnectionState, OverlayPortMessage } from '../messaging';
import type { OverlayStore } from '../overlay/overlay-store';

/** What the banner stack says while the background cannot be reached (issue 9, "Bad input"). */
export const PORT_OFFLINE_MESSAGE = 'Baton offline — reconnecting';

/**
 * Port events as store updates. While the port is down the connection is `offline`; once a new port
 * delivers an answer about the thread, a background that sent no `connection` state of its own is
 * taken as reachable again (it answered, so the worker is back).
 *
 * @example
 * createOverlayPortClient({ connect, ...portToStore(store), isInvalid, signal });
 */
export function portToStore(store: OverlayStore): {
  onMessage: (message: OverlayPortMessage) => void;
  onDisconnected: (retryAt: Date) => void;
} {
  let offlineSinceDisconnect = false;
  return {
    onMessage(message) {
      store.applyPortMessage(message);
      if (message.type === 'connection') offlineSinceDisconnect = false;
      else if (offlineSinceDisconnect && message.type === 'thread' && message.thread.kind !== 'unavailable') {
        offlineSinceDisconnect = false;
        store.applyPortMessage({ type: 'connection', connection: { state: 'online' } });
      }
    },
    onDisconnected(retryAt) {
      offlineSinceDisconnect = true;
      const connection: ConnectionState = { state: 'offline', message: PORT_OFFLINE_MESSAGE, retryAt: retryAt.toISOString() };
      store.applyPortMessage({ type: 'connection', connection });
    },
  };
}
