// Test stand-in for a content script's overlay port (the fake browser has no runtime.connect).
import { OVERLAY_PORT_NAME, type OverlayPortMessage } from '../../messaging';
import type { OverlayPort } from '../overlay-port';

/** The background's end of a port, plus the content script's controls. */
export interface FakePort extends OverlayPort {
  /** Everything the background posted, in order. */
  received: OverlayPortMessage[];
  /** The content script sends a message (any value: the background must validate it). */
  send(message: unknown): void;
  /** The content script goes away (tab closed, navigated, script reloaded). */
  close(): void;
  /** Messages of one type. */
  receivedOf<T extends OverlayPortMessage['type']>(type: T): Extract<OverlayPortMessage, { type: T }>[];
}

/**
 * Creates a port as `runtime.onConnect` would hand it to the background.
 *
 * @example
 * const port = createFakePort();
 * background.acceptPort(port);
 * port.send({ type: 'watch', ref: { connector: 'demo', externalId: 'DEMO-1' } });
 */
export function createFakePort(name = OVERLAY_PORT_NAME): FakePort {
  const messageListeners: ((message: unknown) => void)[] = [];
  const disconnectListeners: (() => void)[] = [];
  let open = true;
  const port: FakePort = {
    name,
    received: [],
    postMessage: (message) => {
      if (!open) throw new Error('Attempting to use a disconnected port object');
      port.received.push(structuredClone(message) as OverlayPortMessage);
    },
    onMessage: { addListener: (listener) => void messageListeners.push(listener) },
    onDisconnect: { addListener: (listener) => void disconnectListeners.push(listener) },
    send: (message) => {
      for (const listener of messageListeners) listener(structuredClone(message));
    },
    close: () => {
      open = false;
      for (const listener of disconnectListeners) listener();
    },
    receivedOf: (type) => port.received.filter((message): message is Extract<OverlayPortMessage, { type: typeof type }> => message.type === type),
  };
  return port;
}
