// The overlay ports: which tab watches which thread, reading each view and pushing every change to
// exactly the tabs showing that conversation; a thread just left is kept current a while for a reload.
// It also answers which tab shows what (popup, notifications) and records a thread's helpdesk URL once
// (from the page address its `watch` carried).
import type { BatonEvent } from '../../shared/events';
import { OVERLAY_PORT_NAME, type ConnectionState, type OverlayPortMessage, type ThreadState } from '../messaging';
import type { ConversationRef, ConversationView } from '../overlay/overlay-model';
import { isCredentialRejected, isOffline, OFFLINE_MESSAGE, UNAUTHORIZED_MESSAGE, UNCONFIGURED_MESSAGE } from './action-result';
import type { BackendConnection, CurrentBackend } from './backend-connection';
import { createCoalescedTask, type CoalescedTask } from './coalesced-task';
import { routeEvent } from './event-routing';
import { isWebAddress } from './open-conversation';
import { parseOverlayPortRequest, postToPort, refKey, type OverlayPort } from './overlay-port';
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

/** Who opened a port: `runtime.Port.sender` (the tab, and the page the content script runs in). */
export interface PortSender {
  tab?: { id?: number; windowId?: number };
  url?: string;
}

/** An overlay port as `runtime.onConnect` hands it over: with its sender (absent in some tests). */
export type OverlayPortWithSender = OverlayPort & { readonly sender?: PortSender };

/** A tab whose content script shows a thread. */
export interface ShowingTab {
  tabId: number;
  /** Null: the sender did not say. */
  windowId: number | null;
}

/** What the hub knows of the thread a tab shows (for the popup). */
export interface TabThread {
  ref: ConversationRef;
  /** Null: the first read has not answered yet. */
  thread: ThreadState | null;
}

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
  log?: Pick<Console, 'debug'> & Partial<Pick<Console, 'warn'>>;
}

/** The hub's controls; see {@link createOverlayHub}. */
export interface OverlayHub {
  /** Takes a port from `runtime.onConnect`; false (and ignored) when it is not an overlay port. */
  acceptPort(port: OverlayPortWithSender): boolean;
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
  /**
   * The tabs whose content script shows this conversation (by id, or by helpdesk reference when the
   * id is not known yet), the most recently opened first.
   */
  tabsShowing(conversationId: string | null, ref?: ConversationRef | null): ShowingTab[];
  /** The thread the tab's content script watches, or null when it watches none. */
  threadForTab(tabId: number): TabThread | null;
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
  const senders = new Map<OverlayPort, PortSender>();
  /** The page address each port's last `watch` carried: where that thread was shown when it was asked for. */
  const watchPageUrls = new Map<OverlayPort, string>();
  /** Conversations whose helpdesk URL this worker already tried to record (once each). */
  const helpdeskUrlsRecorded = new Set<string>();

  function send(port: OverlayPort, message: OverlayPortMessage) {
    if (!postToPort(port, message)) forgetPort(port);
  }

  function publish(thread: WatchedThread, state: ThreadState) {
    if (!threads.isCurrent(thread)) return;
    const previous = thread.thread;
    if (state.kind === 'view' && previous?.kind === 'view' && isOlderView(state.view, previous.view)) return;
    threads.remember(thread, state);
    for (const port of [...thread.ports]) send(port, { type: 'thread', ref: thread.ref, thread: state });
    if (state.kind === 'view' && state.view.helpdeskUrl === null) void recordHelpdeskUrl(thread, state.view.id);
  }

  /**
   * The first tab showing a conversation with no helpdesk URL tells the backend where the thread
   * lives (so the popup and notifications can open it later): the page address its `watch` carried
   * (where the page was when it asked for this thread; by the time the view arrives a single-page
   * helpdesk may show another ticket), else the port's `sender.url`. Once per conversation;
   * failures are only logged: the banners do not depend on it.
   */
  async function recordHelpdeskUrl(thread: WatchedThread, conversationId: string): Promise<void> {
    if (helpdeskUrlsRecorded.has(conversationId)) return;
    const url = [...thread.ports].map(addressOfThreadIn).find((candidate): candidate is string => candidate !== null);
    if (!url) return;
    helpdeskUrlsRecorded.add(conversationId);
    try {
      const backend = await deps.backend.current();
      // Nothing was asked (no backend): a later view of it may try again.
      if (!backend) return void helpdeskUrlsRecorded.delete(conversationId);
      await backend.client.conversations.rememberHelpdeskUrl.mutate({ id: conversationId, url });
    } catch (error) {
      (log.warn ?? log.debug)('[baton] could not record the helpdesk URL of conversation', conversationId, error);
    }
  }

  /**
   * Where `port`'s page showed its thread: the `watch`'s page address when it is a web page on the
   * sender's origin (a same-document navigation cannot change the origin), else `sender.url`.
   */
  function addressOfThreadIn(port: OverlayPort): string | null {
    const senderUrl = senders.get(port)?.url;
    const pageUrl = watchPageUrls.get(port);
    if (pageUrl && isWebAddress(pageUrl) && (!senderUrl || sameOrigin(pageUrl, senderUrl))) return pageUrl;
    return senderUrl && isWebAddress(senderUrl) ? senderUrl : null;
  }

  function tabOf(port: OverlayPort): ShowingTab | null {
    const tab = senders.get(port)?.tab;
    return tab?.id === undefined ? null : { tabId: tab.id, windowId: tab.windowId ?? null };
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
    senders.delete(port);
    watchPageUrls.delete(port);
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
      watchPageUrls.delete(port);
      keep(threads.unwatch(port).left);
      return deps.onWatchesChanged(threads.size);
    }
    if (request.pageUrl === undefined) watchPageUrls.delete(port);
    else watchPageUrls.set(port, request.pageUrl);
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
      if (port.sender) senders.set(port, port.sender);
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

    tabsShowing(conversationId, ref = null) {
      const key = ref ? refKey(ref) : null;
      const showing = threads.all().filter((thread) => (conversationId !== null && thread.conversationId === conversationId) || thread.key === key);
      const tabs = new Map<number, ShowingTab>();
      // `ports` keeps connection order: newest last, so walk it backwards for "most recent first".
      const portsNewestFirst = [...ports].reverse();
      for (const port of portsNewestFirst) {
        if (!showing.some((thread) => thread.ports.has(port))) continue;
        const tab = tabOf(port);
        if (tab && !tabs.has(tab.tabId)) tabs.set(tab.tabId, tab);
      }
      return [...tabs.values()];
    },

    threadForTab(tabId) {
      for (const port of [...ports].reverse()) {
        if (tabOf(port)?.tabId !== tabId) continue;
        const thread = threads.all().find((candidate) => candidate.ports.has(port));
        if (thread) return { ref: thread.ref, thread: thread.thread };
      }
      return null;
    },
  };
}

function unavailable(message: string): ThreadState {
  return { kind: 'unavailable', message };
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
