// HIPAA mode at read time (issue 11 item 5): stored events keep the facts; what a reader sees
// depends on the tenant's HIPAA mode now, so turning it on also hides earlier team names and cycles.
import type { BatonEvent } from '../../../shared/events.js';

/** The event as it may be read now (stub: the redaction helper fills this in). */
export function redactEventForReader(event: BatonEvent, _hipaaMode: boolean): BatonEvent {
  return event;
}
