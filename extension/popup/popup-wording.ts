// Pure wording of the popup: the current tab's state and toggle, time left until auto-release, row labels.
import type { ConversationListItem, OpenEscalationItem } from '../../shared/conversation-list';
import type { ConnectionState, ThreadState } from '../messaging';
import { triggerLabel, viewerHolds } from '../overlay/banner-wording';
import type { ConversationView } from '../overlay/overlay-model';
import { formatEscalationAge, formatMinutesSeconds } from '../overlay/time-format';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/** What the toggle does: take over (expecting `expectedHolderId`), release, or nothing. */
export type ToggleAction =
  | { kind: 'take-over'; label: string; expectedHolderId: string | null }
  | { kind: 'release'; label: string }
  | null;

/** The current tab's thread as the popup shows it. */
export interface CurrentThreadSummary {
  /** `ai`: AI answers; `mine` / `other` / `rule`: taken over; `quiet`: no Baton thread or cannot ask. */
  tone: 'ai' | 'mine' | 'other' | 'rule' | 'quiet';
  /** One line: `AI is handling this conversation`, `You took over`, `Taken over by Dana Smith`, … */
  status: string;
  /** `AI resumes at 5:00 PM CST` (the server's wording), or null. */
  detail: string | null;
  toggle: ToggleAction;
}

/**
 * The current tab's state and what its toggle does. Taking over from another agent is labelled with
 * their name (the label is the confirmation) and sent expecting that holder, so a change meanwhile
 * is refused (CONFLICT) rather than silently transferred.
 */
export function summarizeThread(thread: ThreadState): CurrentThreadSummary {
  if (thread.kind === 'unknown') return { tone: 'quiet', status: 'Not handled by Baton', detail: 'Baton has no conversation for this thread.', toggle: null };
  if (thread.kind === 'unavailable') return { tone: 'quiet', status: 'Baton cannot show this thread right now', detail: thread.message, toggle: null };
  const view = thread.view;
  const takeover = view.takeover;
  if (takeover === null) return { tone: 'ai', status: 'AI is handling this conversation', detail: null, toggle: { kind: 'take-over', label: 'Take Over', expectedHolderId: null } };
  if (takeover.holder === null) {
    return { tone: 'rule', status: 'Held by a routing rule (no agent yet)', detail: takeover.warning, toggle: { kind: 'take-over', label: 'Take Over', expectedHolderId: null } };
  }
  if (viewerHolds(view)) return { tone: 'mine', status: 'You took over', detail: takeover.warning, toggle: { kind: 'release', label: 'Release to AI' } };
  return {
    tone: 'other',
    status: `Taken over by ${takeover.holder.name}`,
    detail: takeover.warning,
    toggle: { kind: 'take-over', label: `Take over from ${takeover.holder.name}`, expectedHolderId: takeover.holder.agentId },
  };
}

/** Who the conversation is with: the customer's name, else the subject, else the helpdesk id. */
export function conversationTitle(item: { leadName: string | null; subject?: string | null; externalId: string | null }): string {
  return item.leadName ?? item.subject ?? (item.externalId ? `Thread ${item.externalId}` : 'Unknown customer');
}

/** The thread's title from a view (same rule as {@link conversationTitle}). */
export function viewTitle(view: ConversationView, externalId: string): string {
  return conversationTitle({ leadName: view.lead?.name ?? null, subject: view.subject, externalId });
}

/** Where the thread lives: `demo · DEMO-1`, or null when the conversation has no helpdesk reference. */
export function helpdeskReference(item: { connector: string | null; externalId: string | null }): string | null {
  return item.connector && item.externalId ? `${item.connector} · ${item.externalId}` : null;
}

/**
 * Time left until an auto-release, by the server's clock: `AI resumes in 2 h 5 min`, `in 42 min`,
 * `in 4:59` in the last ten minutes, `AI resumes any moment` once due; `No auto-release` without one.
 *
 * @param serverNowMs local now + the server clock offset
 */
export function timeLeftText(autoReleaseAt: string | null, serverNowMs: number): string {
  if (autoReleaseAt === null) return 'No auto-release';
  const releaseAt = Date.parse(autoReleaseAt);
  if (!Number.isFinite(releaseAt)) return 'No auto-release';
  const left = releaseAt - serverNowMs;
  if (left <= 0) return 'AI resumes any moment';
  if (left < 10 * MINUTE_MS) return `AI resumes in ${formatMinutesSeconds(left)}`;
  if (left < HOUR_MS) return `AI resumes in ${Math.floor(left / MINUTE_MS)} min`;
  const hours = Math.floor(left / HOUR_MS);
  const minutes = Math.floor((left % HOUR_MS) / MINUTE_MS);
  return minutes === 0 ? `AI resumes in ${hours} h` : `AI resumes in ${hours} h ${minutes} min`;
}

/** True in the last ten minutes before an auto-release (the row is emphasised). */
export function releasesSoon(item: ConversationListItem, serverNowMs: number): boolean {
  const at = item.takeover?.autoReleaseAt ? Date.parse(item.takeover.autoReleaseAt) : Number.NaN;
  return Number.isFinite(at) && at - serverNowMs < 10 * MINUTE_MS;
}

/** An escalation row's facts: `Manual · Support · open 12 min` (team left out when hidden, e.g. HIPAA). */
export function escalationFacts(item: OpenEscalationItem, serverNowMs: number): string {
  const parts = [triggerLabel(item.trigger), item.teamName, formatEscalationAge(serverNowMs - Date.parse(item.openedAt))];
  return parts.filter((part): part is string => Boolean(part)).join(' · ');
}

/** The connection pill's words, and whether the Options link is the way out. */
export function connectionLabel(connection: ConnectionState): { text: string; needsOptions: boolean } {
  switch (connection.state) {
    case 'online':
      return { text: 'Connected', needsOptions: false };
    case 'offline':
      return { text: 'Offline — retrying', needsOptions: false };
    case 'unauthorized':
      return { text: 'Credential refused', needsOptions: true };
    case 'unconfigured':
      return { text: 'Not set up', needsOptions: true };
  }
}
