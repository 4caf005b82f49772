// Escalation rules (SPEC §5): opening with cooldown and bypass, re-escalated activity with
// coalesced notifications, who may resolve, the reason table, automatic resolution. Pure: `now` is given.
import { formatTenantTime } from './business-hours.js';
import { DomainError } from './errors.js';

export const ESCALATION_TRIGGERS = ['rule', 'sla_breach', 'guardrail', 'manual', 'api'] as const;
export type EscalationTrigger = (typeof ESCALATION_TRIGGERS)[number];

export const RESOLVE_REASONS = ['handled', 'false_positive', 'spam', 'duplicate', 'other'] as const;
export type ResolveReason = (typeof RESOLVE_REASONS)[number];

/** How a resolution came about: the banner / API, an agent's reply, a completed callback task. */
export type ResolutionSource = 'manual' | 'reply' | 'task';

/** What each reason does (product-help.txt's table; SPEC §5.6). */
export const RESOLVE_REASON_RULES: Readonly<Record<ResolveReason, { stampsCooldown: boolean; releasesTakeover: boolean; noteRequired: boolean }>> = Object.freeze({
  handled: { stampsCooldown: false, releasesTakeover: true, noteRequired: false },
  false_positive: { stampsCooldown: true, releasesTakeover: false, noteRequired: false },
  spam: { stampsCooldown: true, releasesTakeover: false, noteRequired: false },
  duplicate: { stampsCooldown: true, releasesTakeover: false, noteRequired: false },
  other: { stampsCooldown: false, releasesTakeover: false, noteRequired: true },
});

/** The resolve form's words for each reason (product-help.txt's table), in the table's order. */
export const RESOLVE_REASON_LABELS: Readonly<Record<ResolveReason, string>> = Object.freeze({
  handled: 'Handled',
  false_positive: 'False positive',
  spam: 'Spam',
  duplicate: 'Duplicate',
  other: 'Other',
});

/**
 * The lead's cooldown as the banner and the system note say it, in the tenant zone (SPEC §5.8).
 * @example cooldownNotice(new Date('2026-01-14T12:06:00Z'), 'America/Chicago') // 'Escalations paused until 6:06 AM CST'
 */
export function cooldownNotice(until: Date, timeZone: string): string {
  return `Escalations paused until ${formatTenantTime(until, timeZone)}`;
}

/** Reason codes that fire through a cooldown (SPEC §5.9). */
export const BYPASS_REASON_CODES: readonly string[] = Object.freeze(['critical', 'urgent', 'emergency']);

export const TASK_DISPOSITIONS = ['connected', 'voicemail_left', 'no_answer', 'wrong_number'] as const;
export type TaskDisposition = (typeof TASK_DISPOSITIONS)[number];
/** A successful callback implies the escalation is handled (SPEC §5.7). */
const RESOLVING_DISPOSITIONS: readonly TaskDisposition[] = ['connected', 'voicemail_left'];

export const RESOLUTION_NOTE_MAX_LENGTH = 2_000;

const SECOND_MS = 1_000;

export interface EscalationState {
  status: 'open' | 'resolved';
  teamId: string;
  cycle: number;
  openedAt: Date;
  lastActivityAt: Date;
  /** Customer messages and escalate actions since it opened. */
  activityCount: number;
  /** When its team was last notified (opened or re-escalated). */
  notifiedAt: Date;
  /** Activity not yet carried by a notification (waiting for the coalescing window). */
  unnotifiedActivity: number;
  resolvedBy: string | null;
  /** The resolver's name when they resolved (for "already resolved by …"). */
  resolvedByName: string | null;
  resolvedAt: Date | null;
  resolutionReason: ResolveReason | null;
  resolutionNote: string | null;
  resolutionSource: ResolutionSource | null;
}

export interface EscalateRequest {
  teamId: string;
  reason: string;
  reasonCode: string | null;
  trigger: EscalationTrigger;
  bypassCooldown: boolean;
}

export type EscalationEffect =
  /** Notify the team's members: a fresh escalation, or re-escalated activity (`count` activities). */
  | { kind: 'notify'; notification: 'escalation' | 're_escalated'; count: number }
  /** Arm (idempotently) the job that sends the coalesced re-escalated notification at `at`. */
  | { kind: 'schedule_notification_flush'; at: Date }
  /** Stamp `lead.cooldownUntil` and add a system note. */
  | { kind: 'stamp_cooldown'; until: Date }
  /** Release the takeover of the escalation's conversations (a manual `handled`). */
  | { kind: 'release_takeover' };

export type EscalateDecision =
  | { outcome: 'opened'; next: EscalationState; effects: EscalationEffect[] }
  | { outcome: 're_escalated'; next: EscalationState; effects: EscalationEffect[] }
  /** A rule-triggered escalation inside the lead's cooldown: nothing opens, nobody is notified. */
  | { outcome: 'suppressed'; cooldownUntil: Date };

/** True when an escalate request fires through a cooldown (SPEC §5.9). */
export function bypassesCooldown(request: Pick<EscalateRequest, 'trigger' | 'reasonCode' | 'bypassCooldown'>): boolean {
  if (request.trigger === 'sla_breach' || request.trigger === 'guardrail') return true;
  if (request.bypassCooldown) return true;
  return request.reasonCode !== null && BYPASS_REASON_CODES.includes(request.reasonCode.trim().toLowerCase());
}

/** Only rule-triggered escalations are held back by a cooldown; people asking explicitly are not (SPEC §5.8). */
function isSuppressed(request: EscalateRequest, cooldownUntil: Date | null, now: Date): boolean {
  return request.trigger === 'rule' && cooldownUntil !== null && now < cooldownUntil && !bypassesCooldown(request);
}

/**
 * An escalate request on a lead (SPEC §5.1, §5.8–§5.10). With an open escalation it is new
 * activity on that one (whatever team it names); otherwise it opens cycle `previousCycles + 1`,
 * unless a cooldown suppresses it.
 */
export function decideEscalate(
  input: { open: EscalationState | null; previousCycles: number; cooldownUntil: Date | null; coalesceSeconds: number },
  request: EscalateRequest,
  now: Date,
): EscalateDecision {
  if (input.open) return decideActivity(input.open, input.coalesceSeconds, now);
  if (isSuppressed(request, input.cooldownUntil, now)) return { outcome: 'suppressed', cooldownUntil: input.cooldownUntil! };
  const next: EscalationState = {
    status: 'open',
    teamId: request.teamId,
    cycle: input.previousCycles + 1,
    openedAt: now,
    lastActivityAt: now,
    activityCount: 0,
    notifiedAt: now,
    unnotifiedActivity: 0,
    resolvedBy: null,
    resolvedByName: null,
    resolvedAt: null,
    resolutionReason: null,
    resolutionNote: null,
    resolutionSource: null,
  };
  return { outcome: 'opened', next, effects: [{ kind: 'notify', notification: 'escalation', count: 1 }] };
}

/** When the coalescing window that began at the last notification closes. */
const windowClosesAt = (escalation: EscalationState, coalesceSeconds: number) => new Date(escalation.notifiedAt.getTime() + coalesceSeconds * SECOND_MS);

/**
 * New activity on an open escalation (a customer message, another escalate action; SPEC §5.10):
 * counted, and the team hears of it at most once per `coalesceSeconds`, with the count. Activity
 * inside the window waits for a flush at the window's end, so the last of a burst is never lost.
 */
export function decideActivity(escalation: EscalationState, coalesceSeconds: number, now: Date): EscalateDecision & { outcome: 're_escalated' } {
  if (escalation.status !== 'open') throw new RangeError('activity on a resolved escalation');
  const counted: EscalationState = { ...escalation, lastActivityAt: now, activityCount: escalation.activityCount + 1, unnotifiedActivity: escalation.unnotifiedActivity + 1 };
  const closesAt = windowClosesAt(escalation, coalesceSeconds);
  if (now >= closesAt) {
    const next = { ...counted, notifiedAt: now, unnotifiedActivity: 0 };
    return { outcome: 're_escalated', next, effects: [{ kind: 'notify', notification: 're_escalated', count: counted.unnotifiedActivity }] };
  }
  return { outcome: 're_escalated', next: counted, effects: [{ kind: 'schedule_notification_flush', at: closesAt }] };
}

/** The flush job at the end of a coalescing window: notifies waiting activity, if any is still due. */
export function decideNotificationFlush(escalation: EscalationState, coalesceSeconds: number, now: Date): { next: EscalationState; effects: EscalationEffect[] } {
  if (escalation.status !== 'open' || escalation.unnotifiedActivity === 0) return { next: escalation, effects: [] };
  const closesAt = windowClosesAt(escalation, coalesceSeconds);
  if (now < closesAt) return { next: escalation, effects: [{ kind: 'schedule_notification_flush', at: closesAt }] };
  return {
    next: { ...escalation, notifiedAt: now, unnotifiedActivity: 0 },
    effects: [{ kind: 'notify', notification: 're_escalated', count: escalation.unnotifiedActivity }],
  };
}

/** Who is resolving, as far as the rules care (SPEC §5.5). */
export interface Resolver {
  /** `agent:<id>`, `api_key:<id>` or `system`. */
  actor: string;
  name: string;
  /** The caller's role: an agent's role, or an API key's role. */
  role: 'agent' | 'admin' | 'superuser';
  /** Identity-provider groups (Cognito): `admin` / `superuser` may always resolve. */
  groups: readonly string[];
  /** Whether the acting agent is a member of the escalation's target team. */
  isTeamMember: boolean;
}

/** Members of the target team, admins and superusers (agents, admin API keys, IdP groups). */
export function mayResolve(resolver: Resolver): boolean {
  if (resolver.isTeamMember || resolver.role === 'admin' || resolver.role === 'superuser') return true;
  return resolver.groups.some((group) => ['admin', 'superuser'].includes(group.toLowerCase()));
}

/** `Only Billing or an admin can resolve this escalation`; the team is not named in HIPAA mode. */
export function resolvePermissionMessage(teamName: string | null): string {
  return `Only ${teamName ?? 'the escalated team'} or an admin can resolve this escalation`;
}

/** A resolution note: trimmed, at most 2,000 characters, required (non-blank) for `other`. */
export function validateResolutionNote(reason: ResolveReason, note: string | null | undefined): string | null {
  const trimmed = note?.trim() ?? '';
  if (trimmed.length > RESOLUTION_NOTE_MAX_LENGTH) throw new DomainError('BAD_REQUEST', `The note is too long: at most ${RESOLUTION_NOTE_MAX_LENGTH.toLocaleString('en-US')} characters`, 'note');
  if (!trimmed && RESOLVE_REASON_RULES[reason].noteRequired) throw new DomainError('BAD_REQUEST', 'Add a note: it is required when the reason is Other', 'note');
  return trimmed || null;
}

export function parseResolveReason(value: string): ResolveReason {
  if ((RESOLVE_REASONS as readonly string[]).includes(value)) return value as ResolveReason;
  throw new DomainError('BAD_REQUEST', `Unknown reason "${value}": use one of ${RESOLVE_REASONS.join(', ')}`, 'reason');
}

export interface ResolveCommand {
  resolver: Resolver;
  reason: ResolveReason;
  note: string | null;
  source: ResolutionSource;
  cooldownSeconds: number;
  /** The target team's name for the permission error; null in HIPAA mode (never named). */
  teamName: string | null;
}

/**
 * Resolves an open escalation (SPEC §5.6–§5.8). An already-resolved one is a CONFLICT naming who
 * resolved it and when (`describeInstant` formats the time in the tenant zone). Only a manual
 * `handled` releases the takeover: an automatic resolution never does (the agent is mid-work).
 */
export function decideResolve(escalation: EscalationState, command: ResolveCommand, now: Date, describeInstant: (at: Date) => string): { next: EscalationState; effects: EscalationEffect[] } {
  // Permission first: someone who may not resolve learns nothing about who did.
  if (command.source === 'manual' && !mayResolve(command.resolver)) throw new DomainError('FORBIDDEN', resolvePermissionMessage(command.teamName));
  if (escalation.status === 'resolved') {
    const when = escalation.resolvedAt ? ` at ${describeInstant(escalation.resolvedAt)}` : '';
    throw new DomainError('CONFLICT', `Already resolved by ${escalation.resolvedByName ?? 'someone'}${when}`);
  }
  const note = validateResolutionNote(command.reason, command.note);
  const rules = RESOLVE_REASON_RULES[command.reason];
  const next: EscalationState = {
    ...escalation,
    status: 'resolved',
    resolvedBy: command.resolver.actor,
    resolvedByName: command.resolver.name,
    resolvedAt: now,
    resolutionReason: command.reason,
    resolutionNote: note,
    resolutionSource: command.source,
    unnotifiedActivity: 0,
  };
  const effects: EscalationEffect[] = [];
  if (rules.stampsCooldown) effects.push({ kind: 'stamp_cooldown', until: new Date(now.getTime() + command.cooldownSeconds * SECOND_MS) });
  if (rules.releasesTakeover && command.source === 'manual') effects.push({ kind: 'release_takeover' });
  return { next, effects };
}

/** A reply (SMS or email) by a member of the target team resolves it as handled; anyone else's does not (SPEC §5.7). */
export function resolutionByReply(escalation: EscalationState | null, replier: { isTeamMember: boolean }): ResolveReason | null {
  return escalation?.status === 'open' && replier.isTeamMember ? 'handled' : null;
}

/**
 * A completed callback task: its resolution reason, else `handled` for `connected` /
 * `voicemail_left`; `no_answer` / `wrong_number` alone leave the escalation open (SPEC §5.7).
 */
export function resolutionByTask(task: { disposition: TaskDisposition | null; resolutionReason: ResolveReason | null }): ResolveReason | null {
  if (task.resolutionReason) return task.resolutionReason;
  return task.disposition && RESOLVING_DISPOSITIONS.includes(task.disposition) ? 'handled' : null;
}
