// The overlay ports: which tab watches which thread, reading each view and pushing every change to
// exactly the tabs showing that conversation; a thread just left is kept current a while for a reload.
import type { BatonEvent } from '../../shared/events';
import { OVERLAY_PORT_NAME, type ConnectionState, type OverlayPortMessage, type ThreadState } from '../messaging';
import type { ConversationView } from '../overlay/overlay-model';
import { isCredentialRejected, isOffline, OFFLINE_MESSAGE, UNAUTHORIZED_MESSAGE, UNCONFIGURED_MESSAGE } from './action-result';
import type { BackendConnection, CurrentBackend } from './backend-connection';
import { createCoalescedTask, type CoalescedTask } from './coalesced-task';
import { routeEvent } from './event-routing';
import { parseOverlayPortRequest, postToPort, type OverlayPort } from './overlay-port';
import { isOlderView, loadThread, viewThread, type RequestTiming } from './thread-loader';
import { WatchedThreads, type WatchedThread } from './watched-threads';

/** A burst of events for one conversation within this window causes one re-read. */
export const REFRESH_COALESCE_MS = 100;

/**
 * How long a thread stays known (and kept current by its events) after its last tab left: a reload or
 * a quick back-navigation is then answered at once, without a read. Not longer than the stream's own
 * grace period (STREAM_GRACE_MS), which keeps the events flowing meanwhile.
 */
export const KEEP_LEFT_THREAD_MS = 30_000;

/** What the hub needs from the rest of the background. */
export interface OverlayHubDeps {
  backend: BackendConnection;
  /** The event stream's connection state; null before it decided anything. */
  connectionState(): ConnectionState | null;
  /** A read with `backend` was refused (UNAUTHORIZED): the stream decides what it means. */
  onCredentialRejected(backend: CurrentBackend, error: unknown): void;
  /** The number of watched threads changed (the stream runs while it is above 0). */
  onWatchesChanged(count: number): void;
  /** A tab pinged: it is still there (a chance to retry an overdue reconnect). */
  onPing?(): void;
  now?: () => number;
  refreshDelayMs?: number;
  /** Default {@link KEEP_LEFT_THREAD_MS}. */
  keepLeftThreadMs?: number;
  log?: Pick<Console, 'debug'>;
}

/** The hub's controls; see {@link createOverlayHub}. */
export interface OverlayHub {
  /** Takes a port from `runtime.onConnect`; false (and ignored) when it is not an overlay port. */
  acceptPort(port: OverlayPort): boolean;
  /** The connection state changed: tell every port (and blank the views when the credential is gone). */
  connectionChanged(connection: ConnectionState): void;
  /** An event from the stream: re-read what it concerns and tell those tabs `changed`. */
  eventReceived(event: BatonEvent): void;
  /** Re-read every watched thread (the stream (re)connected: something may have been missed). */
  refreshAll(): void;
  /** A mutation answered with a fresh view: push it to that conversation's tabs. */
  applyView(view: ConversationView, timing: RequestTiming): void;
  /** Re-read one conversation soon (after a mutation that answers no view). */
  refreshConversation(conversationId: string): void;
  /** Number of threads some tab watches (kept ones not counted). */
  watchedCount(): number;
}

/**
 * Creates the hub. Per watched thread it keeps the last state and pushes `{type:'thread'}` to
 * every port watching it; re-reads are coalesced (one per thread per {@link REFRESH_COALESCE_MS}
 * burst, at most one in flight). A read that fails while offline keeps the last view. A thread whose
 * last port left is kept {@link KEEP_LEFT_THREAD_MS}, re-read on its events like a watched one, and a
 * new watch of it is answered from it at once (re-read too when the stream is not online).
 *
 * @example
 * const hub = createOverlayHub({ backend, connectionState: stream.connection, ... });
 * browser.runtime.onConnect.addListener((port) => hub.acceptPort(port));
 */
export function createOverlayHub(deps: OverlayHubDeps): OverlayHub {
  const now = deps.now ?? (() => Date.now());
  const refreshDelayMs = deps.refreshDelayMs ?? REFRESH_COALESCE_MS;
  const keepLeftThreadMs = deps.keepLeftThreadMs ?? KEEP_LEFT_THREAD_MS;
  const log = deps.log ?? console;
  const ports = new Set<OverlayPort>();
  const threads = new WatchedThreads();
  const refreshers = new Map<string, CoalescedTask>();
  const evictions = new Map<string, ReturnType<typeof setTimeout>>();

  function send(port: OverlayPort, message: OverlayPortMessage) {
    if (!postToPort(port, message)) forgetPort(port);
  }

  function publish(thread: WatchedThread, state: ThreadState) {
    if (!threads.isCurrent(thread)) return;
    const previous = thread.thread;
    if (state.kind === 'view' && previous?.kind === 'view' && isOlderView(state.view, previous.view)) return;
    threads.remember(thread, state);
    for (const port of [...thread.ports]) send(port, { type: 'thread', ref: thread.ref, thread: state });
  }

  async function refresh(thread: WatchedThread): Promise<void> {
    const backend = await deps.backend.current();
    if (!threads.isCurrent(thread)) return;
    if (!backend) return publish(thread, unavailable(UNCONFIGURED_MESSAGE));
    try {
      publish(thread, await loadThread(backend.client, thread.ref, now));
    } catch (error) {
      if (isCredentialRejected(error)) {
        deps.onCredentialRejected(backend, error);
        return publish(thread, unavailable(UNAUTHORIZED_MESSAGE));
      }
      // Keep showing the last view (the connection state says it may be stale); else say why.
      if (thread.thread?.kind === 'view') return;
      publish(thread, unavailable(isOffline(error) ? OFFLINE_MESSAGE : messageOf(error)));
    }
  }

  function refresherOf(thread: WatchedThread): CoalescedTask {
    let refresher = refreshers.get(thread.key);
    if (!refresher) {
      refresher = createCoalescedTask(() => refresh(thread), refreshDelayMs);
      refreshers.set(thread.key, refresher);
    }
    return refresher;
  }

  /** The last port left `thread`: keep it for a reload, then forget it unless a port came back. */
  function keep(thread: WatchedThread | null) {
    if (!thread) return;
    cancelEviction(thread);
    evictions.set(
      thread.key,
      setTimeout(() => {
        evictions.delete(thread.key);
        if (!threads.forget(thread)) return;
        refreshers.get(thread.key)?.cancel();
        refreshers.delete(thread.key);
      }, keepLeftThreadMs),
    );
  }

  function cancelEviction(thread: WatchedThread) {
    const eviction = evictions.get(thread.key);
    if (eviction !== undefined) clearTimeout(eviction);
    evictions.delete(thread.key);
  }

  function forgetPort(port: OverlayPort) {
    if (!ports.delete(port)) return;
    keep(threads.unwatch(port).left);
    deps.onWatchesChanged(threads.size);
  }

  async function sendInitialConnection(port: OverlayPort) {
    const backend = deps.connectionState() ? null : await deps.backend.current().catch(() => null);
    const connection: ConnectionState = deps.connectionState() ?? (backend ? { state: 'online' } : { state: 'unconfigured', message: UNCONFIGURED_MESSAGE });
    if (ports.has(port)) send(port, { type: 'connection', connection });
  }

  function onPortMessage(port: OverlayPort, message: unknown) {
    if (!ports.has(port)) return;
    const request = parseOverlayPortRequest(message);
    if (!request) {
      log.debug('[baton] ignored an overlay port message that is not a valid request');
      return;
    }
    if (request.type === 'ping') return deps.onPing?.();
    if (request.type === 'unwatch') {
      keep(threads.unwatch(port).left);
      return deps.onWatchesChanged(threads.size);
    }
    const { watched, created, left } = threads.watch(port, request.ref);
    keep(left);
    if (!watched) return;
    cancelEviction(watched);
    if (created) {
      refresherOf(watched).runNow();
    } else if (watched.thread) {
      send(port, { type: 'thread', ref: watched.ref, thread: watched.thread });
      // Not live right now (what we hold may be stale) or what we hold is an error: read it again.
      if (deps.connectionState()?.state !== 'online' || watched.thread.kind === 'unavailable') refresherOf(watched).runNow();
    }
    deps.onWatchesChanged(threads.size);
  }

  return {
    acceptPort(port) {
      if (port.name !== OVERLAY_PORT_NAME) return false;
      ports.add(port);
      port.onMessage.addListener((message) => onPortMessage(port, message));
      port.onDisconnect.addListener(() => forgetPort(port));
      void sendInitialConnection(port);
      return true;
    },

    connectionChanged(connection) {
      for (const port of [...ports]) send(port, { type: 'connection', connection });
      if (connection.state === 'unauthorized' || connection.state === 'unconfigured') {
        for (const thread of threads.all()) publish(thread, unavailable(connection.message));
      }
    },

    eventReceived(event) {
      const route = routeEvent(event, threads.summaries());
      for (const key of route.refresh) {
        const thread = threads.get(key);
        if (thread) refresherOf(thread).request();
      }
      for (const { key, conversationId } of route.changed) {
        const thread = threads.get(key);
        for (const port of thread ? [...thread.ports] : []) send(port, { type: 'changed', conversationId, eventType: event.type });
      }
    },

    refreshAll() {
      for (const thread of threads.all()) refresherOf(thread).request();
    },

    applyView(view, timing) {
      for (const thread of threads.withConversation(view.id)) publish(thread, viewThread(view, timing));
    },

    refreshConversation(conversationId) {
      for (const thread of threads.withConversation(conversationId)) refresherOf(thread).request();
    },

    watchedCount: () => threads.size,
  };
}

function unavailable(message: string): ThreadState {
  return { kind: 'unavailable', message };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
