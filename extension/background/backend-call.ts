// One way for the background's request handlers to call the backend: never throws, answers an ActionResult.
import type { ActionResult } from '../messaging';
import { actionFailure, toActionFailure, UNCONFIGURED_MESSAGE } from './action-result';
import type { BackendConnection, CurrentBackend } from './backend-connection';
import type { BatonClient } from './baton-client';

/** Where the call goes, and who hears about a refused credential. */
export interface BackendCallDeps {
  backend: BackendConnection;
  /** A call with `backend` failed: the event stream decides whether the credential was rejected. */
  onCredentialRejected?(backend: CurrentBackend, error: unknown): void;
}

/**
 * Runs `call` against the saved backend. A tRPC error keeps its code, message and field errors
 * (inline errors); a network failure is `OFFLINE`; nothing saved is `UNCONFIGURED`.
 *
 * @example
 * const result = await callCurrentBackend(deps, (client) => client.auth.me.query());
 */
export async function callCurrentBackend<T>(deps: BackendCallDeps, call: (client: BatonClient) => Promise<T>): Promise<ActionResult<T>> {
  let backend: CurrentBackend | null;
  try {
    backend = await deps.backend.current();
  } catch {
    backend = null;
  }
  if (!backend) return actionFailure('UNCONFIGURED', UNCONFIGURED_MESSAGE);
  try {
    return { ok: true, value: await call(backend.client) };
  } catch (error) {
    deps.onCredentialRejected?.(backend, error);
    return toActionFailure(error);
  }
}
