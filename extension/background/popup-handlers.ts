// The popup's requests: everything it shows in one answer (popup.state), and opening a conversation's thread.
import type { ConversationListPage, OpenEscalationItem } from '../../shared/conversation-list';
import type { ActionResult, BackgroundHandlers, ConnectionState } from '../messaging';
import type { PopupCurrentTab } from '../protocol/popup';
import { actionFailure, isCredentialRejected, OFFLINE_MESSAGE, toActionFailure, UNAUTHORIZED_MESSAGE, UNCONFIGURED_MESSAGE } from './action-result';
import type { BackendConnection, CurrentBackend } from './backend-connection';
import { openConversation, type TabControls } from './open-conversation';
import type { OverlayHub } from './overlay-hub';
import { serverOffsetMs, type RequestTiming } from './thread-loader';

/** How many rows each popup list asks for (the popup shows a glance, not an inbox). */
export const POPUP_LIST_LIMIT = 20;

/** Shown for a tab whose content script has not had its first answer yet. */
export const READING_THREAD_MESSAGE = 'Baton is still reading this thread…';

/** The request types this file answers. */
export type PopupHandlers = Pick<BackgroundHandlers, 'popup.state' | 'popup.openConversation'>;

/** What the popup handlers need. */
export interface PopupHandlerDeps {
  backend: BackendConnection;
  hub: Pick<OverlayHub, 'threadForTab' | 'tabsShowing'>;
  /** The event stream's state; null before it decided anything (or while no tab keeps it running). */
  connectionState(): ConnectionState | null;
  /** Whether the agent muted notifications (the notifications feature keeps it). */
  notificationsMuted(): Promise<boolean>;
  /** A call was refused (UNAUTHORIZED): the stream decides what it means. */
  onCredentialRejected?(backend: CurrentBackend, error: unknown): void;
  tabs?: TabControls;
  now?: () => number;
}

/**
 * Builds the popup handlers. `popup.state` asks the backend for my takeovers and my teams'
 * escalations in parallel (each list failing on its own), reads the current tab's thread from the
 * hub (what its banner shows), and derives the connection from the stream and those two calls: the
 * popup is often opened while no tab keeps the stream running, so the calls are the fresher probe.
 *
 * @example
 * handleMessages({ ...others, ...createPopupHandlers({ backend, hub, connectionState: stream.connection, notificationsMuted }) });
 */
export function createPopupHandlers(deps: PopupHandlerDeps): PopupHandlers {
  const now = deps.now ?? (() => Date.now());

  async function ask<T>(backend: CurrentBackend, call: () => Promise<T>, timing?: RequestTiming): Promise<ActionResult<T>> {
    try {
      const value = await call();
      if (timing) timing.receivedAt = now();
      return { ok: true, value };
    } catch (error) {
      if (isCredentialRejected(error)) deps.onCredentialRejected?.(backend, error);
      return toActionFailure(error);
    }
  }

  return {
    async 'popup.state'({ tabId }) {
      const backend = await deps.backend.current().catch(() => null);
      const currentTab = tabId === null ? null : currentTabOf(deps.hub, tabId);
      const notificationsMuted = await deps.notificationsMuted().catch(() => false);
      if (!backend) {
        const unconfigured = actionFailure('UNCONFIGURED', UNCONFIGURED_MESSAGE);
        return {
          connection: { state: 'unconfigured', message: UNCONFIGURED_MESSAGE },
          currentTab,
          myTakeovers: unconfigured,
          myEscalations: unconfigured,
          notificationsMuted,
          serverOffsetMs: 0,
        };
      }
      const timing: RequestTiming = { sentAt: now(), receivedAt: 0 };
      const [myTakeovers, myEscalations] = await Promise.all([
        ask<ConversationListPage>(backend, () => backend.client.conversations.list.query({ filter: { heldByMe: true }, limit: POPUP_LIST_LIMIT }), timing),
        ask<OpenEscalationItem[]>(backend, () => backend.client.escalations.listOpen.query({ myTeams: true, limit: POPUP_LIST_LIMIT })),
      ]);
      const offset = myTakeovers.ok
        ? serverOffsetMs(myTakeovers.value.serverNow, timing)
        : currentTab?.thread.kind === 'view'
          ? currentTab.thread.serverOffsetMs
          : 0;
      return {
        connection: connectionOf(deps.connectionState(), [myTakeovers, myEscalations]),
        currentTab,
        myTakeovers,
        myEscalations,
        notificationsMuted,
        serverOffsetMs: offset,
      };
    },

    'popup.openConversation': ({ target }) => openConversation(target, { hub: deps.hub, tabs: deps.tabs }),
  };
}

/** The tab's thread as its banner shows it; a watch still waiting for its first read says so. */
function currentTabOf(hub: Pick<OverlayHub, 'threadForTab'>, tabId: number): PopupCurrentTab | null {
  const shown = hub.threadForTab(tabId);
  if (!shown) return null;
  return { tabId, ref: shown.ref, thread: shown.thread ?? { kind: 'unavailable', message: READING_THREAD_MESSAGE } };
}

/**
 * The connection the popup shows: refused credential first, then "both calls got no answer"
 * (offline, with the stream's retry time when it has one), else online (the backend just answered).
 */
export function connectionOf(stream: ConnectionState | null, results: ActionResult<unknown>[]): ConnectionState {
  const failures = results.filter((result): result is Extract<ActionResult<unknown>, { ok: false }> => !result.ok);
  if (failures.some((failure) => failure.code === 'UNAUTHORIZED')) return { state: 'unauthorized', message: UNAUTHORIZED_MESSAGE };
  if (failures.length === results.length && failures.every((failure) => failure.code === 'OFFLINE')) {
    return { state: 'offline', message: OFFLINE_MESSAGE, retryAt: stream?.state === 'offline' ? stream.retryAt : null };
  }
  return { state: 'online' };
}
