// The content script's end of the overlay port: watch/unwatch the shown thread, keep-alive pings, reconnect after the worker stopped.
import type { OverlayPortMessage, OverlayPortRequest } from '../messaging';
import type { ConversationRef } from '../overlay/overlay-model';

/** The part of `browser.runtime.Port` the client uses (tests pass a fake). */
export interface OverlayPort {
  postMessage(message: OverlayPortRequest): void;
  disconnect(): void;
  onMessage: { addListener(listener: (message: unknown) => void): void };
  onDisconnect: { addListener(listener: () => void): void };
}

export interface OverlayPortClientOptions {
  /** Opens a port to the background: `() => browser.runtime.connect({ name: OVERLAY_PORT_NAME })`. */
  connect: () => OverlayPort;
  /** Every message the background sends (the store applies them). */
  onMessage: (message: OverlayPortMessage) => void;
  /** The port closed while a thread is watched (worker stopped or reloaded); reconnecting at `retryAt`. */
  onDisconnected: (retryAt: Date) => void;
  /** The extension was reloaded or removed under this page (`ctx.isInvalid`): give up for good. */
  isInvalid: () => boolean;
  /** Aborting closes the port and stops every timer (pass `ctx.signal`). */
  signal: AbortSignal;
  /** While a thread is watched, a ping this often keeps the MV3 worker awake (default 20 s, toolchain.md). */
  pingIntervalMs?: number;
  /** Waits before reconnect attempt 1, 2, …; the last one repeats (default 250 ms doubling to 30 s). */
  reconnectDelaysMs?: readonly number[];
  now?: () => number;
  /** The page's address, sent with each `watch` as it was when that thread was asked for (`() => location.href`). */
  pageUrl?: () => string;
}

/** The client: say which thread the page shows. */
export interface OverlayPortClient {
  /** Asks the background for `ref` (now, and again after every reconnect). */
  watch(ref: ConversationRef): void;
  /** The page shows no thread any more. */
  unwatch(): void;
}

const DEFAULT_RECONNECT_DELAYS_MS = [250, 500, 1_000, 2_000, 5_000, 10_000, 30_000] as const;

/**
 * Connects lazily on the first `watch`. When the port disconnects while a thread is watched (Chrome
 * stopped the idle worker, or it was updated), reconnects after a growing delay and re-sends `watch`:
 * connecting is what starts a stopped worker again, and its answer makes the banner right again. The
 * delay resets once the new port delivers a message. Nothing is retried once the extension context
 * is invalid.
 *
 * @example
 * const port = createOverlayPortClient({
 *   connect: () => browser.runtime.connect({ name: OVERLAY_PORT_NAME }),
 *   onMessage: (message) => store.applyPortMessage(message),
 *   onDisconnected: (retryAt) => store.applyPortMessage(offlineMessage(retryAt)),
 *   isInvalid: () => ctx.isInvalid, signal: ctx.signal,
 * });
 * port.watch({ connector: 'demo', externalId: 'DEMO-1' });
 */
export function createOverlayPortClient(options: OverlayPortClientOptions): OverlayPortClient {
  const { signal } = options;
  const pingIntervalMs = options.pingIntervalMs ?? 20_000;
  const reconnectDelaysMs = options.reconnectDelaysMs ?? DEFAULT_RECONNECT_DELAYS_MS;
  const now = options.now ?? (() => Date.now());

  let port: OverlayPort | null = null;
  let watched: ConversationRef | null = null;
  /** The page's address when `watched` was asked for (a reconnect re-sends it, not where the page is now). */
  let watchedPageUrl: string | undefined;
  let failedAttempts = 0;
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  let pingTimer: ReturnType<typeof setInterval> | null = null;

  const stopped = () => signal.aborted || options.isInvalid();

  function open(): OverlayPort | null {
    if (port) return port;
    let opened: OverlayPort;
    try {
      opened = options.connect();
    } catch {
      // `runtime.connect` throws once the extension context is gone; otherwise try again later.
      if (!stopped()) scheduleReconnect();
      return null;
    }
    port = opened;
    opened.onMessage.addListener((message) => {
      if (port !== opened || !isPortMessage(message)) return;
      failedAttempts = 0; // the worker answers: the next disconnect starts from the short delay again
      options.onMessage(message);
    });
    opened.onDisconnect.addListener(() => {
      if (port !== opened) return;
      port = null;
      stopPinging();
      if (watched && !stopped()) scheduleReconnect();
    });
    return opened;
  }

  function post(message: OverlayPortRequest): void {
    const target = port ?? open();
    if (!target) return;
    try {
      target.postMessage(message);
    } catch {
      // Posting on a port the browser already closed throws; its onDisconnect brings us back.
      if (port === target) {
        port = null;
        stopPinging();
        if (watched && !stopped()) scheduleReconnect();
      }
    }
  }

  function scheduleReconnect(): void {
    if (reconnectTimer !== null) return;
    const delay = reconnectDelaysMs[Math.min(failedAttempts, reconnectDelaysMs.length - 1)] ?? 1_000;
    failedAttempts += 1;
    options.onDisconnected(new Date(now() + delay));
    reconnectTimer = setTimeout(() => {
      reconnectTimer = null;
      if (stopped() || !watched) return;
      post(watchRequest(watched, watchedPageUrl));
      if (port) startPinging();
    }, delay);
  }

  function startPinging(): void {
    if (pingTimer !== null) return;
    pingTimer = setInterval(() => {
      if (stopped()) return stopPinging();
      if (watched && port) post({ type: 'ping' });
    }, pingIntervalMs);
  }

  function stopPinging(): void {
    if (pingTimer !== null) clearInterval(pingTimer);
    pingTimer = null;
  }

  signal.addEventListener(
    'abort',
    () => {
      watched = null;
      stopPinging();
      if (reconnectTimer !== null) clearTimeout(reconnectTimer);
      reconnectTimer = null;
      const closing = port;
      port = null;
      try {
        closing?.disconnect();
      } catch {
        // already closed
      }
    },
    { once: true },
  );

  return {
    watch(ref) {
      if (stopped()) return;
      watched = ref;
      watchedPageUrl = options.pageUrl?.();
      // While a reconnect is pending, its `watch` will carry the new ref.
      if (reconnectTimer !== null) return;
      post(watchRequest(ref, watchedPageUrl));
      if (port) startPinging();
    },
    unwatch() {
      if (!watched) return;
      watched = null;
      stopPinging();
      if (reconnectTimer !== null) clearTimeout(reconnectTimer);
      reconnectTimer = null;
      // The port stays open for the next thread; if the worker stops meanwhile we do not reconnect.
      if (port && !stopped()) post({ type: 'unwatch' });
    },
  };
}

/** A `watch` request, with the page's address when known. */
function watchRequest(ref: ConversationRef, pageUrl: string | undefined): OverlayPortRequest {
  return pageUrl === undefined ? { type: 'watch', ref } : { type: 'watch', ref, pageUrl };
}

const PORT_MESSAGE_TYPES = new Set<string>(['thread', 'connection', 'changed']);

/** A message shaped like an {@link OverlayPortMessage} (the background is ours, but a bad one must not throw here). */
function isPortMessage(message: unknown): message is OverlayPortMessage {
  return typeof message === 'object' && message !== null && PORT_MESSAGE_TYPES.has((message as { type?: unknown }).type as string);
}
