// The one typed protocol between content scripts, popup, options and the background worker.
import { browser } from 'wxt/browser';
import type { BackendHealth } from './background/backend-status';
import type { ConversationRef, ConversationView, TimelinePage, ResolveReason, AgentSend } from './overlay/overlay-model';
import type { HelpdesksRequest, HelpdesksResponses } from './protocol/helpdesks';
import type { NotificationsRequest, NotificationsResponses } from './protocol/notifications';
import type { OptionsRequest, OptionsResponses } from './protocol/options';
import type { PolicyRequest, PolicyResponses } from './protocol/policy';
import type { PopupRequest, PopupResponses } from './protocol/popup';

/** Fields of the backend configuration a form can show an error next to. */
export type BackendConfigField = 'url' | 'credential';

/** What pages may know about the backend configuration: never the credential itself. */
export interface BackendConfigView {
  /** Base URL of the Baton backend (the default when nothing is saved yet). */
  url: string;
  /** True once a URL and credential have been saved. */
  hasCredential: boolean;
  /** `api_key` for `bk_…` keys, `token` for anything else (a JWT); null when none is saved. */
  credentialKind: 'api_key' | 'token' | null;
  /** The API key's public prefix (`bk_ab12cde`), as the backend lists it; null for tokens. */
  credentialHint: string | null;
}

/** Outcome of saving the configuration: the new view, or one message per invalid field. */
export type SaveBackendConfigResult =
  | { ok: true; config: BackendConfigView }
  | { ok: false; fieldErrors: Partial<Record<BackendConfigField, string>> };

/** Whether a backend is configured and answers `GET /healthz`. */
export type BackendStatusView = { configured: false; url: string } | ({ configured: true; url: string } & BackendHealth);

/**
 * Every request the background answers, discriminated by `type`.
 * In `config.save`, an empty `credential` keeps the saved one (pages never get it back to resend).
 */
export type BackgroundRequest =
  | { type: 'config.get' }
  | { type: 'config.save'; url: string; credential: string }
  | { type: 'backend.status' }
  // Overlay actions (content scripts). Each answers an ActionResult; the background also pushes the
  // fresh view to every port watching that conversation (see OverlayPortMessage).
  // `source`: where the agent clicked (default `manual`, the banner; `popup` from the popup's toggle).
  | { type: 'conversation.takeOver'; conversationId: string; expectedHolderId?: string | null; source?: 'manual' | 'popup' }
  | { type: 'conversation.release'; conversationId: string; source?: 'manual' | 'popup' }
  | { type: 'reply.sendNow'; conversationId: string; replyId: string }
  | { type: 'reply.editAndSend'; conversationId: string; replyId: string; body: string }
  | { type: 'reply.cancel'; conversationId: string; replyId: string }
  | { type: 'escalation.resolve'; conversationId: string; escalationId: string; reason: ResolveReason; note?: string }
  | { type: 'conversation.timeline'; conversationId: string; cursor?: string | null }
  | { type: 'message.recordAgentReply'; conversationId: string; send: AgentSend }
  // Popup, options, notifications, policy and configured helpdesks (issue 10): extension/protocol/.
  | PopupRequest
  | OptionsRequest
  | NotificationsRequest
  | PolicyRequest
  | HelpdesksRequest;

/**
 * The outcome of an overlay action: the data, or an error written for the agent. `code` is the tRPC
 * code (`CONFLICT`, `FORBIDDEN`, `BAD_REQUEST`, …) or `OFFLINE` / `UNCONFIGURED` when the backend
 * could not be asked; `field` / `fieldErrors` come from the server's field errors (inline errors).
 */
export type ActionResult<T> =
  | { ok: true; value: T }
  | { ok: false; code: string; message: string; field: string | null; fieldErrors: Record<string, string> | null };

/** The response type of each request type. */
export interface BackgroundResponses extends PopupResponses, OptionsResponses, NotificationsResponses, PolicyResponses, HelpdesksResponses {
  'config.get': BackendConfigView;
  'config.save': SaveBackendConfigResult;
  'backend.status': BackendStatusView;
  'conversation.takeOver': ActionResult<ConversationView>;
  'conversation.release': ActionResult<ConversationView>;
  'reply.sendNow': ActionResult<null>;
  'reply.editAndSend': ActionResult<null>;
  'reply.cancel': ActionResult<null>;
  'escalation.resolve': ActionResult<null>;
  'conversation.timeline': ActionResult<TimelinePage>;
  'message.recordAgentReply': ActionResult<{ status: 'accepted' | 'duplicate'; autoTakeover: boolean }>;
}

/** The name of the long-lived port a content script opens to the background (`runtime.connect`). */
export const OVERLAY_PORT_NAME = 'baton-overlay';

/** Content script → background over the overlay port. */
export type OverlayPortRequest =
  /** Show this thread: the background answers with `view` now and again after every change. */
  | {
      type: 'watch';
      ref: ConversationRef;
      /** The page's address when the content script asked (a single-page helpdesk moves on without a new port). */
      pageUrl?: string;
    }
  /** The thread left the page (navigation): stop pushing it. */
  | { type: 'unwatch' }
  /** Sent every ~20 s while a banner is shown: keeps the MV3 worker (and its event stream) awake. */
  | { type: 'ping' };

/**
 * The backend connection as the overlay shows it. `unconfigured`: no URL/credential saved;
 * `unauthorized`: the credential was refused (wrong or revoked); `offline`: the backend cannot be
 * reached (retrying with backoff); `online`: the event stream is connected.
 */
export type ConnectionState =
  | { state: 'online' }
  | { state: 'offline'; message: string; retryAt: string | null }
  | { state: 'unauthorized'; message: string }
  | { state: 'unconfigured'; message: string };

/** What the background knows about a watched thread. */
export type ThreadState =
  /** Baton knows the thread: the banners' data, and the server clock offset (serverNow − local now). */
  | { kind: 'view'; view: ConversationView; serverOffsetMs: number; receivedAt: number }
  /** `byExternalRef` answered NOT_FOUND: a quiet "Not handled by Baton". */
  | { kind: 'unknown' }
  /** Could not ask (offline, unauthorized, unconfigured): see the connection state. */
  | { kind: 'unavailable'; message: string };

/** Background → content script over the overlay port. */
export type OverlayPortMessage =
  | { type: 'thread'; ref: ConversationRef; thread: ThreadState }
  | { type: 'connection'; connection: ConnectionState }
  /** Something changed in the watched conversation (e.g. for an open timeline drawer to refetch). */
  | { type: 'changed'; conversationId: string; eventType: string };

type RequestType = BackgroundRequest['type'];

/** One handler per request type; the background registers them with {@link handleMessages}. */
export type BackgroundHandlers = {
  [K in RequestType]: (
    request: Extract<BackgroundRequest, { type: K }>,
  ) => Promise<BackgroundResponses[K]> | BackgroundResponses[K];
};

/** What travels back over `sendResponse`: errors cannot be structured-cloned, so they become text. */
type Envelope<T> = { ok: true; value: T } | { ok: false; error: string };

/** A handler in the background failed; `message` is its error message. */
export class BackgroundError extends Error {
  override name = 'BackgroundError';
}

/**
 * Sends a request to the background and resolves with its typed response.
 * Throws {@link BackgroundError} when the handler failed or nobody answered.
 *
 * @example
 * const status = await sendToBackground({ type: 'backend.status' });
 */
export async function sendToBackground<R extends BackgroundRequest>(request: R): Promise<BackgroundResponses[R['type']]> {
  const envelope = (await browser.runtime.sendMessage(request)) as Envelope<BackgroundResponses[R['type']]> | undefined;
  if (!envelope) throw new BackgroundError(`The Baton background did not answer "${request.type}"`);
  if (!envelope.ok) throw new BackgroundError(envelope.error);
  return envelope.value;
}

/**
 * What content scripts (running in helpdesk pages) may ask for: their thread's overlay actions and
 * which configured adapter serves their page. Everything else — the configuration, settings, rules,
 * helpdesk permissions, the popup's lists — only Baton's own pages (popup, options) may ask for, so a
 * compromised or confused content script cannot change the tenant's settings through the background.
 */
export const CONTENT_SCRIPT_REQUESTS: ReadonlySet<RequestType> = new Set<RequestType>([
  'conversation.takeOver',
  'conversation.release',
  'reply.sendNow',
  'reply.editAndSend',
  'reply.cancel',
  'escalation.resolve',
  'conversation.timeline',
  'message.recordAgentReply',
  'helpdesks.adapterForPage',
]);

/** Who sent a runtime message (the part of `runtime.MessageSender` checked here). */
export interface MessageSender {
  /** The sending page or frame: a helpdesk page for content scripts, `chrome-extension://<id>/…` for Baton's pages. */
  url?: string;
}

/**
 * Whether `sender` may make a request of `type`: Baton's own pages may make any; a sender from any
 * other URL (a content script in a helpdesk page) only {@link CONTENT_SCRIPT_REQUESTS}.
 */
export function senderMayRequest(type: RequestType, sender: MessageSender | undefined, extensionOrigin: string): boolean {
  if (CONTENT_SCRIPT_REQUESTS.has(type)) return true;
  const url = sender?.url;
  return url === undefined || url.startsWith(extensionOrigin);
}

/**
 * Registers the background's handlers on `runtime.onMessage`; returns a function that removes them.
 * Answers through `sendResponse` and `return true` (keeps the channel open), which both Chromium and
 * the test fake browser honour; a returned Promise is not honoured everywhere.
 *
 * @example
 * handleMessages(createBackgroundHandlers());
 */
export function handleMessages(handlers: BackgroundHandlers): () => void {
  const extensionOrigin = browser.runtime.getURL('/');
  const listener = (message: unknown, sender: MessageSender | undefined, sendResponse: (response: unknown) => void): boolean => {
    if (!isRequestFor(handlers, message)) return false; // not ours: leave it to other listeners
    if (!senderMayRequest(message.type, sender, extensionOrigin)) {
      sendResponse({ ok: false, error: `Only Baton's own pages may ask for "${message.type}"` } satisfies Envelope<unknown>);
      return false;
    }
    const handle = handlers[message.type] as (request: BackgroundRequest) => unknown;
    Promise.resolve()
      .then(() => handle(message))
      .then(
        (value) => sendResponse({ ok: true, value } satisfies Envelope<unknown>),
        (error: unknown) => sendResponse({ ok: false, error: errorMessage(error) } satisfies Envelope<unknown>),
      );
    return true;
  };
  browser.runtime.onMessage.addListener(listener);
  return () => browser.runtime.onMessage.removeListener(listener);
}

function isRequestFor(handlers: BackgroundHandlers, message: unknown): message is BackgroundRequest {
  if (typeof message !== 'object' || message === null || !('type' in message)) return false;
  return typeof message.type === 'string' && Object.hasOwn(handlers, message.type);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
