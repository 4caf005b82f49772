// The scheduled-reply state machine (SPEC §3.3–§3.5): allowed transitions as data, and pure decisions for the banner actions and the send job.
import { DomainError } from './errors.js';
import { mayAiReply, type SafetyRailInput } from './safety-rail.js';

export const SCHEDULED_REPLY_STATUSES = ['pending', 'sending', 'sent', 'cancelled', 'superseded', 'failed'] as const;
export type ScheduledReplyStatus = (typeof SCHEDULED_REPLY_STATUSES)[number];

/**
 * Every allowed status change; anything else is refused. `pending → sending` is the cut-off (SPEC
 * §3.4, README "point of no return"): a `sending` reply is already leaving, so it only ends `sent`
 * or `failed` (delivery retries keep it `sending`). The terminal statuses (`sent`, `cancelled`,
 * `superseded`, `failed`) lead nowhere, which is what makes a reply go out at most once.
 */
export const SCHEDULED_REPLY_TRANSITIONS: Readonly<Record<ScheduledReplyStatus, readonly ScheduledReplyStatus[]>> = Object.freeze({
  pending: ['sending', 'cancelled', 'superseded'],
  sending: ['sent', 'failed'],
  sent: [],
  cancelled: [],
  superseded: [],
  failed: [],
});

export type ReplyChannel = 'sms' | 'email';

/** The longest reply body per channel, in UTF-16 code units (what `String.length`, zod and HTML `maxlength` count). */
export const REPLY_BODY_MAX_LENGTH: Readonly<Record<ReplyChannel, number>> = Object.freeze({ sms: 1600, email: 20_000 });

/** Why a reply ended without being sent; `failed` replies carry the delivery error instead. */
export type ReplyEndReason = 'agent' | 'takeover' | 'superseded' | 'human_replied' | 'no_customer_message';

/** The columns of a scheduled reply that its rules read and write. */
export interface ScheduledReplyState {
  /** Also the delivery idempotency key. */
  id: string;
  status: ScheduledReplyStatus;
  channel: ReplyChannel;
  body: string;
  /** When the send job should claim it. */
  dueAt: Date;
  /** A `ReplyEndReason`, or the delivery error of a `failed` reply; null while it may still be sent. */
  endReason: string | null;
  /** The agent who used Edit & Send; null: sent as drafted. */
  editedByAgentId: string | null;
}

export const REPLY_EVENT_TYPES = [
  'reply.send_now',
  'reply.edited',
  'reply.sending',
  'reply.sent',
  'reply.retry_scheduled',
  'reply.failed',
  'reply.cancelled',
  'reply.superseded',
] as const;
export type ReplyEventType = (typeof REPLY_EVENT_TYPES)[number];

/** What the service must do with a decision, in the decision's transaction unless said otherwise. */
export type ReplyEffect =
  /** Remove the reply's send job (the reply no longer waits for it). */
  | { kind: 'remove_send_job' }
  /** (Re-)arm the reply's send job at `at`. */
  | { kind: 'schedule_send_job'; at: Date }
  /**
   * The cut-off was taken: arm the reply's deliver job in this transaction, and once it commits hand
   * the body to the connector with the reply id as idempotency key (SPEC §3.4) — never inside it.
   */
  | { kind: 'deliver_after_commit'; idempotencyKey: string; body: string; editedByAgentId: string | null }
  /** Remove the reply's deliver job (the delivery gave up). */
  | { kind: 'remove_delivery_job' }
  /**
   * Append to the timeline (SPEC §6); `agentId` null: done by Baton itself. `details` (attempts,
   * error, retry time) are added to the event's `after`.
   */
  | { kind: 'record'; event: ReplyEventType; agentId: string | null; before: ScheduledReplyState; after: ScheduledReplyState; details?: Record<string, string | number | null> };

/** The outcome of a reply rule. Write `next` with `UPDATE … WHERE status = transition.from`; apply effects in order, even when nothing changed. */
export interface ReplyDecision {
  next: ScheduledReplyState;
  /** The conditional update to make; null: write nothing. */
  transition: { from: ScheduledReplyStatus; to: ScheduledReplyStatus } | null;
  effects: ReplyEffect[];
  changed: boolean;
}

/** True when the table allows `from → to`. */
export function canTransition(from: ScheduledReplyStatus, to: ScheduledReplyStatus): boolean {
  return SCHEDULED_REPLY_TRANSITIONS[from].includes(to);
}

const CANCELLED_BECAUSE: Record<ReplyEndReason, string> = {
  agent: 'This reply was cancelled by an agent',
  takeover: 'This reply was cancelled by a takeover',
  superseded: 'This reply was replaced because the customer wrote again',
  human_replied: 'This reply was cancelled because an agent replied first',
  no_customer_message: 'This reply was cancelled because there was no customer message to answer',
};

function refusal(from: ScheduledReplyStatus, endReason: string | null | undefined): string {
  switch (from) {
    case 'sent':
      return 'This reply was already sent';
    case 'sending':
      return 'This reply is being sent right now';
    case 'superseded':
      return 'This reply was replaced because the customer wrote again';
    case 'cancelled':
      return endReason && Object.hasOwn(CANCELLED_BECAUSE, endReason) ? CANCELLED_BECAUSE[endReason as ReplyEndReason] : 'This reply was cancelled';
    case 'failed':
      return 'This reply could not be delivered';
    case 'pending':
      return 'This reply has not been sent yet';
  }
}

/**
 * Throws `DomainError('CONFLICT')` unless the table allows `from → to`, with a message for the
 * agent whose action lost the race; pass the reply's `endReason` to say who cancelled it.
 * @example assertTransition('cancelled', 'sending', 'takeover') // throws "This reply was cancelled by a takeover"
 */
export function assertTransition(from: ScheduledReplyStatus, to: ScheduledReplyStatus, endReason?: string | null): void {
  if (!canTransition(from, to)) throw new DomainError('CONFLICT', refusal(from, endReason));
}

/**
 * Checks an edited reply body and returns it trimmed (what will be sent): not blank, at most
 * 1,600 characters for SMS and 20,000 for email. Errors name the field `body`.
 */
export function validateReplyBody(body: string, channel: ReplyChannel): string {
  const trimmed = body.trim();
  if (trimmed.length === 0) throw new DomainError('BAD_REQUEST', 'The reply cannot be empty', 'body');
  const max = REPLY_BODY_MAX_LENGTH[channel];
  if (trimmed.length > max) {
    const kind = channel === 'sms' ? 'An SMS' : 'An email';
    throw new DomainError(
      'BAD_REQUEST',
      `${kind} reply can be at most ${max.toLocaleString('en-US')} characters (this one has ${trimmed.length.toLocaleString('en-US')})`,
      'body',
    );
  }
  return trimmed;
}

const unchanged = (reply: ScheduledReplyState, effects: ReplyEffect[] = []): ReplyDecision => ({
  next: reply,
  transition: null,
  effects,
  changed: false,
});

function move(reply: ScheduledReplyState, next: ScheduledReplyState, effects: ReplyEffect[]): ReplyDecision {
  assertTransition(reply.status, next.status, reply.endReason);
  return { next, transition: { from: reply.status, to: next.status }, effects, changed: true };
}

const deliver = (reply: ScheduledReplyState): ReplyEffect => ({
  kind: 'deliver_after_commit',
  idempotencyKey: reply.id,
  body: reply.body,
  editedByAgentId: reply.editedByAgentId,
});

/**
 * **Send Now** (SPEC §3.3): claims the pending reply at once. An agent's explicit approval, so the
 * safety rail is not re-checked; a takeover or a newer customer message has already ended the reply.
 * @throws DomainError CONFLICT when the reply is no longer pending
 */
export function decideSendNow(reply: ScheduledReplyState, command: { agentId: string }, _now: Date): ReplyDecision {
  const next: ScheduledReplyState = { ...reply, status: 'sending' };
  return move(reply, next, [
    { kind: 'remove_send_job' },
    { kind: 'record', event: 'reply.send_now', agentId: command.agentId, before: reply, after: next },
    deliver(next),
  ]);
}

/**
 * **Edit & Send** (SPEC §3.3): replaces the body (trimmed, validated for the reply's channel) and
 * claims the reply. The editing agent is recorded only if the text actually changed.
 * @throws DomainError CONFLICT when the reply is no longer pending, BAD_REQUEST on `body`
 */
export function decideEditAndSend(reply: ScheduledReplyState, command: { agentId: string; body: string }, _now: Date): ReplyDecision {
  assertTransition(reply.status, 'sending', reply.endReason);
  const body = validateReplyBody(command.body, reply.channel);
  const edited = body !== reply.body;
  const next: ScheduledReplyState = { ...reply, status: 'sending', body, editedByAgentId: edited ? command.agentId : reply.editedByAgentId };
  const event: ReplyEventType = edited ? 'reply.edited' : 'reply.send_now';
  return move(reply, next, [
    { kind: 'remove_send_job' },
    { kind: 'record', event, agentId: command.agentId, before: reply, after: next },
    deliver(next),
  ]);
}

/** Who cancels: an agent from the banner, or a takeover (SPEC §2.1). */
export type CancelCommand = { reason: 'agent'; agentId: string } | { reason: 'takeover' };

/**
 * **Cancel** (SPEC §3.3): the reply is never sent. An agent cancelling a reply that is no longer
 * pending gets a CONFLICT saying what happened to it; a takeover finding it no longer pending does nothing.
 */
export function decideCancel(reply: ScheduledReplyState, command: CancelCommand, _now: Date): ReplyDecision {
  if (command.reason === 'takeover' && reply.status !== 'pending') return unchanged(reply);
  const next: ScheduledReplyState = { ...reply, status: 'cancelled', endReason: command.reason };
  const agentId = command.reason === 'agent' ? command.agentId : null;
  return move(reply, next, [
    { kind: 'remove_send_job' },
    { kind: 'record', event: 'reply.cancelled', agentId, before: reply, after: next },
  ]);
}

/**
 * A new customer message arrived while the reply was pending (SPEC §3.5): it is superseded and the
 * AI drafts afresh. A reply already claimed or ended is left alone (never an error on the inbound path).
 */
export function decideSupersede(reply: ScheduledReplyState, _now: Date): ReplyDecision {
  if (reply.status !== 'pending') return unchanged(reply);
  const next: ScheduledReplyState = { ...reply, status: 'superseded', endReason: 'superseded' };
  return move(reply, next, [
    { kind: 'remove_send_job' },
    { kind: 'record', event: 'reply.superseded', agentId: null, before: reply, after: next },
  ]);
}

/**
 * The send job's claim (SPEC §3.4): inside one transaction that holds the conversation lock,
 * re-check takeover and the safety rail, then `pending → sending` — the cut-off, written to the
 * timeline as `reply.sending` — and deliver after commit. Does nothing if the reply moved on;
 * re-arms the job if it ran before `dueAt`; ends the reply if the rail now blocks it (a newer
 * customer message supersedes it, anything else cancels it).
 */
export function decideClaimDue(reply: ScheduledReplyState, command: { rail: SafetyRailInput }, now: Date): ReplyDecision {
  if (reply.status !== 'pending') return unchanged(reply);
  if (now.getTime() < reply.dueAt.getTime()) return unchanged(reply, [{ kind: 'schedule_send_job', at: reply.dueAt }]);

  const verdict = mayAiReply(command.rail);
  if (!verdict.allowed) {
    if (verdict.reason === 'newer_customer_message') return decideSupersede(reply, now);
    const endReason: ReplyEndReason = verdict.reason === 'taken_over' ? 'takeover' : verdict.reason === 'human_replied_since' ? 'human_replied' : 'no_customer_message';
    const next: ScheduledReplyState = { ...reply, status: 'cancelled', endReason };
    return move(reply, next, [{ kind: 'record', event: 'reply.cancelled', agentId: null, before: reply, after: next }]);
  }
  const next: ScheduledReplyState = { ...reply, status: 'sending' };
  return move(reply, next, [{ kind: 'record', event: 'reply.sending', agentId: null, before: reply, after: next }, deliver(next)]);
}

/**
 * The connector accepted the reply: `sending → sent`.
 * @throws DomainError CONFLICT when the reply was not being sent
 */
export function decideDelivered(reply: ScheduledReplyState, _now: Date): ReplyDecision {
  const next: ScheduledReplyState = { ...reply, status: 'sent' };
  return move(reply, next, [{ kind: 'record', event: 'reply.sent', agentId: null, before: reply, after: next }]);
}

/**
 * A delivery attempt failed (SPEC §7). The reply is past its cut-off, so it stays `sending` while a
 * retry follows (`retryAt`, the service's backoff; the timeline says when, after how many
 * attempts, and why); without one it is `failed`, shown on the banner, with the error as `endReason`.
 * @throws DomainError CONFLICT when the reply was not being sent
 */
export function decideDeliveryFailed(reply: ScheduledReplyState, command: { error: string; attempts: number; retryAt: Date | null }, _now: Date): ReplyDecision {
  assertTransition(reply.status, 'failed', reply.endReason); // only a reply being sent can fail
  const details = { attempts: command.attempts, error: command.error };
  if (command.retryAt !== null) {
    return {
      next: reply,
      transition: null,
      changed: true,
      effects: [{ kind: 'record', event: 'reply.retry_scheduled', agentId: null, before: reply, after: reply, details: { ...details, retryAt: command.retryAt.toISOString() } }],
    };
  }
  const next: ScheduledReplyState = { ...reply, status: 'failed', endReason: command.error };
  return move(reply, next, [
    { kind: 'remove_delivery_job' },
    { kind: 'record', event: 'reply.failed', agentId: null, before: reply, after: next, details },
  ]);
}

/** How long around a takeover a reply that went out is still news for the agent who took over. */
export const SENT_AROUND_TAKEOVER_MS = 30_000;
/** How long after the takeover the banner keeps saying so. */
export const IN_FLIGHT_NOTICE_MS = 120_000;

/**
 * Does the banner show this reply as past its point of no return (issue 11 item 2)? A `sending`
 * reply always (it cannot be stopped; retries show there); a `sent` one only while the conversation
 * is taken over, when it went out no earlier than moments before the takeover and the takeover is recent.
 * @example isReplyInFlightNotice({ status: 'sent', updatedAt: t('10:00:05') }, t('10:00:00'), t('10:00:30')) // true
 */
export function isReplyInFlightNotice(reply: { status: ScheduledReplyStatus; updatedAt: Date }, takenOverAt: Date | null, now: Date): boolean {
  if (reply.status === 'sending') return true;
  if (reply.status !== 'sent' || takenOverAt === null) return false;
  return reply.updatedAt.getTime() >= takenOverAt.getTime() - SENT_AROUND_TAKEOVER_MS && now.getTime() - takenOverAt.getTime() < IN_FLIGHT_NOTICE_MS;
}
