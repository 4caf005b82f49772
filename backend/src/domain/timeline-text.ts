// The timeline drawer's words (issue 9, SPEC §6): who did what, as short plain text, from stored
// events and messages. Pure: names and the tenant zone are given. HIPAA mode is applied to the
// event before (event-redaction.ts): the words name a team or cycle only if the event still has one.
import { formatTenantTime } from './business-hours.js';
import { RESOLVE_REASON_LABELS, type ResolveReason } from './escalation.js';

/** Who an entry is by, as the drawer shows it: never a raw id. */
export interface TimelineActor {
  kind: 'agent' | 'ai' | 'system' | 'customer';
  name: string;
}

/** An events-table row as far as its wording goes. */
export interface TimelineEventInput {
  type: string;
  actor: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/** What wording needs besides the event: the tenant zone and the names on the page. */
export interface TimelineWording {
  timeZone: string;
  /** An agent's name by id; null when unknown. */
  agentName(id: string): string | null;
  /** An API key by id: its name, and the name of the agent it acts for (null: an integration key); null when unknown. */
  apiKey(id: string): { name: string; agentName: string | null } | null;
}

/** Events the drawer leaves out: the message entries themselves say it. */
export const TIMELINE_HIDDEN_EVENT_TYPES: readonly string[] = Object.freeze(['message.received', 'message.sent']);

const AI: TimelineActor = Object.freeze({ kind: 'ai', name: 'AI' });
const SYSTEM: TimelineActor = Object.freeze({ kind: 'system', name: 'System' });
const CUSTOMER: TimelineActor = Object.freeze({ kind: 'customer', name: 'Customer' });

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value : null);
const count = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
const reasonWords = (reason: unknown) => (typeof reason === 'string' && Object.hasOwn(RESOLVE_REASON_LABELS, reason) ? RESOLVE_REASON_LABELS[reason as ResolveReason].toLowerCase() : 'resolved');

/** A system note's text (cooldown stamped, escalation suppressed), or null when the event is not a note. */
export function systemNoteOf(event: Pick<TimelineEventInput, 'after'>): string | null {
  return text(event.after?.systemNote);
}

/**
 * Who an event is by: `agent:<id>` → the agent's name; `api_key:<id>` → the agent it acts for, or
 * `API key <name>` for an integration key; `rule:<name>` → the routing rule; `customer` →
 * Customer; Baton's own reply work → AI; system notes and everything else → System.
 */
export function eventActor(event: Pick<TimelineEventInput, 'type' | 'actor' | 'after'>, wording: Pick<TimelineWording, 'agentName' | 'apiKey'>): TimelineActor {
  if (systemNoteOf(event) !== null) return SYSTEM;
  const [kind, ...rest] = event.actor.split(':');
  const id = rest.join(':');
  switch (kind) {
    case 'agent':
      return { kind: 'agent', name: wording.agentName(id) ?? 'Unknown agent' };
    case 'api_key': {
      const key = wording.apiKey(id);
      if (key?.agentName) return { kind: 'agent', name: key.agentName };
      return { kind: 'system', name: key ? `API key ${key.name}` : 'API key' };
    }
    case 'rule':
      return { kind: 'system', name: id ? `Routing rule ${id}` : 'Routing rule' };
    case 'customer':
      return CUSTOMER;
    default:
      return event.type.startsWith('reply.') ? AI : SYSTEM;
  }
}

/** Who a message is by: the customer, the AI, or the agent by name. */
export function messageActor(message: { author: string; agentId: string | null }, wording: Pick<TimelineWording, 'agentName'>): TimelineActor {
  if (message.author === 'customer') return CUSTOMER;
  if (message.author === 'ai') return AI;
  return { kind: 'agent', name: (message.agentId ? wording.agentName(message.agentId) : null) ?? 'Agent' };
}

const TAKEOVER_STARTED: Record<string, string> = {
  auto_sms: 'Took over by sending an SMS',
  auto_email: 'Took over by sending an email',
  rule_hold: 'Held for the team by a routing rule',
};

const RELEASED: Record<string, string> = {
  auto: 'Released automatically at the end of business hours',
  handled: 'Released to AI: escalation resolved as handled',
};

const REPLY_CANCELLED: Record<string, string> = {
  agent: 'Cancelled the AI reply',
  takeover: 'AI reply cancelled by the takeover',
  human_replied: 'AI reply cancelled: an agent answered first',
  no_customer_message: 'AI reply cancelled: no customer message to answer',
};

const RESOLVED_BY: Record<string, string> = { reply: ' by a team member’s reply', task: ' by a callback task' };

/** The team the event names (none once redacted for HIPAA mode). */
function teamNameOf(after: Record<string, unknown> | null): string | null {
  const team = after?.team as { name?: unknown } | null | undefined;
  return text(team?.name) ?? text(after?.teamName);
}

function escalationOpened(after: Record<string, unknown> | null): string {
  const reason = text(after?.reason) ?? 'no reason given';
  const team = teamNameOf(after);
  const cycle = count(after?.cycle);
  return `Escalated${team ? ` to ${team}` : ''}: ${reason}${cycle !== null && cycle > 1 ? ` (cycle ${cycle})` : ''}`;
}

function escalationNotified(after: Record<string, unknown> | null): string {
  const team = teamNameOf(after) ?? 'the team';
  const agents = Array.isArray(after?.agentIds) ? after.agentIds.length : 0;
  if (agents === 0) return `Nobody on ${team} to notify`;
  const what = after?.kind === 're_escalated' ? ` of new activity (${count(after?.count) ?? 1})` : '';
  return `Notified ${team}${what}: ${plural(agents, 'agent', 'agents')}`;
}

function escalationResolved(after: Record<string, unknown> | null): string {
  const note = text(after?.note);
  return `Escalation resolved as ${reasonWords(after?.reason)}${RESOLVED_BY[String(after?.source)] ?? ''}${note ? `: ${note}` : ''}`;
}

function tagsAdded(event: TimelineEventInput): string {
  const before = new Set(((event.before?.tags as unknown[]) ?? []).map(String));
  const added = ((event.after?.tags as unknown[]) ?? []).map(String).filter((tag) => !before.has(tag));
  return added.length ? `Tagged ${added.join(', ')}` : 'Tags changed';
}

/** `settings.changed` → `Settings changed`: the fallback for a type without words of its own. */
const humanise = (type: string) => {
  const words = type.replace(/[._]/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/**
 * An event as one line of the drawer: a system note (its own text) or a short sentence.
 * @example describeEvent({ type: 'takeover.released', actor: 'system', before: null, after: { releaseSource: 'auto' } }, wording)
 * // { kind: 'event', text: 'Released automatically at the end of business hours' }
 */
export function describeEvent(event: TimelineEventInput, wording: TimelineWording): { kind: 'event' | 'note'; text: string } {
  const note = systemNoteOf(event);
  if (note !== null) return { kind: 'note', text: note };
  return { kind: 'event', text: eventSentence(event, wording) };
}

function eventSentence(event: TimelineEventInput, wording: TimelineWording): string {
  const after = event.after;
  const at = (value: unknown) => (typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? formatTenantTime(new Date(value), wording.timeZone) : null);
  switch (event.type) {
    case 'conversation.created':
      return 'Conversation started';
    case 'conversation.helpdesk_url_recorded':
      return 'Opened in the helpdesk for the first time';
    case 'message.received':
      return 'Customer wrote';
    case 'message.sent':
      return 'Message sent';
    case 'message.delivery_failed': {
      const error = text(after?.error);
      return `Message could not be delivered${error ? `: ${error}` : ''}`;
    }
    case 'takeover.started':
      return TAKEOVER_STARTED[String(after?.source)] ?? 'Took over';
    case 'takeover.transferred': {
      const previous = text(after?.previousHolderId);
      return `Took over from ${(previous && wording.agentName(previous)) ?? 'another agent'}`;
    }
    case 'takeover.released':
      return RELEASED[String(after?.releaseSource)] ?? 'Released to AI';
    case 'takeover.auto_release_rescheduled': {
      const when = at(after?.autoReleaseAt);
      return when ? `AI now resumes at ${when} (business hours changed)` : 'Automatic release changed (business hours changed)';
    }
    case 'reply.scheduled':
      return 'AI reply scheduled';
    case 'reply.send_now':
      return 'Sent the AI reply now';
    case 'reply.edited':
      return 'Edited the AI reply and sent it';
    case 'reply.sent':
      return text(after?.editedByAgentId) ? 'Edited AI reply sent' : 'AI reply sent';
    case 'reply.sending':
      return 'AI reply on its way (it can no longer be stopped)';
    case 'reply.retry_scheduled':
      return 'AI reply not delivered yet: retrying';
    case 'reply.failed': {
      const error = text(after?.endReason);
      return `AI reply could not be delivered${error ? `: ${error}` : ''}`;
    }
    case 'reply.cancelled':
      return REPLY_CANCELLED[String(after?.endReason)] ?? 'AI reply cancelled';
    case 'reply.superseded':
      return 'AI reply replaced: the customer wrote again';
    case 'reply.blocked':
      return 'AI draft held back by a guardrail';
    case 'reply.draft_failed': {
      const error = text(after?.error);
      return `The AI could not draft a reply${error ? `: ${error}` : ''}`;
    }
    case 'lead.tagged':
      return tagsAdded(event);
    case 'escalation.opened':
      return escalationOpened(after);
    case 'escalation.re_escalated': {
      const activity = count(after?.activityCount);
      return activity !== null ? `Re-escalated: ${plural(activity, 'new activity', 'new activities')} since it opened` : 'Re-escalated';
    }
    case 'escalation.notified':
      return escalationNotified(after);
    case 'escalation.suppressed':
      return 'Escalation suppressed by the cooldown';
    case 'escalation.unrouted':
      return `Not escalated: ${text(after?.why) ?? 'no team to escalate to'}`;
    case 'escalation.resolved':
      return escalationResolved(after);
    case 'escalation.cooldown_stamped': {
      const until = at(after?.cooldownUntil);
      return until ? `Escalations paused until ${until}` : 'Escalations paused';
    }
    case 'task.created':
      return `Callback task created${text(after?.title) ? `: ${text(after?.title)}` : ''}`;
    case 'task.completed': {
      const disposition = text(after?.disposition);
      return `Callback task completed${disposition ? `: ${disposition.replace(/_/g, ' ')}` : ''}`;
    }
    default:
      return humanise(event.type);
  }
}
