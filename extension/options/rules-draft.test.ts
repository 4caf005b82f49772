// The rules editor's model: drafts round-trip to rules.save input, errors by path, moving rules.
import { describe, expect, it } from 'vitest';
import type { RoutingRule } from '../../shared/routing-rules';
import { checkRules, moveRule, newRule, ruleDraftsFrom, toRuleInput } from './rules-draft';

const TEAM = '3f0c7a2e-5b8d-4c1e-9a6f-2d4b8e1c7a90';
const saved: RoutingRule[] = [
  {
    id: '9d7f3c1a-2b4e-4f6a-8c0d-1e2f3a4b5c6d',
    name: 'Refunds',
    enabled: true,
    condition: { keywords: ['refund', 'money back'], channel: 'sms' },
    actions: [{ type: 'escalate', teamId: TEAM, reason: 'Refund request', reasonCode: 'billing' }, { type: 'tag', tag: 'billing' }],
  },
  { id: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', name: 'After hours', enabled: false, condition: { businessHours: 'closed', pattern: 'urgent|asap' }, actions: [{ type: 'takeover_hold' }] },
];

describe('rules drafts', () => {
  it('round-trip saved rules to the same input', () => {
    expect(ruleDraftsFrom(saved).map(toRuleInput)).toEqual(saved);
  });

  it('splits comma-separated keywords and tags and leaves empty condition parts out', () => {
    const draft = { ...newRule(TEAM), name: 'VIP', keywords: ' cancel ,, refund ', leadTags: 'vip' };
    draft.actions[0] = { ...draft.actions[0]!, reason: 'VIP wants to cancel' };
    expect(toRuleInput(draft)).toEqual({ name: 'VIP', enabled: true, condition: { keywords: ['cancel', 'refund'], leadTags: ['vip'] }, actions: [{ type: 'escalate', teamId: TEAM, reason: 'VIP wants to cancel' }] });
  });

  it('names each problem by its path, as the server would', () => {
    const drafts = ruleDraftsFrom(saved);
    drafts[1] = { ...drafts[1]!, pattern: '(a+)+' };
    drafts.push({ ...newRule(TEAM), name: '' });
    const result = checkRules(drafts);
    expect(result).toMatchObject({
      ok: false,
      fieldErrors: {
        'rules.1.condition.pattern': 'pattern has a nested repetition that could hang message processing; simplify it',
        'rules.2.name': 'is required',
        'rules.2.condition': 'needs at least one of keywords, pattern, channel, leadTags or businessHours',
        'rules.2.actions.0.reason': 'is required',
      },
    });
  });

  it('moves a rule up and down, not past the ends', () => {
    expect(moveRule(['a', 'b', 'c'], 2, -1)).toEqual(['a', 'c', 'b']);
    expect(moveRule(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c']);
    expect(moveRule(['a', 'b', 'c'], 0, -1)).toEqual(['a', 'b', 'c']);
    expect(moveRule(['a', 'b', 'c'], 2, 1)).toEqual(['a', 'b', 'c']);
  });
});
