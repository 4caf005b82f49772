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
