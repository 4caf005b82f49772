// One action button's life: pending while in flight (a second click is ignored), the failure message after.
import { useCallback, useRef, useState } from 'react';
import type { ActionResult } from '../messaging';
import { settleAction } from './overlay-actions';

/** What {@link useAction} gives a component. */
export interface ActionState {
  /** The action is in flight: the button is disabled and says so. */
  pending: boolean;
  /** The last failure's message (null after a success or before any attempt). */
  error: string | null;
  /**
   * Runs `attempt` unless one is in flight (then resolves null). Never rejects; a failure sets `error`
   * unless `showsError` is false (the caller routes it, e.g. to a field).
   */
  run<T>(attempt: () => Promise<ActionResult<T>>, showsError?: boolean): Promise<ActionResult<T> | null>;
  /** Forgets the last error. */
  clearError(): void;
}

/**
 * Tracks one action's progress and error for a banner.
 *
 * @example
 * const release = useAction();
 * <ActionButton pending={release.pending} onClick={() => release.run(() => actions.release())} … />
 */
export function useAction(): ActionState {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const inFlight = useRef(false);

  const run = useCallback(async <T,>(attempt: () => Promise<ActionResult<T>>, showsError = true) => {
    if (inFlight.current) return null;
    inFlight.current = true;
    setPending(true);
    setError(null);
    const result = await settleAction(attempt);
    inFlight.current = false;
    setPending(false);
    if (!result.ok && showsError) setError(result.message);
    return result;
  }, []);
  const clearError = useCallback(() => setError(null), []);

  return { pending, error, run, clearError };
}
