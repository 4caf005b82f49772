// Escalation rules (SPEC §5): the reason table, notes, who may resolve, automatic resolution, cooldown and bypass, coalesced re-escalations.
import { describe, expect, it } from 'vitest';
import { formatTenantTime } from './business-hours.js';
import { DomainError } from './errors.js';
import {
  bypassesCooldown,
  cooldownNotice,
  decideActivity,
  decideEscalate,
  decideNotificationFlush,
  decideResolve,
  mayResolve,
  parseResolveReason,
  RESOLUTION_NOTE_MAX_LENGTH,
  RESOLVE_REASON_LABELS,
  RESOLVE_REASON_RULES,
  RESOLVE_REASONS,
  resolutionByReply,
  resolutionByTask,
  resolvePermissionMessage,
  TASK_DISPOSITIONS,
  validateResolutionNote,
  type EscalateRequest,
  type EscalationEffect,
  type EscalationState,
  type ResolutionSource,
  type ResolveCommand,
  type ResolveReason,
  type Resolver,
  type TaskDisposition,
} from './escalation.js';

const T0 = new Date('2026-01-14T16:00:00Z');
const afterMs = (ms: number, from: Date = T0) => new Date(from.getTime() + ms);
const after = (seconds: number, from: Date = T0) => afterMs(seconds * 1_000, from);
const TWO_HOURS = 7_200;
const COALESCE = 60;

/** The tenant's clock for messages, as the service passes it (America/Chicago). */
const describeInstant = (at: Date) => formatTenantTime(at, 'America/Chicago');

/** An escalation of the Billing team opened at T0 and notified then, with no activity yet. */
function openEscalation(overrides: Partial<EscalationState> = {}): EscalationState {
  return {
    status: 'open',
    teamId: 'team-billing',
    cycle: 1,
    openedAt: T0,
    lastActivityAt: T0,
    activityCount: 0,
    notifiedAt: T0,
    unnotifiedActivity: 0,
    resolvedBy: null,
    resolvedByName: null,
    resolvedAt: null,
    resolutionReason: null,
    resolutionNote: null,
    resolutionSource: null,
    ...overrides,
  };
}

/** Resolved by Dana at 5:03 PM CST (23:03 UTC). */
const resolvedEscalation = (overrides: Partial<EscalationState> = {}): EscalationState =>
  openEscalation({
    status: 'resolved',
    resolvedBy: 'agent:dana',
    resolvedByName: 'Dana',
    resolvedAt: new Date('2026-01-14T23:03:00Z'),
    resolutionReason: 'spam',
    resolutionSource: 'manual',
    ...overrides,
  });

/** Dana, an agent on the Billing team. */
const resolver = (overrides: Partial<Resolver> = {}): Resolver => ({ actor: 'agent:dana', name: 'Dana', role: 'agent', groups: [], isTeamMember: true, ...overrides });
const outsider = (overrides: Partial<Resolver> = {}): Resolver => resolver({ actor: 'agent:omar', name: 'Omar', isTeamMember: false, ...overrides });

const command = (overrides: Partial<ResolveCommand> = {}): ResolveCommand => ({
  resolver: resolver(),
  reason: 'handled',
  note: null,
  source: 'manual',
  cooldownSeconds: TWO_HOURS,
  teamName: 'Billing',
  ...overrides,
});

const request = (overrides: Partial<EscalateRequest> = {}): EscalateRequest => ({
  teamId: 'team-billing',
  reason: 'Customer asked for a refund',
  reasonCode: null,
  trigger: 'rule',
  bypassCooldown: false,
  ...overrides,
});

/** The DomainError `run` throws (anything else fails the test). */
function domainErrorOf(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

const problem = (error: DomainError) => ({ code: error.code, message: error.message, field: error.field });

const NOTE_REQUIRED = 'Add a note: it is required when the reason is Other';
const NOTE_TOO_LONG = 'The note is too long: at most 2,000 characters';

describe('RESOLVE_REASON_RULES (product-help.txt "Resolve via the banner")', () => {
  // label, reason, triggers cooldown, releases takeover, note required
  const table: [string, ResolveReason, boolean, boolean, boolean][] = [
    ['Handled', 'handled', false, true, false],
    ['False positive', 'false_positive', true, false, false],
    ['Spam', 'spam', true, false, false],
    ['Duplicate', 'duplicate', true, false, false],
    ['Other', 'other', false, false, true],
  ];

  it('has one rule per reason, and one reason per line of the table', () => {
    expect(Object.keys(RESOLVE_REASON_RULES).sort()).toEqual([...RESOLVE_REASONS].sort());
    expect(table.map(([, reason]) => reason).sort()).toEqual([...RESOLVE_REASONS].sort());
  });

  it.each(table)('%s: cooldown %s, releases takeover %s, note required %s', (_label, reason, stampsCooldown, releasesTakeover, noteRequired) => {
    expect(RESOLVE_REASON_RULES[reason]).toEqual({ stampsCooldown, releasesTakeover, noteRequired });
  });

  it('labels the reasons as the form shows them, in the table order', () => {
    expect(RESOLVE_REASONS.map((reason) => RESOLVE_REASON_LABELS[reason])).toEqual(table.map(([label]) => label));
  });

  it.each(table)('%s resolved from the banner: stamps cooldown %s, releases takeover %s', (_label, reason, stampsCooldown, releasesTakeover) => {
    const now = after(600);
    const { effects } = decideResolve(openEscalation(), command({ reason, note: 'Checked the thread' }), now, describeInstant);
    const expected: EscalationEffect[] = [];
    if (stampsCooldown) expected.push({ kind: 'stamp_cooldown', until: after(TWO_HOURS, now) });
    if (releasesTakeover) expected.push({ kind: 'release_takeover' });
    expect(effects).toEqual(expected);
  });

  it.each<[ResolveReason, number, Date]>([
    ['spam', TWO_HOURS, new Date('2026-01-14T18:10:00Z')],
    ['false_positive', 180, new Date('2026-01-14T16:13:00Z')],
    ['duplicate', 0, new Date('2026-01-14T16:10:00Z')],
  ])('%s with a cooldown of %i s stamps now + cooldown', (reason, cooldownSeconds, until) => {
    const { effects } = decideResolve(openEscalation(), command({ reason, cooldownSeconds }), after(600), describeInstant);
    expect(effects).toEqual([{ kind: 'stamp_cooldown', until }]);
  });

  it('records who resolved, why, when and how; clears waiting activity', () => {
    const now = after(600);
    const state = openEscalation({ activityCount: 3, unnotifiedActivity: 2, lastActivityAt: after(300) });
    const { next } = decideResolve(state, command({ reason: 'other', note: '  Customer moved to the enterprise plan  ' }), now, describeInstant);
    expect(next).toEqual({
      ...state,
      status: 'resolved',
      resolvedBy: 'agent:dana',
      resolvedByName: 'Dana',
      resolvedAt: now,
      resolutionReason: 'other',
      resolutionNote: 'Customer moved to the enterprise plan',
      resolutionSource: 'manual',
      unnotifiedActivity: 0,
    });
  });
});

describe('validateResolutionNote', () => {
  const longest = 'x'.repeat(RESOLUTION_NOTE_MAX_LENGTH);

  it.each<[string, ResolveReason, string | null | undefined, string | null]>([
    ['Other with a note', 'other', 'Called the customer back', 'Called the customer back'],
    ['Other, trimmed', 'other', '  \n Called back \t ', 'Called back'],
    ['Other, 2,000 characters', 'other', longest, longest],
    ['2,000 characters once trimmed', 'spam', `  ${longest}  `, longest],
    ['handled, no note', 'handled', null, null],
    ['handled, note omitted', 'handled', undefined, null],
    ['false positive, empty note', 'false_positive', '', null],
    ['spam, blank note', 'spam', '   ', null],
    ['duplicate with a note', 'duplicate', ' Same as lead 42 ', 'Same as lead 42'],
    ['handled, 2,000 characters', 'handled', longest, longest],
  ])('%s → accepted', (_name, reason, note, expected) => {
    expect(validateResolutionNote(reason, note)).toBe(expected);
  });

  it.each<[string, ResolveReason, string | null | undefined, string]>([
    ['Other, empty', 'other', '', NOTE_REQUIRED],
    ['Other, blank', 'other', '   ', NOTE_REQUIRED],
    ['Other, whitespace lines', 'other', '\n\t \n', NOTE_REQUIRED],
    ['Other, null', 'other', null, NOTE_REQUIRED],
    ['Other, omitted', 'other', undefined, NOTE_REQUIRED],
    ['Other, 2,001 characters', 'other', `${longest}x`, NOTE_TOO_LONG],
    ['handled, 2,001 characters', 'handled', `${longest}x`, NOTE_TOO_LONG],
    ['spam, 2,001 characters inside spaces', 'spam', `  ${longest}x  `, NOTE_TOO_LONG],
  ])('%s → BAD_REQUEST on note', (_name, reason, note, message) => {
    expect(problem(domainErrorOf(() => validateResolutionNote(reason, note)))).toEqual({ code: 'BAD_REQUEST', message, field: 'note' });
  });

  it.each<[string | null, string]>([
    ['', NOTE_REQUIRED],
    ['   ', NOTE_REQUIRED],
    [null, NOTE_REQUIRED],
    [`${longest}x`, NOTE_TOO_LONG],
  ])('decideResolve rejects Other with note %j', (note, message) => {
    const error = domainErrorOf(() => decideResolve(openEscalation(), command({ reason: 'other', note }), after(60), describeInstant));
    expect(problem(error)).toEqual({ code: 'BAD_REQUEST', message, field: 'note' });
  });
});

describe('parseResolveReason', () => {
  it.each(RESOLVE_REASONS)('%s → itself', (reason) => {
    expect(parseResolveReason(reason)).toBe(reason);
  });

  it.each(['', 'Handled', 'false positive', 'resolved', 'toString'])('%j → BAD_REQUEST on reason', (value) => {
    expect(problem(domainErrorOf(() => parseResolveReason(value)))).toEqual({
      code: 'BAD_REQUEST',
      message: `Unknown reason "${value}": use one of handled, false_positive, spam, duplicate, other`,
      field: 'reason',
    });
  });
});

describe('decideResolve on a resolved escalation', () => {
  it.each<[string, EscalationState, Partial<ResolveCommand>, string]>([
    ['by a team member', resolvedEscalation(), {}, 'Already resolved by Dana at 5:03 PM CST'],
    ['by an admin, as Other without a note', resolvedEscalation(), { resolver: outsider({ role: 'admin' }), reason: 'other' }, 'Already resolved by Dana at 5:03 PM CST'],
    ['automatically, by a reply', resolvedEscalation(), { source: 'reply' }, 'Already resolved by Dana at 5:03 PM CST'],
    ['automatically, by a task', resolvedEscalation({ resolvedByName: 'Ana', resolvedAt: new Date('2026-01-15T01:30:00Z') }), { source: 'task' }, 'Already resolved by Ana at 7:30 PM CST'],
    ['with no name recorded', resolvedEscalation({ resolvedByName: null }), {}, 'Already resolved by someone at 5:03 PM CST'],
    ['with no time recorded', resolvedEscalation({ resolvedAt: null }), {}, 'Already resolved by Dana'],
  ])('%s → CONFLICT naming who and when', (_name, state, overrides, message) => {
    expect(problem(domainErrorOf(() => decideResolve(state, command(overrides), after(3_600 * 8), describeInstant)))).toEqual({ code: 'CONFLICT', message, field: undefined });
  });
});

it('an outsider resolving a resolved escalation is told they may not, not who resolved it', () => {
  const error = domainErrorOf(() => decideResolve(resolvedEscalation(), command({ resolver: outsider(), teamName: 'Billing' }), after(3_600 * 8), describeInstant));
  expect(problem(error)).toEqual({ code: 'FORBIDDEN', message: 'Only Billing or an admin can resolve this escalation', field: undefined });
});

describe('who may resolve (SPEC §5.5)', () => {
  it.each<[string, Resolver, boolean]>([
    ['a team member', resolver(), true],
    ['an agent of another team', outsider(), false],
    ['an admin agent', outsider({ role: 'admin' }), true],
    ['a superuser agent', outsider({ role: 'superuser' }), true],
    ['an agent in IdP group "Admin"', outsider({ groups: ['support', 'Admin'] }), true],
    ['an agent in IdP group "admin"', outsider({ groups: ['admin'] }), true],
    ['an agent in IdP group "SuperUser"', outsider({ groups: ['SuperUser'] }), true],
    ['an agent in IdP group "superuser"', outsider({ groups: ['superuser'] }), true],
    ['an agent in IdP groups "admins", "billing"', outsider({ groups: ['admins', 'billing'] }), false],
    ['an admin API key', { actor: 'api_key:k1', name: 'Zapier', role: 'admin', groups: [], isTeamMember: false }, true],
    ['an agent API key', { actor: 'api_key:k2', name: 'Sheets', role: 'agent', groups: [], isTeamMember: false }, false],
  ])('%s → %s', (_name, who, allowed) => {
    expect(mayResolve(who)).toBe(allowed);
    const resolve = () => decideResolve(openEscalation(), command({ resolver: who }), after(60), describeInstant);
    if (allowed) expect(resolve().next).toMatchObject({ status: 'resolved', resolvedBy: who.actor, resolvedByName: who.name });
    else expect(problem(domainErrorOf(resolve))).toEqual({ code: 'FORBIDDEN', message: 'Only Billing or an admin can resolve this escalation', field: undefined });
  });

  it.each<[string | null, string]>([
    ['Billing', 'Only Billing or an admin can resolve this escalation'],
    ['Tier 2 Support', 'Only Tier 2 Support or an admin can resolve this escalation'],
    [null, 'Only the escalated team or an admin can resolve this escalation'],
  ])('team %j → %j', (teamName, message) => {
    expect(resolvePermissionMessage(teamName)).toBe(message);
    expect(problem(domainErrorOf(() => decideResolve(openEscalation(), command({ resolver: outsider(), teamName }), after(60), describeInstant)))).toEqual({ code: 'FORBIDDEN', message, field: undefined });
  });

  it.each<ResolutionSource>(['reply', 'task'])('an automatic %s resolution does not re-check permission', (source) => {
    const { next } = decideResolve(openEscalation(), command({ resolver: outsider({ actor: 'system', name: 'System' }), source }), after(60), describeInstant);
    expect(next).toMatchObject({ status: 'resolved', resolvedBy: 'system', resolutionSource: source });
  });
});

describe('automatic resolution (SPEC §5.7)', () => {
  it.each<[string, EscalationState | null, boolean, ResolveReason | null]>([
    ['a member replies to an open escalation', openEscalation(), true, 'handled'],
    ['a non-member replies to an open escalation', openEscalation(), false, null],
    ['a member replies to a resolved escalation', resolvedEscalation(), true, null],
    ['a non-member replies to a resolved escalation', resolvedEscalation(), false, null],
    ['a member replies with no escalation', null, true, null],
  ])('reply: %s → %s', (_name, escalation, isTeamMember, expected) => {
    expect(resolutionByReply(escalation, { isTeamMember })).toBe(expected);
  });

  it.each<[TaskDisposition | null, ResolveReason | null]>([
    ['connected', 'handled'],
    ['voicemail_left', 'handled'],
    ['no_answer', null],
    ['wrong_number', null],
    [null, null],
  ])('task completed as %s without a reason → %s', (disposition, expected) => {
    expect(resolutionByTask({ disposition, resolutionReason: null })).toBe(expected);
  });

  const withReason = [...TASK_DISPOSITIONS, null].flatMap((disposition) => RESOLVE_REASONS.map((reason) => [disposition, reason] as const));
  it.each(withReason)('task completed as %s with reason %s → that reason', (disposition, reason) => {
    expect(resolutionByTask({ disposition, resolutionReason: reason })).toBe(reason);
  });

  it.each<[ResolutionSource, ResolveReason, string | null, EscalationEffect[]]>([
    ['reply', 'handled', null, []],
    ['task', 'handled', null, []],
    ['task', 'spam', null, [{ kind: 'stamp_cooldown', until: after(TWO_HOURS + 60) }]],
    ['task', 'false_positive', null, [{ kind: 'stamp_cooldown', until: after(TWO_HOURS + 60) }]],
    ['task', 'duplicate', 'Same as lead 42', [{ kind: 'stamp_cooldown', until: after(TWO_HOURS + 60) }]],
    ['task', 'other', 'Sent to legal', []],
    ['manual', 'handled', null, [{ kind: 'release_takeover' }]],
  ])('%s resolution as %s → effects %j', (source, reason, note, effects) => {
    const decision = decideResolve(openEscalation(), command({ source, reason, note }), after(60), describeInstant);
    expect(decision.effects).toEqual(effects);
    expect(decision.next).toMatchObject({ resolutionSource: source, resolutionReason: reason, resolvedBy: 'agent:dana' });
  });
});

describe('bypassesCooldown (SPEC §5.9)', () => {
  it.each<[string, Pick<EscalateRequest, 'trigger' | 'reasonCode' | 'bypassCooldown'>, boolean]>([
    ['an SLA breach', { trigger: 'sla_breach', reasonCode: null, bypassCooldown: false }, true],
    ['a guardrail violation', { trigger: 'guardrail', reasonCode: null, bypassCooldown: false }, true],
    ['a rule with bypass_cooldown', { trigger: 'rule', reasonCode: null, bypassCooldown: true }, true],
    ['a rule with code critical', { trigger: 'rule', reasonCode: 'critical', bypassCooldown: false }, true],
    ['a rule with code URGENT', { trigger: 'rule', reasonCode: 'URGENT', bypassCooldown: false }, true],
    ['a rule with code Emergency', { trigger: 'rule', reasonCode: 'Emergency', bypassCooldown: false }, true],
    ['a rule with code billing', { trigger: 'rule', reasonCode: 'billing', bypassCooldown: false }, false],
    ['a rule with no code', { trigger: 'rule', reasonCode: null, bypassCooldown: false }, false],
    ['a manual escalation (never suppressed, but not a bypass)', { trigger: 'manual', reasonCode: null, bypassCooldown: false }, false],
  ])('%s → %s', (_name, escalate, bypasses) => {
    expect(bypassesCooldown(escalate)).toBe(bypasses);
  });
});

describe('decideEscalate', () => {
  const COOLDOWN_UNTIL = after(TWO_HOURS);
  const opened = (cycle: number, now: Date, teamId = 'team-billing') => ({
    outcome: 'opened',
    next: openEscalation({ teamId, cycle, openedAt: now, lastActivityAt: now, notifiedAt: now }),
    effects: [{ kind: 'notify', notification: 'escalation', count: 1 }],
  });

  it.each([0, 1, 4])('with no open escalation and %i earlier cycles → opens the next cycle and notifies', (previousCycles) => {
    const decision = decideEscalate({ open: null, previousCycles, cooldownUntil: null, coalesceSeconds: COALESCE }, request({ teamId: 'team-legal' }), T0);
    expect(decision).toEqual(opened(previousCycles + 1, T0, 'team-legal'));
  });

  it.each<[string, Partial<EscalateRequest>, 'opened' | 'suppressed']>([
    ['a rule', {}, 'suppressed'],
    ['a rule with code billing', { reasonCode: 'billing' }, 'suppressed'],
    ['an SLA breach', { trigger: 'sla_breach' }, 'opened'],
    ['a guardrail violation', { trigger: 'guardrail' }, 'opened'],
    ['a manual escalation', { trigger: 'manual' }, 'opened'],
    ['an API escalation', { trigger: 'api' }, 'opened'],
    ['a rule with code critical', { reasonCode: 'critical' }, 'opened'],
    ['a rule with code Urgent', { reasonCode: 'Urgent' }, 'opened'],
    ['a rule with code EMERGENCY', { reasonCode: 'EMERGENCY' }, 'opened'],
    ['a rule with bypass_cooldown', { bypassCooldown: true }, 'opened'],
  ])('inside a cooldown, %s → %s', (_name, overrides, outcome) => {
    const now = after(600);
    const decision = decideEscalate({ open: null, previousCycles: 2, cooldownUntil: COOLDOWN_UNTIL, coalesceSeconds: COALESCE }, request(overrides), now);
    expect(decision).toEqual(outcome === 'suppressed' ? { outcome, cooldownUntil: COOLDOWN_UNTIL } : opened(3, now));
  });

  it.each<[string, Date | null, Date, 'opened' | 'suppressed']>([
    ['1 ms before the cooldown ends', COOLDOWN_UNTIL, afterMs(-1, COOLDOWN_UNTIL), 'suppressed'],
    ['at the instant the cooldown ends', COOLDOWN_UNTIL, COOLDOWN_UNTIL, 'opened'],
    ['after the cooldown ended', COOLDOWN_UNTIL, after(1, COOLDOWN_UNTIL), 'opened'],
    ['with no cooldown', null, after(600), 'opened'],
  ])('a rule %s → %s', (_name, cooldownUntil, now, outcome) => {
    const decision = decideEscalate({ open: null, previousCycles: 0, cooldownUntil, coalesceSeconds: COALESCE }, request(), now);
    expect(decision.outcome).toBe(outcome);
  });

  it.each<[string, Partial<EscalateRequest>, Date | null]>([
    ['the same team', {}, null],
    ['another team', { teamId: 'team-legal' }, null],
    ['a rule inside a cooldown', {}, COOLDOWN_UNTIL],
    ['an SLA breach for another team', { trigger: 'sla_breach', teamId: 'team-legal' }, null],
    ['a manual escalation with a bypass code', { trigger: 'manual', reasonCode: 'urgent' }, COOLDOWN_UNTIL],
  ])('with an open escalation, %s → re-escalated activity on it', (_name, overrides, cooldownUntil) => {
    const open = openEscalation({ cycle: 2 });
    const now = after(600);
    const decision = decideEscalate({ open, previousCycles: 2, cooldownUntil, coalesceSeconds: COALESCE }, request(overrides), now);
    expect(decision).toEqual({
      outcome: 're_escalated',
      next: { ...open, lastActivityAt: now, activityCount: 1, notifiedAt: now, unnotifiedActivity: 0 },
      effects: [{ kind: 'notify', notification: 're_escalated', count: 1 }],
    });
  });
});

describe('coalesced re-escalated notifications (SPEC §5.10)', () => {
  it('activity inside the window waits for a flush at the window end', () => {
    const first = decideActivity(openEscalation(), COALESCE, after(5));
    expect(first).toEqual({
      outcome: 're_escalated',
      next: openEscalation({ lastActivityAt: after(5), activityCount: 1, unnotifiedActivity: 1 }),
      effects: [{ kind: 'schedule_notification_flush', at: after(COALESCE) }],
    });
    const second = decideActivity(first.next, COALESCE, after(10));
    expect(second).toEqual({
      outcome: 're_escalated',
      next: openEscalation({ lastActivityAt: after(10), activityCount: 2, unnotifiedActivity: 2 }),
      effects: [{ kind: 'schedule_notification_flush', at: after(COALESCE) }],
    });
  });

  it.each<[string, Date]>([
    ['at the window end', after(COALESCE)],
    ['after the window', after(COALESCE + 25)],
  ])('activity %s notifies the waiting count with it', (_name, now) => {
    const waiting = openEscalation({ activityCount: 5, unnotifiedActivity: 3, lastActivityAt: after(50) });
    expect(decideActivity(waiting, COALESCE, now)).toEqual({
      outcome: 're_escalated',
      next: { ...waiting, lastActivityAt: now, activityCount: 6, notifiedAt: now, unnotifiedActivity: 0 },
      effects: [{ kind: 'notify', notification: 're_escalated', count: 4 }],
    });
  });

  it.each([[[0, 0, 0.5, 1, 1]], [[0.001, 30, 30, 3_600]]])('with coalesceSeconds 0 every activity notifies (at %j s)', (offsets) => {
    let state = openEscalation();
    for (const [index, offset] of offsets.entries()) {
      const decision = decideActivity(state, 0, after(offset));
      expect(decision.effects).toEqual([{ kind: 'notify', notification: 're_escalated', count: 1 }]);
      state = decision.next;
      expect(state).toMatchObject({ activityCount: index + 1, unnotifiedActivity: 0, notifiedAt: after(offset) });
    }
  });

  it('activity on a resolved escalation is a programming error', () => {
    expect(() => decideActivity(resolvedEscalation(), COALESCE, after(5))).toThrow(RangeError);
  });

  const waiting = openEscalation({ activityCount: 2, unnotifiedActivity: 2, lastActivityAt: after(10) });
  it.each<[string, EscalationState, Date, EscalationState, EscalationEffect[]]>([
    ['before the window end → reschedules', waiting, after(30), waiting, [{ kind: 'schedule_notification_flush', at: after(COALESCE) }]],
    ['at the window end → notifies the count', waiting, after(COALESCE), { ...waiting, notifiedAt: after(COALESCE), unnotifiedActivity: 0 }, [{ kind: 'notify', notification: 're_escalated', count: 2 }]],
    ['after the window end → notifies the count', waiting, after(90), { ...waiting, notifiedAt: after(90), unnotifiedActivity: 0 }, [{ kind: 'notify', notification: 're_escalated', count: 2 }]],
    ['with nothing waiting → nothing', openEscalation({ activityCount: 2 }), after(90), openEscalation({ activityCount: 2 }), []],
    ['on a resolved escalation → nothing', resolvedEscalation({ activityCount: 2, unnotifiedActivity: 2 }), after(90), resolvedEscalation({ activityCount: 2, unnotifiedActivity: 2 }), []],
  ])('flush %s', (_name, state, now, next, effects) => {
    expect(decideNotificationFlush(state, COALESCE, now)).toEqual({ next, effects });
  });

  it('a flush after resolving finds nothing to send', () => {
    const counted = decideActivity(openEscalation(), COALESCE, after(5)).next;
    const { next } = decideResolve(counted, command(), after(10), describeInstant);
    expect(decideNotificationFlush(next, COALESCE, after(COALESCE))).toEqual({ next, effects: [] });
  });
});

describe('a burst of 50 activities over 10 s', () => {
  /** Runs the burst with a one-job scheduler: the earliest armed flush runs once the clock reaches it. */
  function simulateBurst(coalesceSeconds: number) {
    const opening = decideEscalate({ open: null, previousCycles: 0, cooldownUntil: null, coalesceSeconds }, request(), T0);
    if (opening.outcome !== 'opened') throw new Error('expected the escalation to open');
    let state = opening.next;
    const scheduler: { flushAt: Date | null } = { flushAt: null };
    const notifications: { at: Date; count: number }[] = [];
    const apply = (effects: EscalationEffect[], now: Date) => {
      for (const effect of effects) {
        if (effect.kind === 'schedule_notification_flush' && (scheduler.flushAt === null || effect.at < scheduler.flushAt)) scheduler.flushAt = effect.at;
        if (effect.kind === 'notify' && effect.notification === 're_escalated') notifications.push({ at: now, count: effect.count });
      }
    };
    const runFlushesUntil = (now: Date) => {
      while (scheduler.flushAt !== null && scheduler.flushAt <= now) {
        const at = scheduler.flushAt;
        scheduler.flushAt = null;
        const flushed = decideNotificationFlush(state, coalesceSeconds, at);
        state = flushed.next;
        apply(flushed.effects, at);
      }
    };
    for (let index = 1; index <= 50; index += 1) {
      const now = afterMs(index * 200);
      runFlushesUntil(now);
      const decision = decideActivity(state, coalesceSeconds, now);
      state = decision.next;
      apply(decision.effects, now);
    }
    runFlushesUntil(new Date(8.64e15)); // the final flush, whenever it is due
    return { state, notifications, pendingFlush: scheduler.flushAt };
  }

  it.each([1, 2, 3, 60])('coalesced every %i s: all 50 notified, at most ceil(10 / coalesce) + 1 notifications', (coalesceSeconds) => {
    const { state, notifications, pendingFlush } = simulateBurst(coalesceSeconds);
    expect(state).toMatchObject({ activityCount: 50, unnotifiedActivity: 0, lastActivityAt: after(10) });
    expect(pendingFlush).toBeNull();
    expect(notifications.reduce((total, { count }) => total + count, 0)).toBe(50);
    expect(notifications.length).toBeLessThanOrEqual(Math.ceil(10 / coalesceSeconds) + 1);
    // At most one per window, the first a window after the opening alert.
    const times = [T0, ...notifications.map(({ at }) => at)];
    for (const [index, at] of times.slice(1).entries()) {
      const previous = times[index];
      if (!previous) throw new Error('unreachable');
      expect(at.getTime() - previous.getTime()).toBeGreaterThanOrEqual(coalesceSeconds * 1_000);
    }
  });
});

describe('cooldownNotice (SPEC §5.8)', () => {
  it.each([
    ['2026-01-14T12:06:00Z', 'America/Chicago', 'Escalations paused until 6:06 AM CST'],
    ['2026-07-14T11:06:00Z', 'America/Chicago', 'Escalations paused until 6:06 AM CDT'],
    ['2026-01-14T23:30:00Z', 'UTC', 'Escalations paused until 11:30 PM UTC'],
  ])('%s in %s → %s', (iso, zone, text) => {
    expect(cooldownNotice(new Date(iso), zone)).toBe(text);
  });
});
