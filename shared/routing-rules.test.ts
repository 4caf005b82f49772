// Table tests for the routing-rule and guardrail schemas: valid rules, every rejection's path and message, the nested-repetition check.
import { describe, expect, it } from 'vitest';
import { hasNestedRepetition, patternProblem, ZGuardrails, ZMessagePattern, ZRoutingRule, ZRulesSaveInput, type RoutingRuleInput } from './routing-rules.js';

const TEAM_ID = '3f1c2a1e-8b7d-4c2e-9f3a-1b2c3d4e5f60';
const RULE_ID = '0b6f3e52-2d4a-4f8e-8a1c-5e7d9b0c1a23';
const NESTED = 'pattern has a nested repetition that could hang message processing; simplify it';
const UNSUPPORTED = 'pattern uses a feature the pattern engine does not support (lookarounds and backreferences are not allowed): ';

const escalate = { type: 'escalate', teamId: TEAM_ID, reason: 'Customer asks for a refund' } as const;
const tag = (name: string) => ({ type: 'tag', tag: name }) as const;
const rule = (overrides: Partial<RoutingRuleInput> = {}): RoutingRuleInput => ({
  name: 'Refunds',
  condition: { keywords: ['refund'] },
  actions: [escalate],
  ...overrides,
});

/** Issues as forms and errors show them: `path: message`. */
function issues(result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }): string[] {
  return (result.error?.issues ?? []).map((issue) => `${issue.path.map(String).join('.')}: ${issue.message}`);
}

describe('hasNestedRepetition', () => {
  it.each([
    ['(a+)+', true],
    ['(\\w*)*', true],
    ['(x+){2,}', true],
    ['(x+){3}', true],
    ['(a+)*?', true],
    ['(?:a+)+', true],
    ['(?<word>\\w+)+', true],
    ['(\\d{2,})*', true],
    ['((a+)b)*', true],
    ['(\\p{L}+\\s?)+', true],
    ['(\\s*please\\s*)+', true],
    ['(refund|cancel)+', false],
    ['(\\d{1,3}\\.){3}', false],
    ['(a+)?', false],
    ['(a+)(b+)', false],
    ['a+b*', false],
    ['(a{2})+', false],
    ['[(a+)]+', false],
    ['(?:[+*])+', false],
    ['\\(a+\\)+', false],
    ['\\p{L}{2,}', false],
    ['(\\u{61}){2}', false],
    ['refund', false],
  ])('%s → %s', (source, nested) => {
    // Every example must be a real pattern, so the check is tested on what it will see.
    expect(() => new RegExp(source, 'iu')).not.toThrow();
    expect(hasNestedRepetition(source)).toBe(nested);
  });

  it.each(['(a', 'a)', '\\p{L', 'a{2', '\\'])('terminates on the malformed source %j', (source) => {
    expect(typeof hasNestedRepetition(source)).toBe('boolean');
  });
});

describe('ZMessagePattern', () => {
  it.each([
    ['(abc', 'pattern is not a valid regular expression: Unterminated group'],
    ['[a-', 'pattern is not a valid regular expression: Unterminated character class'],
    ['*refund', 'pattern is not a valid regular expression: Nothing to repeat'],
    ['a{2,1}', 'pattern is not a valid regular expression: numbers out of order in {} quantifier'],
    // Unicode mode is stricter than a bare `new RegExp`: unknown escapes are errors, not literals.
    ['\\q', 'pattern is not a valid regular expression: Invalid escape'],
    // Valid JavaScript that the linear-time engine (RE2) cannot run.
    ['refund(?= now)', `${UNSUPPORTED}invalid or unsupported Perl syntax: \`(?=\``],
    ['(?<!no )refund', `${UNSUPPORTED}invalid named capture: \`(?<!no )refund\``],
    ['(a)\\1', `${UNSUPPORTED}invalid escape sequence: \`\\1\``],
    ['(a+)+$', NESTED],
    ['(\\w*)*', NESTED],
    ['(x+){2,}', NESTED],
    ['', 'is required'],
    ['a'.repeat(501), 'must be at most 500 characters'],
  ])('rejects %j: %s', (source, message) => {
    expect(issues(ZMessagePattern.safeParse(source))).toEqual([`: ${message}`]);
    if (source.length > 0 && source.length <= 500) expect(patternProblem(source)).toBe(message);
  });

  it.each(['refund', '(refund|cancel)+', '(?<word>refund)', '\\u{1F600}', '\\bcancel(l?ed)?\\b', 'caf[eé]', '\\p{Lu}{5,}', ' spaced ', 'a'.repeat(500)])('accepts %j as typed', (source) => {
    expect(ZMessagePattern.parse(source)).toBe(source);
    expect(patternProblem(source)).toBeNull();
  });
});

describe('ZRoutingRule: valid rules', () => {
  it.each<[string, RoutingRuleInput]>([
    ['keywords and an escalation', rule()],
    ['a pattern', rule({ condition: { pattern: '(refund|cancel)+' } })],
    ['a channel', rule({ condition: { channel: 'email' } })],
    ['lead tags', rule({ condition: { leadTags: ['vip'] } })],
    ['business hours', rule({ condition: { businessHours: 'closed' } })],
    ['every condition part', rule({ condition: { keywords: ['refund'], pattern: 'order \\d+', channel: 'sms', leadTags: ['vip'], businessHours: 'open' } })],
    ['an empty keyword list beside another part', rule({ condition: { keywords: [], channel: 'sms' } })],
    ['a hold only', rule({ actions: [{ type: 'takeover_hold' }] })],
    ['tags only, repeated', rule({ actions: [tag('billing'), tag('billing')] })],
    ['five actions: escalate, hold and three tags', rule({ actions: [escalate, { type: 'takeover_hold' }, tag('a'), tag('b'), tag('c')] })],
    ['a saved rule with id, reason code and bypass', rule({ id: RULE_ID, enabled: false, actions: [{ ...escalate, reasonCode: 'critical', bypassCooldown: true }] })],
    ['a 32-character reason code', rule({ actions: [{ ...escalate, reasonCode: `b${'x_1'.repeat(10)}a` }] })],
    ['50 keywords of 100 characters', rule({ condition: { keywords: Array.from({ length: 50 }, (_, i) => `${i}`.padEnd(100, 'k')) } })],
    ['20 lead tags', rule({ condition: { leadTags: Array.from({ length: 20 }, (_, i) => `tag${i}`) } })],
  ])('accepts %s', (_name, input) => {
    expect(issues(ZRoutingRule.safeParse(input))).toEqual([]);
  });

  it('trims text, defaults enabled to true and drops unknown top-level keys', () => {
    const parsed = ZRoutingRule.parse({
      ...rule({ name: '  Refunds  ', condition: { keywords: [' money back '] }, actions: [{ ...escalate, reason: ' Refund asked ' }, tag(' billing ')] }),
      position: 3,
    });
    expect(parsed).toEqual({
      name: 'Refunds',
      enabled: true,
      condition: { keywords: ['money back'] },
      actions: [{ ...escalate, reason: 'Refund asked' }, { type: 'tag', tag: 'billing' }],
    });
  });
});

describe('ZRoutingRule: rejections say where and why', () => {
  const bare = { condition: { keywords: ['refund'] }, actions: [escalate] };
  it.each<[string, unknown, string[]]>([
    ['name missing', bare, ['name: is required']],
    ['name blank', rule({ name: '   ' }), ['name: is required']],
    ['name too long', rule({ name: 'n'.repeat(121) }), ['name: must be at most 120 characters']],
    ['name not text', { ...bare, name: 42 }, ['name: must be text']],
    ['enabled not a boolean', { ...rule(), enabled: 'yes' }, ['enabled: must be true or false']],
    ['id not a UUID', rule({ id: 'rule-1' }), ['id: must be a rule id (UUID)']],
    ['condition missing', { name: 'Refunds', actions: [escalate] }, ['condition: is required']],
    ['condition empty', rule({ condition: {} }), ['condition: needs at least one of keywords, pattern, channel, leadTags or businessHours']],
    ['condition with only empty lists', rule({ condition: { keywords: [], leadTags: [] } }), ['condition: needs at least one of keywords, pattern, channel, leadTags or businessHours']],
    ['condition key misspelt', { ...rule(), condition: { keyword: ['refund'], channel: 'sms' } }, ['condition: has unknown field "keyword"']],
    ['keyword blank', rule({ condition: { keywords: ['refund', '  '] } }), ['condition.keywords.1: must not be empty']],
    ['keyword too long', rule({ condition: { keywords: ['k'.repeat(101)] } }), ['condition.keywords.0: must be at most 100 characters']],
    ['51 keywords', rule({ condition: { keywords: Array.from({ length: 51 }, (_, i) => `k${i}`) } }), ['condition.keywords: must have at most 50 keywords']],
    ['keywords not a list', { ...rule(), condition: { keywords: 'refund' } }, ['condition.keywords: must be a list of words or phrases']],
    ['pattern invalid', rule({ condition: { pattern: '(refund' } }), ['condition.pattern: pattern is not a valid regular expression: Unterminated group']],
    ['pattern nested', rule({ condition: { pattern: '(a+)+' } }), [`condition.pattern: ${NESTED}`]],
    ['pattern empty', rule({ condition: { pattern: '', channel: 'sms' } }), ['condition.pattern: is required']],
    ['channel unknown', { ...rule(), condition: { channel: 'whatsapp' } }, ['condition.channel: must be "sms" or "email"']],
    ['lead tag too long', rule({ condition: { leadTags: ['t'.repeat(51)] } }), ['condition.leadTags.0: must be at most 50 characters']],
    ['21 lead tags', rule({ condition: { leadTags: Array.from({ length: 21 }, (_, i) => `t${i}`) } }), ['condition.leadTags: must have at most 20 tags']],
    ['business hours unknown', { ...rule(), condition: { businessHours: 'weekends' } }, ['condition.businessHours: must be "open" or "closed"']],
    ['actions missing', { name: 'Refunds', condition: { channel: 'sms' } }, ['actions: is required']],
    ['no actions', rule({ actions: [] }), ['actions: must have at least one action']],
    ['six actions', rule({ actions: [tag('a'), tag('b'), tag('c'), tag('d'), tag('e'), tag('f')] }), ['actions: must have at most 5 actions']],
    ['two escalations', rule({ actions: [escalate, escalate] }), ['actions: can have at most one escalate action']],
    ['two holds', rule({ actions: [{ type: 'takeover_hold' }, { type: 'takeover_hold' }] }), ['actions: can have at most one takeover_hold action']],
    ['action type unknown', { ...rule(), actions: [{ type: 'notify' }] }, ['actions.0.type: must be "escalate", "takeover_hold" or "tag"']],
    ['action not an object', { ...rule(), actions: ['escalate'] }, ['actions.0: must be an action object']],
    ['escalate without a team', { ...rule(), actions: [{ type: 'escalate', reason: 'Refund' }] }, ['actions.0.teamId: is required']],
    ['escalate to a team name', rule({ actions: [{ ...escalate, teamId: 'billing' }] }), ['actions.0.teamId: must be a team id (UUID)']],
    ['escalate with a blank reason', rule({ actions: [{ ...escalate, reason: ' ' }] }), ['actions.0.reason: is required']],
    ['escalate with a long reason', rule({ actions: [{ ...escalate, reason: 'r'.repeat(501) }] }), ['actions.0.reason: must be at most 500 characters']],
    ...(['Critical', '1st', 'urgent-now', '', `a${'b'.repeat(32)}`].map((reasonCode) => [
      `reason code ${JSON.stringify(reasonCode)}`,
      rule({ actions: [{ ...escalate, reasonCode }] }),
      ['actions.0.reasonCode: must be 1 to 32 lowercase letters, digits or underscores, starting with a letter'],
    ]) as [string, unknown, string[]][]),
    ['bypass not a boolean', { ...rule(), actions: [{ ...escalate, bypassCooldown: 'yes' }] }, ['actions.0.bypassCooldown: must be true or false']],
    ['snake_case bypass is a typo, not ignored', { ...rule(), actions: [{ ...escalate, bypass_cooldown: true }] }, ['actions.0: has unknown field "bypass_cooldown"']],
    ['tag blank', rule({ actions: [tag('  ')] }), ['actions.0.tag: is required']],
    ['tag too long', rule({ actions: [tag('t'.repeat(51))] }), ['actions.0.tag: must be at most 50 characters']],
    ['several faults at once', { name: '', condition: { channel: 'fax' }, actions: [] }, ['name: is required', 'condition.channel: must be "sms" or "email"', 'actions: must have at least one action']],
  ])('%s', (_name, input, expected) => {
    expect(issues(ZRoutingRule.safeParse(input))).toEqual(expected);
  });
});

describe('ZRulesSaveInput', () => {
  it('reports a bad pattern at its full path', () => {
    const rules = [rule(), rule({ name: 'Cancel' }), rule({ name: 'Broken', condition: { pattern: '[refund' } })];
    expect(issues(ZRulesSaveInput.safeParse({ rules, expectedVersion: 0 }))).toEqual([
      'rules.2.condition.pattern: pattern is not a valid regular expression: Unterminated character class',
    ]);
  });

  it.each<[string, unknown, string[]]>([
    ['100 rules', { rules: Array.from({ length: 100 }, () => rule()), expectedVersion: 0 }, []],
    ['no rules', { rules: [], expectedVersion: 3 }, []],
    ['101 rules', { rules: Array.from({ length: 101 }, () => rule()), expectedVersion: 0 }, ['rules: must have at most 100 rules']],
    ['rules not a list', { rules: rule(), expectedVersion: 0 }, ['rules: must be a list of rules']],
    ['a rule not an object', { rules: ['Refunds'], expectedVersion: 0 }, ['rules.0: must be a rule object']],
    ['no version', { rules: [] }, ['expectedVersion: is required: the version from rules.list (a whole number)']],
    ['a negative version', { rules: [], expectedVersion: -1 }, ['expectedVersion: must be at least 0']],
  ])('%s', (_name, input, expected) => {
    expect(issues(ZRulesSaveInput.safeParse(input))).toEqual(expected);
  });
});

describe('ZGuardrails', () => {
  it('defaults to no blocked patterns', () => {
    expect(ZGuardrails.parse({})).toEqual({ blockedPatterns: [] });
  });

  it.each<[string, unknown, string[]]>([
    ['valid patterns', { blockedPatterns: ['guarantee', '\\b\\d{3}-\\d{2}-\\d{4}\\b'] }, []],
    ['an invalid pattern', { blockedPatterns: ['ok', '(oops'] }, ['blockedPatterns.1: pattern is not a valid regular expression: Unterminated group']],
    ['a nested repetition', { blockedPatterns: ['(\\w+\\s?)+$'] }, [`blockedPatterns.0: ${NESTED}`]],
    ['an empty pattern', { blockedPatterns: [''] }, ['blockedPatterns.0: is required']],
    ['a pattern of 501 characters', { blockedPatterns: ['x'.repeat(501)] }, ['blockedPatterns.0: must be at most 500 characters']],
    ['101 patterns', { blockedPatterns: Array.from({ length: 101 }, (_, i) => `p${i}`) }, ['blockedPatterns: must have at most 100 patterns']],
    ['not a list', { blockedPatterns: 'guarantee' }, ['blockedPatterns: must be a list of patterns']],
  ])('%s', (_name, input, expected) => {
    expect(issues(ZGuardrails.safeParse(input))).toEqual(expected);
  });
});
