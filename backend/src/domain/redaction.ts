// HIPAA mode (SPEC §5.4): what escalation views, events and notifications may carry. With it on,
// the team and the cycle count never leave the backend, and notifications carry no message text,
// lead name or reason. Pure: stored rows keep the facts; these decide what a reader sees now.

export interface EscalationIdentity {
  team: { id: string; name: string } | null;
  cycle: number;
}

/** The team and cycle of an escalation as a response or event may show them: left out entirely in HIPAA mode. */
export function escalationIdentityFor(hipaaMode: boolean, identity: EscalationIdentity): { redacted: true } | ({ redacted: false } & EscalationIdentity) {
  return hipaaMode ? { redacted: true } : { redacted: false, team: identity.team, cycle: identity.cycle };
}

/** Keys that name an escalation's team or count its cycles, wherever a stored record carries them. */
export const ESCALATION_IDENTITY_KEYS: readonly string[] = Object.freeze(['team', 'teamId', 'teamName', 'cycle']);

/** A notification's details: kept in its stored payload, never shown in HIPAA mode (the extension shows a generic alert). */
export const NOTIFICATION_DETAIL_KEYS: readonly string[] = Object.freeze(['teamName', 'cycle', 'leadName', 'reason']);

/** `record` without `keys` (a copy; the record itself when it has none of them). */
function withoutKeys(record: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  if (!keys.some((key) => Object.hasOwn(record, key))) return record;
  return Object.fromEntries(Object.entries(record).filter(([key]) => !keys.includes(key)));
}

/**
 * A stored notification payload as it may be read now: in HIPAA mode without the details, also when
 * they were stored before HIPAA mode was turned on (redaction at read time).
 */
export function notificationPayloadFor(hipaaMode: boolean, payload: Record<string, unknown>): Record<string, unknown> {
  return hipaaMode ? withoutKeys(payload, NOTIFICATION_DETAIL_KEYS) : payload;
}
