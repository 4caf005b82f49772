// What the options forms' tests share: background answers that record each request, and field lookups by name.
import { fireEvent } from '@testing-library/react';
import { handleMessages, type BackgroundHandlers, type BackgroundRequest } from '../messaging';

/** Answers the request types a test registers and records every request the form sent. */
export interface RecordingBackground {
  /** Every request the form sent, oldest first. */
  readonly received: BackgroundRequest[];
  /** Replaces the answers (and keeps the record). */
  answer(handlers: Partial<BackgroundHandlers>): void;
  /** Forgets the record and the answers (call it after each test). */
  reset(): void;
}

/**
 * @example
 * const background = recordingBackground();
 * background.answer({ 'settings.update': () => ({ ok: true, value: view() }) });
 * expect(background.received).toEqual([{ type: 'settings.update', … }]);
 */
export function recordingBackground(): RecordingBackground {
  const received: BackgroundRequest[] = [];
  let unregister: () => void = () => undefined;
  return {
    received,
    answer(handlers) {
      unregister();
      const recording = Object.fromEntries(
        Object.entries(handlers).map(([type, handle]) => [type, (request: BackgroundRequest) => (received.push(request), (handle as (r: BackgroundRequest) => unknown)(request))]),
      );
      unregister = handleMessages(recording as unknown as BackgroundHandlers);
    },
    reset() {
      unregister();
      unregister = () => undefined;
      received.length = 0;
    },
  };
}

/** The form control named `name`. */
export const input = (name: string) => document.querySelector<HTMLInputElement>(`[name="${name}"]`)!;
/** Types `value` into the control named `name`. */
export const type = (name: string, value: string) => fireEvent.change(input(name), { target: { value } });
/** The inline error next to the control named `name`; null when none shows. */
export const errorNear = (name: string) => input(name).closest('.field, .window, .pattern-row')?.querySelector('.field-error')?.textContent ?? null;
