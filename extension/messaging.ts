// The one typed protocol between content scripts, popup, options and the background worker.
import { browser } from 'wxt/browser';
import type { BackendHealth } from './background/backend-status';

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
  | { type: 'backend.status' };

/** The response type of each request type. */
export interface BackgroundResponses {
  'config.get': BackendConfigView;
  'config.save': SaveBackendConfigResult;
  'backend.status': BackendStatusView;
}

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
 * Registers the background's handlers on `runtime.onMessage`; returns a function that removes them.
 * Answers through `sendResponse` and `return true` (keeps the channel open), which both Chromium and
 * the test fake browser honour; a returned Promise is not honoured everywhere.
 *
 * @example
 * handleMessages(createBackgroundHandlers());
 */
export function handleMessages(handlers: BackgroundHandlers): () => void {
  const listener = (message: unknown, _sender: unknown, sendResponse: (response: unknown) => void): boolean => {
    if (!isRequestFor(handlers, message)) return false; // not ours: leave it to other listeners
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
