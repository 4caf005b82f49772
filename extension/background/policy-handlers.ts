// Answers `policy.get`: what IT set by policy, for options to show as locked (extension/protocol/policy.ts).
import type { BackgroundHandlers } from '../messaging';
import { readManagedPolicy } from './managed-policy';

/** The request types this file answers. */
export type PolicyHandlers = Pick<BackgroundHandlers, 'policy.get'>;

/**
 * Builds the policy handler: the validated policy, re-read on every request (IT may change it at
 * any time; Chromium delivers it a few seconds after the extension starts).
 *
 * @example
 * handleMessages({ ...createPolicyHandlers(), … });
 */
export function createPolicyHandlers(): PolicyHandlers {
  return {
    'policy.get': () => readManagedPolicy(),
  };
}
