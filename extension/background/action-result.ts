// How a failed backend call becomes an ActionResult the overlay can show: never an exception.
import { isTRPCClientError } from '@trpc/client';
import type { ActionResult } from '../messaging';

/** Shown when the backend could not be reached (network failure, timeout, not a tRPC answer). */
export const OFFLINE_MESSAGE = 'Baton is offline — try again when it reconnects';
/** Shown when no backend URL / credential is saved yet. */
export const UNCONFIGURED_MESSAGE = 'Baton is not set up yet: add the backend URL and your API key in the Baton options';
/** Shown when the backend refuses the saved credential (wrong, revoked, or the agent was deactivated). */
export const UNAUTHORIZED_MESSAGE = 'Baton refused the saved credential (wrong or revoked): update it in the Baton options';

/** The failure half of {@link ActionResult}. */
export type ActionFailure = Extract<ActionResult<unknown>, { ok: false }>;

/** What the backend's error formatter puts in `error.data` (backend/src/trpc/init.ts). */
interface ServerErrorData {
  code?: unknown;
  field?: unknown;
  fieldErrors?: unknown;
}

/**
 * The tRPC code the backend answered with (`CONFLICT`, `UNAUTHORIZED`, …), or null when the call
 * never got a tRPC answer (offline, timeout, a proxy's HTML page).
 */
export function serverErrorCode(error: unknown): string | null {
  if (!isTRPCClientError(error)) return null;
  const code = (error.data as ServerErrorData | undefined)?.code;
  return typeof code === 'string' ? code : null;
}

/** The backend refused who we are: UNAUTHORIZED always; FORBIDDEN too when `forbiddenToo` (whole-API calls). */
export function isCredentialRejected(error: unknown, { forbiddenToo = false } = {}): boolean {
  const code = serverErrorCode(error);
  return code === 'UNAUTHORIZED' || (forbiddenToo && code === 'FORBIDDEN');
}

/** The call never got a tRPC answer: the backend is unreachable (or something in between failed). */
export function isOffline(error: unknown): boolean {
  return serverErrorCode(error) === null;
}

/** Builds a failure with no field errors. */
export function actionFailure(code: string, message: string): ActionFailure {
  return { ok: false, code, message, field: null, fieldErrors: null };
}

/**
 * Maps anything a backend call threw to an {@link ActionFailure}: a tRPC error keeps its code,
 * message and field errors (for inline errors); everything else means the backend was not reached.
 *
 * @example
 * try { await client.replies.cancel.mutate({ id }); } catch (error) { return toActionFailure(error); }
 */
export function toActionFailure(error: unknown): ActionFailure {
  const code = serverErrorCode(error);
  if (code === null || !isTRPCClientError(error)) return actionFailure('OFFLINE', OFFLINE_MESSAGE);
  const data = error.data as ServerErrorData;
  return {
    ok: false,
    code,
    message: error.message,
    field: typeof data.field === 'string' ? data.field : null,
    fieldErrors: stringRecordOrNull(data.fieldErrors),
  };
}

function stringRecordOrNull(value: unknown): Record<string, string> | null {
  if (typeof value !== 'object' || value === null) return null;
  const entries = Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
  return Object.fromEntries(entries);
}
