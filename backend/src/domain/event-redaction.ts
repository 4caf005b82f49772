// HIPAA mode at read time (issue 11 item 5): stored events keep the facts; what a reader sees
// depends on the tenant's HIPAA mode now, so turning it on also hides earlier team names and cycles.
import type { BatonEvent } from '../../../shared/events.js';
import { ESCALATION_IDENTITY_KEYS, NOTIFICATION_DETAIL_KEYS } from './redaction.js';

/** What redaction reads of an event: a wire event (`BatonEvent`) or a stored events row. */
export type RedactableEvent = Pick<BatonEvent, 'conversationId' | 'leadId' | 'before' | 'after'> & { type: string };

/** `escalation.notified` is the notification on the stream: no lead name or reason either (SPEC §5.4). */
const HIDDEN_KEYS_BY_TYPE: Readonly<Record<string, readonly string[]>> = Object.freeze({
  'escalation.notified': Object.freeze([...new Set([...ESCALATION_IDENTITY_KEYS, ...NOTIFICATION_DETAIL_KEYS])]),
});

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `value` without `hidden` keys at any depth (the same reference when it holds none); an object that lost some says `redacted: true` if it says `redacted` at all. */
function withoutHidden(value: unknown, hidden: readonly string[]): unknown {
  if (Array.isArray(value)) {
    const items = value.map((item) => withoutHidden(item, hidden));
    return items.some((item, index) => item !== value[index]) ? items : value;
  }
  if (!isPlainObject(value)) return value;
  let changed = false;
  const kept: [string, unknown][] = [];
  for (const [key, item] of Object.entries(value)) {
    if (hidden.includes(key)) {
      changed = true;
      continue;
    }
    const redacted = withoutHidden(item, hidden);
    if (redacted !== item) changed = true;
    kept.push([key, redacted]);
  }
  if (!changed) return value;
  const result = Object.fromEntries(kept);
  // The escalation view's own marker (escalationIdentityFor): a redacted view says so.
  return Object.hasOwn(result, 'redacted') ? { ...result, redacted: true } : result;
}

/**
 * The event as it may be read now. In HIPAA mode an event about a lead or conversation carries no
 * escalation team (id or name) and no cycle count at any depth, and `escalation.notified` no lead
 * name or reason; tenant configuration (teams, settings, rules: no lead) is shown as stored, as
 * the admin pages show it. HIPAA mode off: the event itself. Never mutates the input.
 * @example redactEventForReader({ type: 'escalation.opened', after: { team: { id: 't1', name: 'Billing' }, cycle: 2, redacted: false, reason: 'Refund' }, ... }, true)
 * // { type: 'escalation.opened', after: { redacted: true, reason: 'Refund' }, ... }
 */
export function redactEventForReader<E extends RedactableEvent>(event: E, hipaaMode: boolean): E {
  if (!hipaaMode || (event.leadId === null && event.conversationId === null)) return event;
  const hidden = HIDDEN_KEYS_BY_TYPE[event.type] ?? ESCALATION_IDENTITY_KEYS;
  const before = withoutHidden(event.before, hidden) as E['before'];
  const after = withoutHidden(event.after, hidden) as E['after'];
  return before === event.before && after === event.after ? event : { ...event, before, after };
}
