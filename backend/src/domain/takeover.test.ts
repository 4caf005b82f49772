// Takeover decisions: start, idempotence, transfer, release, stale auto-release, auto takeover on SMS and email, rule holds.
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { TakeoverSource as StoredTakeoverSource } from '../db/entities/conversation.entities.js';
import { DomainError } from './errors.js';
import {
  decideAutoTakeoverOnAgentMessage,
  decideRelease,
  decideRuleHold,
  decideTakeOver,
  holderChangedError,
  holderDiffers,
  isAiPaused,
  NOT_TAKEN_OVER,
  type AgentTakeoverSource,
  type ReleaseCommand,
  type TakeoverSource,
  type TakeoverState,
} from './takeover.js';

const at = (iso: string) => new Date(iso);
const NOW = at('2025-06-02T15:00:00.000Z');
const CLOSE = at('2025-06-02T22:00:00.000Z');
const EARLIER = at('2025-06-02T14:00:00.000Z');
const EARLIER_CLOSE = at('2025-06-02T21:00:00.000Z');

const heldBy = (agentId: string, source: TakeoverSource = 'manual', autoReleaseAt: Date | null = EARLIER_CLOSE): TakeoverState => ({
  heldByAgentId: agentId,
  source,
  takenOverAt: EARLIER,
  autoReleaseAt,
});
const ruleHold = (autoReleaseAt: Date | null = EARLIER_CLOSE): TakeoverState => ({ heldByAgentId: null, source: 'rule_hold', takenOverAt: EARLIER, autoReleaseAt });

describe('takeover types', () => {
  it('match the stored column', () => {
    expectTypeOf<TakeoverSource>().toEqualTypeOf<StoredTakeoverSource>();
  });
});

describe('isAiPaused', () => {
  it.each([
    ['not taken over', NOT_TAKEN_OVER, false],
    ['held by an agent', heldBy('ana'), true],
    ['held by a rule with no agent', ruleHold(), true],
  ])('%s → %s', (_name, state, paused) => {
    expect(isAiPaused(state)).toBe(paused);
  });
});

describe('decideTakeOver', () => {
  it.each<AgentTakeoverSource>(['manual', 'popup', 'api', 'auto_sms', 'auto_email'])('starts a %s takeover: cancels pending replies, arms auto-release', (source) => {
    const decision = decideTakeOver(NOT_TAKEN_OVER, { agentId: 'ana', source, autoReleaseAt: CLOSE }, NOW);
    const next = { heldByAgentId: 'ana', source, takenOverAt: NOW, autoReleaseAt: CLOSE };
    expect(decision).toEqual({
      changed: true,
      next,
      effects: [
        { kind: 'cancel_pending_replies', reason: 'takeover' },
        { kind: 'schedule_auto_release', at: CLOSE, takenOverAt: NOW },
        { kind: 'record', event: 'takeover.started', before: NOT_TAKEN_OVER, after: next },
      ],
    });
    expect(isAiPaused(decision.next)).toBe(true);
  });

  it('arms no auto-release when none was computed', () => {
    const decision = decideTakeOver(NOT_TAKEN_OVER, { agentId: 'ana', source: 'manual', autoReleaseAt: null }, NOW);
    expect(decision.effects.map((effect) => effect.kind)).toEqual(['cancel_pending_replies', 'record']);
    expect(decision.next.autoReleaseAt).toBeNull();
  });

  it.each<[string, TakeoverState, AgentTakeoverSource]>([
    ['same source', heldBy('ana', 'manual'), 'manual'],
    ['from the popup after the banner', heldBy('ana', 'manual'), 'popup'],
    ['by API after an auto SMS takeover', heldBy('ana', 'auto_sms'), 'api'],
  ])('is idempotent when the holder takes over again (%s)', (_name, state, source) => {
    expect(decideTakeOver(state, { agentId: 'ana', source, autoReleaseAt: CLOSE }, NOW)).toEqual({ changed: false, next: state, effects: [] });
  });

  it('applying the decision and deciding again changes nothing', () => {
    const first = decideTakeOver(NOT_TAKEN_OVER, { agentId: 'ana', source: 'manual', autoReleaseAt: CLOSE }, NOW);
    const second = decideTakeOver(first.next, { agentId: 'ana', source: 'manual', autoReleaseAt: CLOSE }, at('2025-06-02T15:00:05.000Z'));
    expect(second.changed).toBe(false);
    expect(second.effects).toEqual([]);
    expect(second.next).toBe(first.next);
  });

  it.each<[string, TakeoverState]>([
    ['a manual takeover', heldBy('ben', 'manual')],
    ['an auto SMS takeover', heldBy('ben', 'auto_sms')],
  ])('transfers %s held by another agent, recording the previous holder', (_name, state) => {
    const decision = decideTakeOver(state, { agentId: 'ana', source: 'manual', autoReleaseAt: CLOSE }, NOW);
    const next = { heldByAgentId: 'ana', source: 'manual', takenOverAt: NOW, autoReleaseAt: CLOSE };
    expect(decision).toEqual({
      changed: true,
      next,
      effects: [
        { kind: 'cancel_pending_replies', reason: 'takeover' },
        { kind: 'remove_auto_release' },
        { kind: 'schedule_auto_release', at: CLOSE, takenOverAt: NOW },
        { kind: 'record', event: 'takeover.transferred', previousHolderId: 'ben', before: state, after: next },
      ],
    });
  });

  it('transfers a takeover that had no auto-release without removing one', () => {
    const decision = decideTakeOver(heldBy('ben', 'api', null), { agentId: 'ana', source: 'popup', autoReleaseAt: CLOSE }, NOW);
    expect(decision.effects.map((effect) => effect.kind)).toEqual(['cancel_pending_replies', 'schedule_auto_release', 'record']);
  });

  it('lets an agent pick up a rule hold (a start, not a transfer)', () => {
    const state = ruleHold();
    const decision = decideTakeOver(state, { agentId: 'ana', source: 'manual', autoReleaseAt: CLOSE }, NOW);
    expect(decision.next).toEqual({ heldByAgentId: 'ana', source: 'manual', takenOverAt: NOW, autoReleaseAt: CLOSE });
    expect(decision.effects).toContainEqual({ kind: 'remove_auto_release' });
    expect(decision.effects).toContainEqual({ kind: 'record', event: 'takeover.started', before: state, after: decision.next });
  });

  it('refuses a takeover without an agent', () => {
    expect(() => decideTakeOver(NOT_TAKEN_OVER, { agentId: '', source: 'manual', autoReleaseAt: CLOSE }, NOW)).toThrow(DomainError);
  });

  it('does not alias the caller\'s clock value', () => {
    const now = new Date(NOW);
    const decision = decideTakeOver(NOT_TAKEN_OVER, { agentId: 'ana', source: 'manual', autoReleaseAt: CLOSE }, now);
    now.setTime(0);
    expect(decision.next.takenOverAt).toEqual(NOW);
  });
});

describe('decideRelease', () => {
  const releaseRecord = (state: TakeoverState, releaseSource: string) => ({
    kind: 'record',
    event: 'takeover.released',
    releaseSource,
    before: state,
    after: NOT_TAKEN_OVER,
  });

  it.each<ReleaseCommand['source']>(['manual', 'popup', 'api', 'handled'])('releases on %s: removes the auto-release job, asks for no AI reply', (source) => {
    const state = heldBy('ana');
    const decision = decideRelease(state, { source } as ReleaseCommand, NOW);
    expect(decision).toEqual({ changed: true, next: NOT_TAKEN_OVER, effects: [{ kind: 'remove_auto_release' }, releaseRecord(state, source)] });
    expect(isAiPaused(decision.next)).toBe(false);
  });

  it.each([
    ['agent hold without auto-release', heldBy('ana', 'api', null), [] as string[]],
    ['rule hold', ruleHold(), ['remove_auto_release']],
  ])('releases a %s', (_name, state, removals) => {
    const decision = decideRelease(state, { source: 'manual' }, NOW);
    expect(decision.next).toEqual(NOT_TAKEN_OVER);
    expect(decision.effects.map((effect) => effect.kind)).toEqual([...removals, 'record']);
  });

  it.each<ReleaseCommand>([
    { source: 'manual' },
    { source: 'popup' },
    { source: 'api' },
    { source: 'handled' },
    { source: 'auto', expectedTakenOverAt: EARLIER },
  ])('is a no-op when not taken over (%j)', (command) => {
    expect(decideRelease(NOT_TAKEN_OVER, command, NOW)).toEqual({ changed: false, next: NOT_TAKEN_OVER, effects: [] });
  });

  it.each<[string, TakeoverState, Date, Date, boolean]>([
    ['due exactly now, same takeover', heldBy('ana', 'manual', NOW), EARLIER, NOW, true],
    ['overdue (a late job), same takeover', heldBy('ana', 'manual', EARLIER_CLOSE), EARLIER, CLOSE, true],
    ['rule hold due, same hold', ruleHold(NOW), EARLIER, NOW, true],
    ['not yet due', heldBy('ana', 'manual', CLOSE), EARLIER, NOW, false],
    ['one millisecond early', heldBy('ana', 'manual', NOW), EARLIER, at('2025-06-02T14:59:59.999Z'), false],
    ['stale: released and taken over again since', heldBy('ana', 'manual', NOW), at('2025-06-02T13:00:00.000Z'), NOW, false],
    ['stale: transferred since', { heldByAgentId: 'ben', source: 'manual', takenOverAt: at('2025-06-02T14:30:00.000Z'), autoReleaseAt: NOW }, EARLIER, NOW, false],
    ['no auto-release on the current takeover', heldBy('ana', 'api', null), EARLIER, CLOSE, false],
  ])('auto-release: %s → released %s', (_name, state, expectedTakenOverAt, now, released) => {
    const decision = decideRelease(state, { source: 'auto', expectedTakenOverAt }, now);
    expect(decision.changed).toBe(released);
    if (released) {
      expect(decision.next).toEqual(NOT_TAKEN_OVER);
      expect(decision.effects).toEqual([{ kind: 'remove_auto_release' }, releaseRecord(state, 'auto')]);
    } else {
      expect(decision).toEqual({ changed: false, next: state, effects: [] });
    }
  });

  it('the job armed by a transferred takeover cannot release the new one', () => {
    const first = decideTakeOver(NOT_TAKEN_OVER, { agentId: 'ben', source: 'manual', autoReleaseAt: NOW }, EARLIER);
    const armed = first.effects.find((effect) => effect.kind === 'schedule_auto_release')!;
    const transferred = decideTakeOver(first.next, { agentId: 'ana', source: 'manual', autoReleaseAt: CLOSE }, at('2025-06-02T14:30:00.000Z'));
    if (armed.kind !== 'schedule_auto_release') throw new Error('expected an auto-release');
    expect(decideRelease(transferred.next, { source: 'auto', expectedTakenOverAt: armed.takenOverAt }, armed.at).changed).toBe(false);
  });

  it('releasing never asks for an AI reply (SPEC §2.3)', () => {
    for (const source of ['manual', 'popup', 'api', 'handled'] as const) {
      const kinds = decideRelease(heldBy('ana'), { source }, NOW).effects.map((effect) => effect.kind);
      expect(kinds.every((kind) => kind === 'remove_auto_release' || kind === 'record')).toBe(true);
    }
  });
});

describe('decideAutoTakeoverOnAgentMessage', () => {
  it.each<[string, TakeoverState, 'sms' | 'email', boolean, TakeoverSource | null]>([
    ['SMS, not taken over', NOT_TAKEN_OVER, 'sms', false, 'auto_sms'],
    ['SMS, not taken over, email setting on', NOT_TAKEN_OVER, 'sms', true, 'auto_sms'],
    ['email, setting off', NOT_TAKEN_OVER, 'email', false, null],
    ['email, setting on', NOT_TAKEN_OVER, 'email', true, 'auto_email'],
    ['SMS, rule hold with no holder', ruleHold(), 'sms', false, 'auto_sms'],
    ['email with the setting, rule hold', ruleHold(), 'email', true, 'auto_email'],
  ])('%s → takes over as %s', (_name, state, channel, autoTakeoverOnEmail, source) => {
    const decision = decideAutoTakeoverOnAgentMessage(state, { agentId: 'ana', channel, autoTakeoverOnEmail, autoReleaseAt: CLOSE }, NOW);
    if (source === null) {
      expect(decision).toEqual({ changed: false, next: state, effects: [] });
      return;
    }
    expect(decision.changed).toBe(true);
    expect(decision.next).toEqual({ heldByAgentId: 'ana', source, takenOverAt: NOW, autoReleaseAt: CLOSE });
    expect(decision.effects[0]).toEqual({ kind: 'cancel_pending_replies', reason: 'takeover' });
    expect(decision.effects).toContainEqual({ kind: 'schedule_auto_release', at: CLOSE, takenOverAt: NOW });
    expect(decision.effects.at(-1)).toMatchObject({ kind: 'record', event: 'takeover.started' });
  });

  it.each<[string, TakeoverState, 'sms' | 'email']>([
    ['already held by the sender (SMS)', heldBy('ana'), 'sms'],
    ['already held by another agent (SMS): no transfer', heldBy('ben'), 'sms'],
    ['already held by another agent (email)', heldBy('ben'), 'email'],
    ['rule hold, email with the setting off: the hold stays', ruleHold(), 'email'],
  ])('%s → no change', (_name, state, channel) => {
    expect(decideAutoTakeoverOnAgentMessage(state, { agentId: 'ana', channel, autoTakeoverOnEmail: false, autoReleaseAt: CLOSE }, NOW)).toEqual({
      changed: false,
      next: state,
      effects: [],
    });
  });
});

describe('decideRuleHold', () => {
  it('quiets the AI with no holder, cancelling pending replies', () => {
    const decision = decideRuleHold(NOT_TAKEN_OVER, { autoReleaseAt: CLOSE }, NOW);
    const next = { heldByAgentId: null, source: 'rule_hold', takenOverAt: NOW, autoReleaseAt: CLOSE };
    expect(decision).toEqual({
      changed: true,
      next,
      effects: [
        { kind: 'cancel_pending_replies', reason: 'takeover' },
        { kind: 'schedule_auto_release', at: CLOSE, takenOverAt: NOW },
        { kind: 'record', event: 'takeover.started', before: NOT_TAKEN_OVER, after: next },
      ],
    });
    expect(isAiPaused(decision.next)).toBe(true);
  });

  it.each([
    ['held by an agent', heldBy('ana')],
    ['already on a rule hold', ruleHold()],
  ])('is a no-op when %s', (_name, state) => {
    expect(decideRuleHold(state, { autoReleaseAt: CLOSE }, NOW)).toEqual({ changed: false, next: state, effects: [] });
  });
});

describe('holderDiffers (the transfer confirmation, issue 9)', () => {
  it.each([
    ['no condition given', heldBy('ana'), undefined, false],
    ['the expected agent still holds it', heldBy('ana'), 'ana', false],
    ['another agent holds it now', heldBy('bo'), 'ana', true],
    ['nobody expected, nobody holds it', NOT_TAKEN_OVER, null, false],
    ['nobody expected, a rule hold (no holder)', ruleHold(), null, false],
    ['nobody expected, an agent holds it now', heldBy('bo'), null, true],
    ['an agent expected, released meanwhile', NOT_TAKEN_OVER, 'ana', true],
    ['an agent expected, a rule hold now', ruleHold(), 'ana', true],
    ['nobody expected, the caller holds it (another tab): idempotent', heldBy('me'), null, false],
    ['another agent expected, the caller holds it now: idempotent', heldBy('me'), 'ana', false],
  ])('%s → %s', (_name, state, expected, differs) => {
    expect(holderDiffers(state, expected as string | null | undefined, 'me')).toBe(differs);
  });
});

describe('holderChangedError', () => {
  it.each([
    ['another agent', { name: 'Dana Smith' }, heldBy('dana'), 'Dana Smith took this conversation over meanwhile.'],
    ['nobody (released)', null, NOT_TAKEN_OVER, 'Nobody holds this conversation any more: the AI is handling it again.'],
    ['nobody (a rule hold)', null, ruleHold(), 'Nobody holds this conversation any more: a routing rule keeps the AI quiet until someone takes it over.'],
  ])('names who holds it: %s', (_name, current, state, message) => {
    const error = holderChangedError(current, state);
    expect(error).toBeInstanceOf(DomainError);
    expect({ code: error.code, message: error.message }).toEqual({ code: 'CONFLICT', message });
  });
});
