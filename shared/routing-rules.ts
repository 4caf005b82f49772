// Routing rules and guardrails (SPEC §5.2–§5.3): their shape and save-time validation, shared by backend and extension.
import { RE2JS } from 're2js';
import { z } from 'zod';
import { hasNestedRepetition } from './nested-repetition.js';

export { hasNestedRepetition };

/** Flags every rule pattern and blocked pattern runs with: case-insensitive, Unicode-aware. */
export const PATTERN_FLAGS = 'iu';

/** RE2 prefixes every syntax error with this; the field message already says what failed. */
const RE2_PREFIX = /^error parsing regexp: /;

/**
 * Compiles an admin's pattern (JavaScript syntax, flags {@link PATTERN_FLAGS}) for RE2, a
 * linear-time engine (via `re2js`, pure JavaScript): no pattern can backtrack for minutes, so
 * none needs a time budget. RE2 is always Unicode-aware; `i` becomes CASE_INSENSITIVE.
 * Throws on what RE2 cannot run: lookarounds, backreferences, and any syntax error.
 * @example compilePattern('refund(ed)?').test('REFUNDED') // true
 */
export function compilePattern(source: string): RE2JS {
  return RE2JS.compile(RE2JS.translateRegExp(source), RE2JS.CASE_INSENSITIVE);
}

const MAX_PATTERN_LENGTH = 500;
const MAX_RULES = 100;
const MAX_ACTIONS = 5;
const MAX_KEYWORDS = 50;
const MAX_LEAD_TAGS = 20;
const MAX_BLOCKED_PATTERNS = 100;

/** Escalation reason codes: a lowercase identifier, e.g. `billing` or `critical` (SPEC §5.9). */
const REASON_CODE = /^[a-z][a-z0-9_]{0,31}$/;

// Messages are written to follow a field path, as forms and errors show them: `name: is required`.

/** Trimmed text of 1..max characters; `empty` is the message for a blank value. */
const trimmedText = (max: number, empty = 'is required') =>
  z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be text') })
    .trim()
    .min(1, { error: empty })
    .max(max, { error: `must be at most ${max} characters` });

/** A strict object: an unknown key (a typo such as `bypass_cooldown`) is an error, not silently dropped. */
const strictObject = <Shape extends z.core.$ZodLooseShape>(shape: Shape) =>
  z.strictObject(shape, {
    error: (issue) => {
      if (issue.code === 'unrecognized_keys') {
        return `has unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
      }
      return issue.input === undefined ? 'is required' : 'must be an object';
    },
  });

/**
 * V8 repeats the whole pattern in its message ("Invalid regular expression: /(a/iu: Unterminated
 * group"); the field path already says which pattern, so only the engine's reason is kept.
 * Other engines' messages pass through unchanged.
 */
const ENGINE_PREFIX = /^Invalid regular expression: \/[\s\S]*\/[a-z]*: /;


/**
 * What is wrong with a pattern source, or null when it is usable: it must compile with
 * {@link PATTERN_FLAGS}, be runnable by RE2 (see {@link compilePattern}) and must not nest
 * repetitions (see {@link hasNestedRepetition}).
 */
export function patternProblem(source: string): string | null {
  try {
    new RegExp(source, PATTERN_FLAGS);
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(ENGINE_PREFIX, '') : String(error);
    return `pattern is not a valid regular expression: ${reason}`;
  }
  try {
    compilePattern(source);
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(RE2_PREFIX, '') : String(error);
    return `pattern uses a feature the pattern engine does not support (lookarounds and backreferences are not allowed): ${reason}`;
  }
  if (hasNestedRepetition(source)) return 'pattern has a nested repetition that could hang message processing; simplify it';
  return null;
}

/**
 * A regular expression source, as typed by an admin (not trimmed: spaces can matter). Validated on
 * save so a bad pattern is a clear error, never a crash at message time (SPEC §5.3). Used for rule
 * patterns and guardrail blocked patterns alike.
 */
export const ZMessagePattern = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be text') })
  .min(1, { error: 'is required' })
  .max(MAX_PATTERN_LENGTH, { error: `must be at most ${MAX_PATTERN_LENGTH} characters` })
  .superRefine((source, ctx) => {
    const problem = patternProblem(source);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, input: source });
  });

/**
 * When a rule matches: every part given must hold (see `evaluateRules` in the backend). An empty
 * `keywords` or `leadTags` list counts as not given.
 */
export const ZRoutingCondition = strictObject({
  /** Any of these words or phrases, whole, case-insensitive. */
  keywords: z
    .array(trimmedText(100, 'must not be empty'), { error: 'must be a list of words or phrases' })
    .max(MAX_KEYWORDS, { error: `must have at most ${MAX_KEYWORDS} keywords` })
    .optional(),
  /** A regular expression tested against the message body with {@link PATTERN_FLAGS}. */
  pattern: ZMessagePattern.optional(),
  channel: z.enum(['sms', 'email'], { error: 'must be "sms" or "email"' }).optional(),
  /** The lead must have all of these tags (case-insensitive). */
  leadTags: z
    .array(trimmedText(50, 'must not be empty'), { error: 'must be a list of tags' })
    .max(MAX_LEAD_TAGS, { error: `must have at most ${MAX_LEAD_TAGS} tags` })
    .optional(),
  /** `open`: the message arrived within business hours; `closed`: outside them. */
  businessHours: z.enum(['open', 'closed'], { error: 'must be "open" or "closed"' }).optional(),
}).superRefine((condition, ctx) => {
  const given = Boolean(condition.keywords?.length || condition.pattern || condition.channel || condition.leadTags?.length || condition.businessHours);
  if (!given) {
    ctx.addIssue({ code: 'custom', message: 'needs at least one of keywords, pattern, channel, leadTags or businessHours', input: condition });
  }
});
export type RoutingCondition = z.infer<typeof ZRoutingCondition>;

/** Open an escalation to a team (SPEC §5.2); `bypassCooldown` or a critical reason code skips the lead's cooldown (§5.9). */
export const ZEscalateAction = strictObject({
  type: z.literal('escalate'),
  teamId: z.uuid({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a team id (UUID)') }),
  reason: trimmedText(500),
  reasonCode: z
    .string({ error: 'must be text' })
    .regex(REASON_CODE, { error: 'must be 1 to 32 lowercase letters, digits or underscores, starting with a letter' })
    .optional(),
  bypassCooldown: z.boolean({ error: 'must be true or false' }).optional(),
});
export type EscalateAction = z.infer<typeof ZEscalateAction>;

/** Keep the AI quiet without a holder, for the team to pick up (SPEC §5.3). */
export const ZTakeoverHoldAction = strictObject({ type: z.literal('takeover_hold') });
export type TakeoverHoldAction = z.infer<typeof ZTakeoverHoldAction>;

/** Tag the lead. */
export const ZTagAction = strictObject({ type: z.literal('tag'), tag: trimmedText(50) });
export type TagAction = z.infer<typeof ZTagAction>;

/** One thing a matching rule does, told apart by `type`. */
export const ZRoutingAction = z.discriminatedUnion('type', [ZEscalateAction, ZTakeoverHoldAction, ZTagAction], {
  error: (issue) => (issue.code === 'invalid_union' ? 'must be "escalate", "takeover_hold" or "tag"' : 'must be an action object'),
});
export type RoutingAction = z.infer<typeof ZRoutingAction>;

/**
 * An admin-managed routing rule (SPEC §5.3). Rules run in list order. Unknown top-level keys are
 * dropped (a form may send back `position` or timestamps); unknown keys in the condition or an
 * action are errors.
 * @example ZRoutingRule.parse({ name: 'Refunds', condition: { keywords: ['refund'] }, actions: [{ type: 'tag', tag: 'billing' }] })
 */
export const ZRoutingRule = z.object(
  {
    /** Absent for a rule not saved yet. */
    id: z.uuid({ error: 'must be a rule id (UUID)' }).optional(),
    name: trimmedText(120),
    enabled: z.boolean({ error: 'must be true or false' }).default(true),
    condition: ZRoutingCondition,
    actions: z
      .array(ZRoutingAction, { error: (issue) => (issue.input === undefined ? 'is required' : 'must be a list of actions') })
      .min(1, { error: 'must have at least one action' })
      .max(MAX_ACTIONS, { error: `must have at most ${MAX_ACTIONS} actions` })
      .superRefine((actions, ctx) => {
        // Two escalations or two holds in one rule would be ambiguous; tags may repeat harmlessly.
        for (const type of ['escalate', 'takeover_hold'] as const) {
          if (actions.filter((action) => action.type === type).length > 1) {
            ctx.addIssue({ code: 'custom', message: `can have at most one ${type} action`, input: actions });
          }
        }
      }),
  },
  { error: 'must be a rule object' },
);
/** A rule after parsing (`enabled` always present). */
export type RoutingRule = z.infer<typeof ZRoutingRule>;
/** A rule as accepted from a form or API (`enabled` may be left out). */
export type RoutingRuleInput = z.input<typeof ZRoutingRule>;

/** A tenant's rules, in evaluation order. */
export const ZRoutingRules = z
  .array(ZRoutingRule, { error: 'must be a list of rules' })
  .max(MAX_RULES, { error: `must have at most ${MAX_RULES} rules` });

/**
 * rules.save: the whole ordered list replaces the stored one, if it is still the version the edit
 * started from (`version` from rules.list); when another admin saved meanwhile: CONFLICT, nothing changes.
 * @example { expectedVersion: 4, rules: [{ name: 'Refunds', condition: { keywords: ['refund'] }, actions: [{ type: 'tag', tag: 'billing' }] }] }
 */
export const ZRulesSaveInput = z.object({
  rules: ZRoutingRules,
  expectedVersion: z
    .number({ error: 'is required: the version from rules.list (a whole number)' })
    .int({ error: 'must be a whole number' })
    .min(0, { error: 'must be at least 0' }),
});
export type RulesSaveInput = z.infer<typeof ZRulesSaveInput>;

/** A stored rule as rules.list and rules.save answer it. */
export type StoredRoutingRule = RoutingRule & { id: string; position: number; updatedAt: string };

/** What rules.list and rules.save answer: the tenant's rules in evaluation order and their version (0: never saved). */
export interface VersionedRoutingRules {
  rules: StoredRoutingRule[];
  /** Pass as `expectedVersion` to rules.save. */
  version: number;
}

/** Guardrails (SPEC §5.2): an AI draft matching any blocked pattern is not sent and escalates. */
export const ZGuardrails = z.object({
  blockedPatterns: z
    .array(ZMessagePattern, { error: 'must be a list of patterns' })
    .max(MAX_BLOCKED_PATTERNS, { error: `must have at most ${MAX_BLOCKED_PATTERNS} patterns` })
    .default([]),
});
export type Guardrails = z.infer<typeof ZGuardrails>;
