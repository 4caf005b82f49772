// Pure wording of the banners: who holds a takeover, escalation triggers, connection notices, resolve hints.
import type { ConnectionState, ThreadState } from '../messaging';
import type { ConversationView, EscalationBanner, ResolveReasonOption } from './overlay-model';
import { formatClockTime } from './time-format';

type Takeover = NonNullable<ConversationView['takeover']>;

/** Whether the viewer is the agent holding the takeover. */
export function viewerHolds(view: ConversationView): boolean {
  const holder = view.takeover?.holder;
  return holder != null && view.viewer.agentId !== null && holder.agentId === view.viewer.agentId;
}

/**
 * Who holds the takeover and since when: `You took over at 2:05 PM`, `Dana Smith took over at 2:05 PM`,
 * `Held by a routing rule` (a rule's `takeover_hold`, no agent yet).
 */
export function takeoverHolderText(takeover: Takeover, view: ConversationView): string {
  if (takeover.holder === null) return 'Held by a routing rule';
  const who = viewerHolds(view) ? 'You' : takeover.holder.name;
  return takeover.since === null ? `${who} took over` : `${who} took over at ${formatClockTime(takeover.since, view.timeZone)}`;
}

/**
 * An AI reply past its point of no return (issue 11 item 2): `Sending now — it was already on its way
 * when you took over`; `Already sent — …`; without a takeover `Sending now`, with the retry so far.
 */
export function replyInFlightText(reply: NonNullable<ConversationView['replyInFlight']>, view: ConversationView): string {
  const state = reply.status === 'sent' ? 'Already sent' : 'Sending now';
  if (view.takeover !== null) return `${state} — it was already on its way when ${viewerHolds(view) ? 'you took over' : 'the conversation was taken over'}`;
  if (reply.status === 'sending' && reply.attempts > 0) return `Sending now — retrying after ${reply.attempts === 1 ? '1 failed attempt' : `${reply.attempts} failed attempts`}${reply.lastError ? `: ${reply.lastError}` : ''}`;
  return state;
}

/** The transfer question: `Dana Smith holds this conversation. Take it over?` */
export function transferQuestion(holderName: string): string {
  return `${holderName} holds this conversation. Take it over?`;
}

const TRIGGER_LABELS: Record<EscalationBanner['trigger'], string> = {
  rule: 'Rule',
  sla_breach: 'SLA breach',
  guardrail: 'Guardrail',
  manual: 'Manual',
  api: 'API',
};

/** What triggered an escalation, as the banner names it (`SLA breach`). */
export function triggerLabel(trigger: EscalationBanner['trigger']): string {
  return TRIGGER_LABELS[trigger] ?? trigger;
}

/**
 * The notice replacing the banners' actions when Baton cannot act: `Baton offline — reconnecting`,
 * the unauthorized / unconfigured message, or the thread's own "could not ask" message. Null: online.
 */
export function connectionNotice(connection: ConnectionState, thread: ThreadState | null): string | null {
  switch (connection.state) {
    case 'offline':
      return 'Baton offline — reconnecting';
    case 'unauthorized':
      return connection.message || 'Baton refused the saved credential. Update it in the extension options.';
    case 'unconfigured':
      return connection.message || 'Baton is not set up yet. Add the backend URL and credential in the extension options.';
    case 'online':
      return thread?.kind === 'unavailable' ? thread.message || 'Baton offline — reconnecting' : null;
  }
}

/** Actions can reach the backend (otherwise every action button is disabled). */
export function actionsAvailable(connection: ConnectionState, thread: ThreadState | null): boolean {
  return connectionNotice(connection, thread) === null;
}

/**
 * The hint under the reason select (product help's table): which reasons release the takeover and
 * which pause rule escalations, built from the server's reasons.
 */
export function resolveReasonsHint(reasons: ResolveReasonOption[]): string[] {
  const hints: string[] = [];
  const releasing = reasons.filter((reason) => reason.releasesTakeover).map((reason) => reason.label);
  const cooling = reasons.filter((reason) => reason.startsCooldown).map((reason) => reason.label);
  if (releasing.length > 0) {
    hints.push(`${listOf(releasing)} also ${releasing.length === 1 ? 'releases' : 'release'} the takeover to AI.`);
  }
  if (cooling.length > 0) {
    hints.push(`${listOf(cooling)} ${cooling.length === 1 ? 'pauses' : 'pause'} rule escalations on this customer for a while.`);
  }
  return hints;
}

/** The inline error for a blank note where one is required. */
export function noteRequiredMessage(label: string): string {
  return `A note is required when the reason is ${label}.`;
}

function listOf(labels: string[]): string {
  if (labels.length <= 1) return labels.join('');
  return `${labels.slice(0, -1).join(', ')} and ${labels.at(-1)}`;
}
