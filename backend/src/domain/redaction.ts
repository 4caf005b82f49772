// HIPAA mode (SPEC §5.4): what escalation views, events and notifications may carry. With it on,
// the team and the cycle count never leave the backend, and notifications carry no message text,
// lead name or reason. Pure: callers pass what they have; this decides what goes out.

export interface EscalationIdentity {
  team: { id: string; name: string } | null;
  cycle: number;
}

/** The team and cycle of an escalation as a response or event may show them: left out entirely in HIPAA mode. */
export function escalationIdentityFor(hipaaMode: boolean, identity: EscalationIdentity): { redacted: true } | ({ redacted: false } & EscalationIdentity) {
  return hipaaMode ? { redacted: true } : { redacted: false, team: identity.team, cycle: identity.cycle };
}

export interface NotificationDetails {
  teamName: string | null;
  cycle: number;
  leadName: string | null;
  reason: string;
}

/** A notification's optional details: none in HIPAA mode (the extension shows a generic alert). */
export function notificationDetailsFor(hipaaMode: boolean, details: NotificationDetails): Partial<NotificationDetails> {
  return hipaaMode ? {} : details;
}

const NOTIFICATION_DETAIL_KEYS: readonly (keyof NotificationDetails)[] = ['teamName', 'cycle', 'leadName', 'reason'];

/**
 * A stored notification payload as it may be read now: in HIPAA mode without the details, also when
 * they were stored before HIPAA mode was turned on (redaction at read time).
 */
export function notificationPayloadFor(hipaaMode: boolean, payload: Record<string, unknown>): Record<string, unknown> {
  if (!hipaaMode) return payload;
  return Object.fromEntries(Object.entries(payload).filter(([key]) => !(NOTIFICATION_DETAIL_KEYS as readonly string[]).includes(key)));
}
