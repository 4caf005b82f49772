// Safety rail: the AI answers only the newest customer message, and only if no human answered it.
import { describe, expect, it } from 'vitest';
import { mayAiReply, type SafetyRailInput } from './safety-rail.js';
import { decideRelease, decideTakeOver, NOT_TAKEN_OVER, type TakeoverState } from './takeover.js';

const t = (hhmm: string) => new Date(`2025-06-02T${hhmm}:00.000Z`);
const heldByAna: TakeoverState = { heldByAgentId: 'ana', source: 'manual', takenOverAt: t('10:00'), autoReleaseAt: t('22:00') };
const ruleHold: TakeoverState = { heldByAgentId: null, source: 'rule_hold', takenOverAt: t('10:00'), autoReleaseAt: null };

const rail = (customer: string | null, agent: string | null, inReplyTo: string | null, takeover: TakeoverState = NOT_TAKEN_OVER): SafetyRailInput => ({
  lastCustomerMessageAt: customer === null ? null : t(customer),
  lastAgentMessageAt: agent === null ? null : t(agent),
  inReplyToMessageAt: inReplyTo === null ? null : t(inReplyTo),
  takeover,
});

describe('mayAiReply', () => {
  it.each([
    ['first customer message, no human yet', rail('10:00', null, '10:00'), { allowed: true }],
    ['customer wrote again after the agent', rail('10:30', '10:15', '10:30'), { allowed: true }],
    ['agent replied after the customer', rail('10:00', '10:15', '10:00'), { allowed: false, reason: 'human_replied_since' }],
    ['agent message at the same instant', rail('10:00', '10:00', '10:00'), { allowed: false, reason: 'human_replied_since' }],
    ['customer wrote again while the reply waited', rail('10:05', null, '10:00'), { allowed: false, reason: 'newer_customer_message' }],
    ['both a human reply and a newer customer message: superseded', rail('10:20', '10:10', '10:00'), { allowed: false, reason: 'newer_customer_message' }],
    ['the customer has not written', rail(null, null, null), { allowed: false, reason: 'no_customer_message' }],
    ['the reply answers no message', rail('10:00', null, null), { allowed: false, reason: 'no_customer_message' }],
    ['taken over by an agent', rail('10:30', null, '10:30', heldByAna), { allowed: false, reason: 'taken_over' }],
    ['held by a rule', rail('10:30', null, '10:30', ruleHold), { allowed: false, reason: 'taken_over' }],
    ['taken over and the agent replied: takeover wins', rail('10:00', '10:15', '10:00', heldByAna), { allowed: false, reason: 'taken_over' }],
  ])('%s → %j', (_name, input, verdict) => {
    expect(mayAiReply(input)).toEqual(verdict);
  });

  it('release alone never allows a reply: the AI waits for the customer (SPEC §2.3, §4)', () => {
    // 10:00 customer writes; 10:01 Ana takes over and answers at 10:05; 10:20 she releases.
    const takeover = decideTakeOver(NOT_TAKEN_OVER, { agentId: 'ana', source: 'manual', autoReleaseAt: t('22:00') }, t('10:01'));
    expect(mayAiReply(rail('10:00', '10:05', '10:00', takeover.next))).toEqual({ allowed: false, reason: 'taken_over' });

    const release = decideRelease(takeover.next, { source: 'manual' }, t('10:20'));
    expect(release.effects.map((effect) => effect.kind)).toEqual(['remove_auto_release', 'record']);
    expect(mayAiReply(rail('10:00', '10:05', '10:00', release.next))).toEqual({ allowed: false, reason: 'human_replied_since' });

    // The customer writes again at 10:30: now the AI may answer that message.
    expect(mayAiReply(rail('10:30', '10:05', '10:30', release.next))).toEqual({ allowed: true });
  });

  it('an agent reply in a conversation never taken over also silences the AI', () => {
    expect(mayAiReply(rail('09:00', '09:02', '09:00'))).toEqual({ allowed: false, reason: 'human_replied_since' });
  });

  it('gives the same answer at draft and at send when nothing changed, and blocks at send when something did', () => {
    const atDraft = rail('10:00', null, '10:00');
    expect(mayAiReply(atDraft)).toEqual({ allowed: true });
    expect(mayAiReply({ ...atDraft })).toEqual({ allowed: true });
    expect(mayAiReply({ ...atDraft, lastAgentMessageAt: t('10:01') })).toEqual({ allowed: false, reason: 'human_replied_since' });
    expect(mayAiReply({ ...atDraft, lastCustomerMessageAt: t('10:01') })).toEqual({ allowed: false, reason: 'newer_customer_message' });
  });
});
