// A notification's words (issue 10): the title and body a browser notification shows, composed
// from the stored payload. Pure. HIPAA mode (SPEC §5.4): no team, cycle, lead name or reason —
// whatever an older payload still carries.

/** What a stored notification payload may hold (`shared` fields always; details only outside HIPAA mode). */
export interface NotificationPayload {
  kind?: unknown;
  count?: unknown;
  teamName?: unknown;
  cycle?: unknown;
  leadName?: unknown;
  reason?: unknown;
}

export interface NotificationText {
  title: string;
  body: string;
}

const MAX_BODY_LENGTH = 300;

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null);
const positive = (value: unknown): number | null => (typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : null);
const clip = (value: string) => (value.length > MAX_BODY_LENGTH ? `${value.slice(0, MAX_BODY_LENGTH - 1)}…` : value);

/**
 * Title and body of a notification of `kind` (`escalation` or `re_escalated`) with `count` coalesced activities.
 * @example notificationText('escalation', 1, { teamName: 'Billing', leadName: 'Jane Doe', reason: 'Refund request', cycle: 1 }, false)
 * // { title: 'Escalation: Billing', body: 'Jane Doe — Refund request' }
 */
export function notificationText(kind: string, count: number, payload: NotificationPayload, hipaaMode: boolean): NotificationText {
  const reEscalated = kind === 're_escalated';
  const activity = positive(count) ?? 1;
  const reEscalatedTitle = `Re-escalated (${activity} new ${activity === 1 ? 'message' : 'messages'})`;
  if (hipaaMode) {
    return reEscalated
      ? { title: reEscalatedTitle, body: 'An escalated conversation of your team has new activity. Open it to see the details.' }
      : { title: 'New escalation', body: 'A conversation was escalated to your team. Open it to see the details.' };
  }
  const team = text(payload.teamName);
  const cycle = positive(payload.cycle);
  const lead = text(payload.leadName) ?? 'A customer';
  const reason = text(payload.reason);
  const body = clip(reason ? `${lead} — ${reason}` : lead);
  if (reEscalated) return { title: reEscalatedTitle, body };
  const title = `Escalation${team ? `: ${team}` : ''}${cycle !== null && cycle > 1 ? ` (cycle ${cycle})` : ''}`;
  return { title, body };
}
