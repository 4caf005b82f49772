// The reply-cadence setting (SPEC §3.1): its shape, limits, defaults and field-naming messages, shared by backend and options page.
import { z } from 'zod';

/** The longest delay an admin may set, in seconds (SPEC §3.1). */
export const MAX_REPLY_DELAY_SECONDS = 3600;

/** A whole number of seconds in `[0, MAX_REPLY_DELAY_SECONDS]`; every message names `field`. */
function delaySeconds(field: 'minDelaySeconds' | 'maxDelaySeconds') {
  return z
    .number({
      error: (issue) => (issue.input === undefined ? `${field} is required` : `${field} must be a whole number of seconds`),
    })
    .int({ error: `${field} must be a whole number of seconds` })
    .min(0, { error: `${field} must be at least 0` })
    .max(MAX_REPLY_DELAY_SECONDS, { error: `${field} must be at most ${MAX_REPLY_DELAY_SECONDS}` });
}

/**
 * How long AI replies are held before they are sent: `0 ≤ minDelaySeconds ≤ maxDelaySeconds ≤ 3600`,
 * whole seconds. Each issue's `path[0]` is the field at fault, and its message names it.
 * @example ZReplyCadence.parse({ enabled: true, minDelaySeconds: 30, maxDelaySeconds: 120 })
 */
export const ZReplyCadence = z
  .object({
    enabled: z.boolean({ error: 'enabled must be true or false' }),
    minDelaySeconds: delaySeconds('minDelaySeconds'),
    maxDelaySeconds: delaySeconds('maxDelaySeconds'),
  })
  // Runs only once both fields are valid numbers, so it never doubles a field's own error.
  .superRefine((cadence, ctx) => {
    if (cadence.minDelaySeconds > cadence.maxDelaySeconds) {
      ctx.addIssue({
        code: 'custom',
        path: ['minDelaySeconds'],
        message: `minDelaySeconds must be at most maxDelaySeconds (${cadence.maxDelaySeconds})`,
      });
    }
  });
export type ReplyCadence = z.infer<typeof ZReplyCadence>;

/** Cadence off, 30–120 s when turned on (SPEC §3.1, product help "Reply cadence settings"). */
export const DEFAULT_REPLY_CADENCE: ReplyCadence = Object.freeze({ enabled: false, minDelaySeconds: 30, maxDelaySeconds: 120 });
