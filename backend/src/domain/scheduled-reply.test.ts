// Scheduled replies: every allowed and forbidden transition, banner actions, the send job's claim, delivery results, body limits.
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { ScheduledReplyStatus as StoredStatus } from '../db/entities/conversation.entities.js';
import { DomainError } from './errors.js';
import type { SafetyRailInput } from './safety-rail.js';
import {
  assertTransition,
  canTransition,
  decideCancel,
  decideClaimDue,
  decideDelivered,
  decideDeliveryFailed,
  decideEditAndSend,
  decideSendNow,
  decideSupersede,
  isReplyInFlightNotice,
  SCHEDULED_REPLY_STATUSES,
  validateReplyBody,
  type ReplyChannel,
  type ScheduledReplyState,
  type ScheduledReplyStatus,
} from './scheduled-reply.js';
import { NOT_TAKEN_OVER } from './takeover.js';

const t = (hhmmss: string) => new Date(`2025-06-02T${hhmmss}.000Z`);
const DUE = t('10:01:30');

const reply = (overrides: Partial<ScheduledReplyState> = {}): ScheduledReplyState => ({
  id: 'reply-1',
  status: 'pending',
  channel: 'sms',
  body: 'Thanks! Your order ships tomorrow.',
  dueAt: DUE,
  endReason: null,
  editedByAgentId: null,
  ...overrides,
});

const conflict = (message: string) => new DomainError('CONFLICT', message);

const ALLOWED: [ScheduledReplyStatus, ScheduledReplyStatus][] = [
  ['pending', 'sending'],
  ['pending', 'cancelled'],
  ['pending', 'superseded'],
  ['sending', 'sent'],
  ['sending', 'failed'],
];
const isAllowed = (from: ScheduledReplyStatus, to: ScheduledReplyStatus) => ALLOWED.some(([f, s]) => f === from && s === to);
const FORBIDDEN = SCHEDULED_REPLY_STATUSES.flatMap((from) => SCHEDULED_REPLY_STATUSES.filter((to) => !isAllowed(from, to)).map((to) => [from, to] as const));

describe('transition table', () => {
  it('matches the stored status column', () => {
    expectTypeOf<ScheduledReplyStatus>().toEqualTypeOf<StoredStatus>();
  });

  it('covers all 36 pairs between the six statuses', () => {
    expect(ALLOWED.length + FORBIDDEN.length).toBe(36);
  });

  it.each(ALLOWED)('allows %s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(true);
    expect(() => assertTransition(from, to)).not.toThrow();
  });

  it.each(FORBIDDEN)('forbids %s → %s with a CONFLICT', (from, to) => {
    expect(canTransition(from, to)).toBe(false);
    expect(() => assertTransition(from, to)).toThrow(DomainError);
    try {
      assertTransition(from, to);
    } catch (error) {
      expect((error as DomainError).code).toBe('CONFLICT');
    }
  });

  it.each<[ScheduledReplyStatus, string | null, string]>([
    ['sent', null, 'This reply was already sent'],
    ['sending', null, 'This reply is being sent right now'],
    ['superseded', 'superseded', 'This reply was replaced because the customer wrote again'],
    ['cancelled', 'agent', 'This reply was cancelled by an agent'],
    ['cancelled', 'takeover', 'This reply was cancelled by a takeover'],
    ['cancelled', 'human_replied', 'This reply was cancelled because an agent replied first'],
    ['cancelled', 'no_customer_message', 'This reply was cancelled because there was no customer message to answer'],
    ['cancelled', null, 'This reply was cancelled'],
    ['cancelled', 'constructor', 'This reply was cancelled'],
    ['failed', 'SMTP 550 mailbox unavailable', 'This reply could not be delivered'],
  ])('tells the agent why a %s reply (reason %s) cannot be sent: %s', (from, endReason, message) => {
    expect(() => assertTransition(from, 'sending', endReason)).toThrow(conflict(message));
  });
});

describe('validateReplyBody', () => {
  it.each<[string, ReplyChannel, string, string]>([
    ['plain SMS', 'sms', 'On my way', 'On my way'],
    ['trimmed', 'sms', '  On my way \n', 'On my way'],
    ['SMS at 1,600', 'sms', 'a'.repeat(1600), 'a'.repeat(1600)],
    ['SMS at 1,600 plus surrounding spaces', 'sms', ` ${'a'.repeat(1600)}\n`, 'a'.repeat(1600)],
    ['email over the SMS limit', 'email', 'a'.repeat(1601), 'a'.repeat(1601)],
    ['email at 20,000', 'email', 'a'.repeat(20_000), 'a'.repeat(20_000)],
  ])('accepts %s', (_name, channel, body, sent) => {
    expect(validateReplyBody(body, channel)).toBe(sent);
  });

  it.each<[string, ReplyChannel, string, string]>([
    ['empty', 'sms', '', 'The reply cannot be empty'],
    ['only whitespace', 'email', ' \n\t ', 'The reply cannot be empty'],
    ['SMS at 1,601', 'sms', 'a'.repeat(1601), 'An SMS reply can be at most 1,600 characters (this one has 1,601)'],
    ['email at 20,001', 'email', 'a'.repeat(20_001), 'An email reply can be at most 20,000 characters (this one has 20,001)'],
    ['SMS of 801 emoji (two UTF-16 units each)', 'sms', '🙂'.repeat(801), 'An SMS reply can be at most 1,600 characters (this one has 1,602)'],
  ])('rejects %s on the body field', (_name, channel, body, message) => {
    expect(() => validateReplyBody(body, channel)).toThrow(new DomainError('BAD_REQUEST', message, 'body'));
    try {
      validateReplyBody(body, channel);
    } catch (error) {
      expect((error as DomainError).field).toBe('body');
    }
  });
});

describe('decideSendNow', () => {
  it('claims the pending reply, removes its job, records the agent and delivers with the reply id as key', () => {
    const pending = reply();
    const decision = decideSendNow(pending, { agentId: 'ana' }, t('10:00:10'));
    const next = { ...pending, status: 'sending' };
    expect(decision).toEqual({
      changed: true,
      next,
      transition: { from: 'pending', to: 'sending' },
      effects: [
        { kind: 'remove_send_job' },
        { kind: 'record', event: 'reply.send_now', agentId: 'ana', before: pending, after: next },
        { kind: 'deliver_after_commit', idempotencyKey: 'reply-1', body: pending.body, editedByAgentId: null },
      ],
    });
  });

  it.each<[ScheduledReplyStatus, string | null, string]>([
    ['sending', null, 'This reply is being sent right now'],
    ['sent', null, 'This reply was already sent'],
    ['cancelled', 'takeover', 'This reply was cancelled by a takeover'],
    ['cancelled', 'agent', 'This reply was cancelled by an agent'],
    ['superseded', 'superseded', 'This reply was replaced because the customer wrote again'],
    ['failed', 'timeout', 'This reply could not be delivered'],
  ])('refuses a %s reply (%s)', (status, endReason, message) => {
    expect(() => decideSendNow(reply({ status, endReason }), { agentId: 'ana' }, t('10:00:10'))).toThrow(conflict(message));
  });
});

describe('decideEditAndSend', () => {
  it('sends the trimmed, edited text and records the editing agent', () => {
    const pending = reply();
    const decision = decideEditAndSend(pending, { agentId: 'ana', body: '  Ships Monday, sorry for the wait!  ' }, t('10:00:20'));
    const next = { ...pending, status: 'sending', body: 'Ships Monday, sorry for the wait!', editedByAgentId: 'ana' };
    expect(decision).toEqual({
      changed: true,
      next,
      transition: { from: 'pending', to: 'sending' },
      effects: [
        { kind: 'remove_send_job' },
        { kind: 'record', event: 'reply.edited', agentId: 'ana', before: pending, after: next },
        { kind: 'deliver_after_commit', idempotencyKey: 'reply-1', body: 'Ships Monday, sorry for the wait!', editedByAgentId: 'ana' },
      ],
    });
  });

  it('with the text unchanged, sends as drafted (no editor recorded)', () => {
    const pending = reply();
    const decision = decideEditAndSend(pending, { agentId: 'ana', body: `${pending.body}\n` }, t('10:00:20'));
    expect(decision.next.editedByAgentId).toBeNull();
    expect(decision.effects).toContainEqual(expect.objectContaining({ kind: 'record', event: 'reply.send_now', agentId: 'ana' }));
  });

  it.each<[string, ScheduledReplyState, string, DomainError]>([
    ['blank text', reply(), '   ', new DomainError('BAD_REQUEST', 'The reply cannot be empty', 'body')],
    ['SMS too long', reply(), 'x'.repeat(1601), new DomainError('BAD_REQUEST', 'An SMS reply can be at most 1,600 characters (this one has 1,601)', 'body')],
    ['email too long', reply({ channel: 'email' }), 'x'.repeat(20_001), new DomainError('BAD_REQUEST', 'An email reply can be at most 20,000 characters (this one has 20,001)', 'body')],
    ['already sent (status before body)', reply({ status: 'sent' }), '', conflict('This reply was already sent')],
    ['cancelled by a takeover', reply({ status: 'cancelled', endReason: 'takeover' }), 'ok', conflict('This reply was cancelled by a takeover')],
  ])('refuses %s', (_name, state, body, error) => {
    expect(() => decideEditAndSend(state, { agentId: 'ana', body }, t('10:00:20'))).toThrow(error);
  });

  it('allows a 20,000-character email', () => {
    const decision = decideEditAndSend(reply({ channel: 'email' }), { agentId: 'ana', body: 'x'.repeat(20_000) }, t('10:00:20'));
    expect(decision.next.body).toHaveLength(20_000);
  });
});

describe('decideCancel', () => {
  it.each([
    ['an agent', { reason: 'agent', agentId: 'ana' } as const, 'ana'],
    ['a takeover', { reason: 'takeover' } as const, null],
  ])('cancels a pending reply for %s', (_name, command, agentId) => {
    const pending = reply();
    const next = { ...pending, status: 'cancelled', endReason: command.reason };
    expect(decideCancel(pending, command, t('10:00:30'))).toEqual({
      changed: true,
      next,
      transition: { from: 'pending', to: 'cancelled' },
      effects: [{ kind: 'remove_send_job' }, { kind: 'record', event: 'reply.cancelled', agentId, before: pending, after: next }],
    });
  });

  it.each<[ScheduledReplyStatus, string | null, string]>([
    ['sending', null, 'This reply is being sent right now'],
    ['sent', null, 'This reply was already sent'],
    ['cancelled', 'agent', 'This reply was cancelled by an agent'],
    ['superseded', 'superseded', 'This reply was replaced because the customer wrote again'],
    ['failed', 'timeout', 'This reply could not be delivered'],
  ])('tells an agent cancelling a %s reply what happened', (status, endReason, message) => {
    expect(() => decideCancel(reply({ status, endReason }), { reason: 'agent', agentId: 'ana' }, t('10:00:30'))).toThrow(conflict(message));
  });

  it.each<ScheduledReplyStatus>(['sending', 'sent', 'cancelled', 'superseded', 'failed'])('a takeover leaves a %s reply alone', (status) => {
    const state = reply({ status });
    expect(decideCancel(state, { reason: 'takeover' }, t('10:00:30'))).toEqual({ changed: false, next: state, transition: null, effects: [] });
  });
});

describe('decideSupersede', () => {
  it('supersedes a pending reply when the customer writes again', () => {
    const pending = reply();
    const next = { ...pending, status: 'superseded', endReason: 'superseded' };
    expect(decideSupersede(pending, t('10:00:40'))).toEqual({
      changed: true,
      next,
      transition: { from: 'pending', to: 'superseded' },
      effects: [{ kind: 'remove_send_job' }, { kind: 'record', event: 'reply.superseded', agentId: null, before: pending, after: next }],
    });
  });

  it.each<ScheduledReplyStatus>(['sending', 'sent', 'cancelled', 'superseded', 'failed'])('leaves a %s reply alone (never fails the inbound message)', (status) => {
    const state = reply({ status });
    expect(decideSupersede(state, t('10:00:40'))).toEqual({ changed: false, next: state, transition: null, effects: [] });
  });
});

describe('decideClaimDue', () => {
  const clear: SafetyRailInput = {
    lastCustomerMessageAt: t('10:00:00'),
    lastAgentMessageAt: null,
    inReplyToMessageAt: t('10:00:00'),
    takeover: NOT_TAKEN_OVER,
  };

  it('claims a due reply: the cut-off on the timeline, then delivery after commit (no job removal: the job is the caller)', () => {
    const pending = reply();
    const next = { ...pending, status: 'sending' };
    expect(decideClaimDue(pending, { rail: clear }, DUE)).toEqual({
      changed: true,
      next,
      transition: { from: 'pending', to: 'sending' },
      effects: [
        { kind: 'record', event: 'reply.sending', agentId: null, before: pending, after: next },
        { kind: 'deliver_after_commit', idempotencyKey: 'reply-1', body: pending.body, editedByAgentId: null },
      ],
    });
  });

  it('claims a late job too', () => {
    expect(decideClaimDue(reply(), { rail: clear }, t('10:05:00')).transition).toEqual({ from: 'pending', to: 'sending' });
  });

  it('re-arms a job that ran early instead of sending', () => {
    const pending = reply();
    expect(decideClaimDue(pending, { rail: clear }, t('10:01:29'))).toEqual({
      changed: false,
      next: pending,
      transition: null,
      effects: [{ kind: 'schedule_send_job', at: DUE }],
    });
  });

  it.each<[string, SafetyRailInput, ScheduledReplyStatus, string]>([
    ['taken over since', { ...clear, takeover: { heldByAgentId: 'ana', source: 'manual', takenOverAt: t('10:01:00'), autoReleaseAt: null } }, 'cancelled', 'takeover'],
    ['held by a rule', { ...clear, takeover: { heldByAgentId: null, source: 'rule_hold', takenOverAt: t('10:01:00'), autoReleaseAt: null } }, 'cancelled', 'takeover'],
    ['an agent replied meanwhile', { ...clear, lastAgentMessageAt: t('10:01:00') }, 'cancelled', 'human_replied'],
    ['the customer wrote again', { ...clear, lastCustomerMessageAt: t('10:01:10') }, 'superseded', 'superseded'],
    ['no customer message', { ...clear, lastCustomerMessageAt: null, inReplyToMessageAt: null }, 'cancelled', 'no_customer_message'],
  ])('re-checks inside the claim: %s → %s (%s)', (_name, rail, status, endReason) => {
    const pending = reply();
    const decision = decideClaimDue(pending, { rail }, DUE);
    expect(decision.next).toEqual({ ...pending, status, endReason });
    expect(decision.transition).toEqual({ from: 'pending', to: status });
    expect(decision.effects.some((effect) => effect.kind === 'deliver_after_commit')).toBe(false);
    expect(decision.effects).toContainEqual(expect.objectContaining({ kind: 'record', event: `reply.${status}`, agentId: null }));
  });

  it.each<ScheduledReplyStatus>(['sending', 'sent', 'cancelled', 'superseded', 'failed'])('does nothing for a %s reply (the world moved on)', (status) => {
    const state = reply({ status });
    expect(decideClaimDue(state, { rail: clear }, DUE)).toEqual({ changed: false, next: state, transition: null, effects: [] });
  });
});

describe('delivery results', () => {
  it('marks a delivered reply sent', () => {
    const sending = reply({ status: 'sending' });
    const next = { ...sending, status: 'sent' };
    expect(decideDelivered(sending, t('10:01:31'))).toEqual({
      changed: true,
      next,
      transition: { from: 'sending', to: 'sent' },
      effects: [{ kind: 'record', event: 'reply.sent', agentId: null, before: sending, after: next }],
    });
  });

  it('keeps a failed delivery sending (past the cut-off) and records the retry: when, after how many attempts, why', () => {
    const sending = reply({ status: 'sending' });
    const retryAt = t('10:02:00');
    expect(decideDeliveryFailed(sending, { error: 'gateway timeout', attempts: 2, retryAt }, t('10:01:31'))).toEqual({
      changed: true,
      next: sending,
      transition: null,
      effects: [
        { kind: 'record', event: 'reply.retry_scheduled', agentId: null, before: sending, after: sending, details: { attempts: 2, error: 'gateway timeout', retryAt: '2025-06-02T10:02:00.000Z' } },
      ],
    });
  });

  it('marks it failed, with the error, when retries are exhausted, and removes its deliver job', () => {
    const sending = reply({ status: 'sending' });
    const decision = decideDeliveryFailed(sending, { error: 'gateway timeout', attempts: 5, retryAt: null }, t('10:05:00'));
    expect(decision.next).toEqual({ ...sending, status: 'failed', endReason: 'gateway timeout' });
    expect(decision.transition).toEqual({ from: 'sending', to: 'failed' });
    expect(decision.effects).toEqual([
      { kind: 'remove_delivery_job' },
      { kind: 'record', event: 'reply.failed', agentId: null, before: sending, after: decision.next, details: { attempts: 5, error: 'gateway timeout' } },
    ]);
  });

  it.each<ScheduledReplyStatus>(['pending', 'sent', 'cancelled', 'superseded', 'failed'])('refuses a delivery result for a %s reply', (status) => {
    expect(() => decideDelivered(reply({ status }), t('10:05:00'))).toThrow(DomainError);
    expect(() => decideDeliveryFailed(reply({ status }), { error: 'x', attempts: 1, retryAt: null }, t('10:05:00'))).toThrow(DomainError);
    expect(() => decideDeliveryFailed(reply({ status }), { error: 'x', attempts: 1, retryAt: t('10:06:00') }, t('10:05:00'))).toThrow(DomainError);
  });
});

describe('exactly once (SPEC §3.4)', () => {
  it('whatever wins the race from pending, every other action then fails or does nothing', () => {
    const now = DUE;
    const rail: SafetyRailInput = { lastCustomerMessageAt: t('10:00:00'), lastAgentMessageAt: null, inReplyToMessageAt: t('10:00:00'), takeover: NOT_TAKEN_OVER };
    const winners = [
      decideSendNow(reply(), { agentId: 'ana' }, now).next,
      decideEditAndSend(reply(), { agentId: 'ana', body: 'edited' }, now).next,
      decideClaimDue(reply(), { rail }, now).next,
      decideCancel(reply(), { reason: 'agent', agentId: 'ben' }, now).next,
      decideSupersede(reply(), now).next,
    ];
    for (const after of winners) {
      const deliveries = [
        () => decideSendNow(after, { agentId: 'ben' }, now),
        () => decideEditAndSend(after, { agentId: 'ben', body: 'mine' }, now),
        () => decideClaimDue(after, { rail }, now),
      ].flatMap((attempt) => {
        try {
          return attempt().effects.filter((effect) => effect.kind === 'deliver_after_commit');
        } catch (error) {
          expect((error as DomainError).code).toBe('CONFLICT');
          return [];
        }
      });
      expect(deliveries).toEqual([]);
    }
  });
});

describe('isReplyInFlightNotice (the banner: past the point of no return)', () => {
  const takenOverAt = t('10:00:00');
  it.each<[string, ScheduledReplyStatus, Date, Date | null, Date, boolean]>([
    ['sending, not taken over', 'sending', t('09:59:00'), null, t('10:00:10'), true],
    ['sending, taken over after the cut-off', 'sending', t('09:59:59'), takenOverAt, t('10:00:10'), true],
    ['sent after the takeover', 'sent', t('10:00:01'), takenOverAt, t('10:00:10'), true],
    ['sent moments before the takeover', 'sent', t('09:59:40'), takenOverAt, t('10:00:10'), true],
    ['sent long before the takeover', 'sent', t('09:58:00'), takenOverAt, t('10:00:10'), false],
    ['sent, the takeover two minutes old', 'sent', t('10:00:01'), takenOverAt, t('10:02:00'), false],
    ['sent, not taken over', 'sent', t('10:00:01'), null, t('10:00:10'), false],
    ['pending', 'pending', t('10:00:01'), takenOverAt, t('10:00:10'), false],
    ['failed (its own banner)', 'failed', t('10:00:01'), takenOverAt, t('10:00:10'), false],
  ])('%s → %s', (_name, status, updatedAt, takeover, now, shown) => {
    expect(isReplyInFlightNotice({ status, updatedAt }, takeover, now)).toBe(shown);
  });
});
