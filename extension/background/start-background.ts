// Composition root of the background worker: backend connection, event stream, overlay ports, messages.
import { browser } from 'wxt/browser';
import { handleMessages } from '../messaging';
import { UNCONFIGURED_MESSAGE } from './action-result';
import type { BackendConfig } from './backend-config';
import { createBackendConnection } from './backend-connection';
import type { BatonClient } from './baton-client';
import { createEventStream, type EventStream } from './event-stream';
import { startConfiguredHelpdesks, type ConfiguredHelpdesks } from './configured-helpdesks';
import { createBackgroundHandlers } from './message-handlers';
import { loadNotificationsMuted } from './notification-preferences';
import { createNotificationCenter, type NotificationCenter } from './notifications';
import { createOptionsHandlers } from './options-handlers';
import { createOverlayActionHandlers } from './overlay-actions';
import { createOverlayHub, type OverlayHub } from './overlay-hub';
import { createPopupHandlers } from './popup-handlers';
import type { OverlayPort } from './overlay-port';
import { createStreamLifetime } from './stream-lifetime';
import { createWakeAlarm, type AlarmsApi } from './wake-alarm';

/** Everything from the outside world; tests replace the transport, ports, clock and timings. */
export interface BackgroundOptions {
  /** Builds the tRPC client for a configuration (default: HTTP + SSE, baton-client.ts). */
  createClient?: (config: BackendConfig) => BatonClient;
  /** For the `/healthz` probe of `backend.status`. */
  fetch?: typeof globalThis.fetch;
  alarms?: AlarmsApi;
  /** Hands each connecting port to `accept` (default: `browser.runtime.onConnect`). */
  listenForPorts?: (accept: (port: OverlayPort) => void) => void;
  random?: () => number;
  now?: () => number;
  log?: Pick<Console, 'warn' | 'info' | 'debug'>;
  graceMs?: number;
  refreshDelayMs?: number;
}

/** The running background, for tests and the entrypoint. */
export interface RunningBackground {
  hub: OverlayHub;
  stream: EventStream;
  /** Takes an overlay port (what `runtime.onConnect` does). */
  acceptPort(port: OverlayPort): boolean;
  /** Unregisters everything and closes the stream. */
  stop(): Promise<void>;
}

/**
 * Wires the background. Registers every listener synchronously, as MV3 requires for the event
 * that woke the worker to be delivered.
 *
 * @example
 * export default defineBackground(() => void startBackground());
 */
export function startBackground(options: BackgroundOptions = {}): RunningBackground {
  const log = options.log ?? console;
  const backend = createBackendConnection({ createClient: options.createClient });
  let hub: OverlayHub | null = null;
  let notices: NotificationCenter | null = null;
  let helpdesks: ConfiguredHelpdesks | null = null;
  const stream = createEventStream({
    backend,
    onEvent: (event) => {
      hub?.eventReceived(event);
      notices?.eventReceived(event);
      helpdesks?.eventReceived(event);
    },
    onConnected: () => {
      hub?.refreshAll();
      notices?.streamConnected();
    },
    onConnectionChange: (connection) => hub?.connectionChanged(connection),
    random: options.random,
    now: options.now,
    log,
  });
  const alarm = createWakeAlarm(options.alarms);
  const lifetime = createStreamLifetime({ stream, alarm, graceMs: options.graceMs });
  const overlayHub = createOverlayHub({
    backend,
    connectionState: stream.connection,
    onCredentialRejected: stream.noteCredentialRejected,
    onWatchesChanged: lifetime.watchesChanged,
    onPing: stream.wake,
    now: options.now,
    refreshDelayMs: options.refreshDelayMs,
    log,
  });
  hub = overlayHub;
  // Browser notifications and the badge (its click and alarm listeners are registered here, synchronously).
  const notificationCenter = createNotificationCenter({ backend, hub: overlayHub, alarms: options.alarms, onCredentialRejected: stream.noteCredentialRejected, log });
  notices = notificationCenter;

  const stopFollowingConfig = backend.onChange(() => {
    stream.restart();
    notificationCenter.checkNow();
    configuredHelpdesks.configChanged();
    if (stream.isRunning()) return; // the new stream reports its own state and re-reads every view
    void backend.current().then((current) =>
      overlayHub.connectionChanged(current ? { state: 'online' } : { state: 'unconfigured', message: UNCONFIGURED_MESSAGE }),
    );
  });

  const overlayActions = createOverlayActionHandlers({ backend, hub: overlayHub, onCredentialRejected: stream.noteCredentialRejected, now: options.now });
  const optionsHandlers = createOptionsHandlers({ backend, createClient: options.createClient, onCredentialRejected: stream.noteCredentialRejected });
  const popupHandlers = createPopupHandlers({
    backend,
    hub: overlayHub,
    connectionState: stream.connection,
    notificationsMuted: loadNotificationsMuted,
    onCredentialRejected: stream.noteCredentialRejected,
    now: options.now,
  });
  // Helpdesks an admin configured: content scripts registered on granted origins (registered synchronously, like every listener).
  const configuredHelpdesks = startConfiguredHelpdesks({ backend });
  helpdesks = configuredHelpdesks;
  const handlers = createBackgroundHandlers({ fetch: options.fetch, overlayActions, optionsHandlers, popupHandlers, helpdeskHandlers: configuredHelpdesks.handlers });
  const stopHandlingMessages = handleMessages(handlers);
  const stopWaking = alarm.onWake(() => lifetime.alarmFired());
  const acceptPort = (port: OverlayPort) => overlayHub.acceptPort(port);
  (options.listenForPorts ?? listenOnRuntimeConnect)(acceptPort);
  notificationCenter.checkNow();

  return {
    hub: overlayHub,
    stream,
    acceptPort,
    async stop() {
      stopFollowingConfig();
      stopHandlingMessages();
      stopWaking();
      notificationCenter.stop();
      configuredHelpdesks.stop();
      backend.dispose();
      await stream.stop();
    },
  };
}

function listenOnRuntimeConnect(accept: (port: OverlayPort) => void) {
  browser.runtime.onConnect.addListener((port) => accept(port));
}
