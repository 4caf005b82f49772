// Routing rules and guardrails at message time (SPEC §5.2–§5.3): what an inbound message triggers, and whether an AI draft may go out.
import { PATTERN_FLAGS, type EscalateAction, type RoutingCondition, type RoutingRule } from '../../../shared/routing-rules.js';
import { testPattern } from './pattern-matcher.js';

/** The inbound customer message the rules look at. */
export interface RoutedMessage {
  body: string;
  channel: 'sms' | 'email';
  /** The lead's tags, as stored. */
  leadTags: string[];
  /** Whether the message arrived within the tenant's business hours (the caller decides with `now`). */
  withinBusinessHours: boolean;
}

/** What the matching rules ask for, merged. */
export interface RuleEvaluation {
  /** Every enabled rule that matched, in rule order. */
  matched: { ruleId: string | undefined; ruleName: string }[];
  /** The escalate action of the first matching rule that has one; later ones are ignored. */
  escalate: (EscalateAction & { ruleName: string }) | null;
  /** True if any matching rule has `takeover_hold`. */
  takeoverHold: boolean;
  /** Tags from every matching rule, in order, without repeats (compared case-insensitively; the first spelling wins). */
  tags: string[];
}

/**
 * `cause`: `matched` — the draft matches `pattern`; `unevaluable` — `pattern` cannot be run (RE2
 * cannot compile it), so the draft is held back all the same: guardrails fail closed.
 */
export type GuardrailVerdict = { allowed: true } | { allowed: false; pattern: string; cause: 'matched' | 'unevaluable' };

/**
 * A rule pattern sees at most this many characters of the body: patterns run in linear time (RE2),
 * and this bounds that time on a huge message. Keywords still see the whole body.
 */
export const PATTERN_TEXT_LIMIT = 5000;

/** Word characters for keyword boundaries: Unicode letters, combining marks, digits and `_`, so `café` is one word. */
const WORD_CHAR = String.raw`[\p{L}\p{M}\p{N}\p{Pc}]`;
const STARTS_WITH_WORD_CHAR = new RegExp(`^${WORD_CHAR}`, 'u');
const ENDS_WITH_WORD_CHAR = new RegExp(`${WORD_CHAR}$`, 'u');

// Compiled keyword expressions, by keyword list: rules run on every inbound message and a tenant's
// rules rarely change. (Admins' patterns are compiled for RE2 by pattern-matcher.ts; keyword
// expressions are ours, escaped literals, safe for the built-in engine.) None has the `g` or `y` flag, so `test` keeps no `lastIndex`
// state and sharing them is safe. Each cache is simply emptied when full, a crude bound on memory.
const MAX_CACHED_EXPRESSIONS = 1000;

function expressionCache(toSource: (key: string) => string): (key: string) => RegExp {
  const cache = new Map<string, RegExp>();
  return (key) => {
    let expression = cache.get(key);
    if (!expression) {
      expression = new RegExp(toSource(key), PATTERN_FLAGS);
      if (cache.size >= MAX_CACHED_EXPRESSIONS) cache.clear();
      cache.set(key, expression);
    }
    return expression;
  };
}

// Keyed by the list as JSON: unambiguous whatever the keywords contain.
const compiledKeywords = expressionCache((json) => keywordsSource(JSON.parse(json) as string[]));

const escapeForRegExp = (text: string) => text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');

/**
 * One expression matching any of the keywords as a whole word or phrase: a boundary is asserted
 * only at an end that is a word character (so `C++` and `$$$` still work), and the words of a
 * phrase may be separated by any whitespace.
 */
function keywordsSource(keywords: string[]): string {
  const alternatives = keywords.map((keyword) => {
    const normalized = keyword.normalize('NFC').trim();
    const phrase = normalized.split(/\s+/u).map(escapeForRegExp).join(String.raw`\s+`);
    const start = STARTS_WITH_WORD_CHAR.test(normalized) ? `(?<!${WORD_CHAR})` : '';
    const end = ENDS_WITH_WORD_CHAR.test(normalized) ? `(?!${WORD_CHAR})` : '';
    return `${start}${phrase}${end}`;
  });
  return alternatives.map((alternative) => `(?:${alternative})`).join('|');
}

/** The first PATTERN_TEXT_LIMIT UTF-16 units, without splitting a surrogate pair. */
function patternText(body: string): string {
  if (body.length <= PATTERN_TEXT_LIMIT) return body;
  const lastUnit = body.charCodeAt(PATTERN_TEXT_LIMIT - 1);
  const isHighSurrogate = lastUnit >= 0xd800 && lastUnit <= 0xdbff;
  return body.slice(0, isHighSurrogate ? PATTERN_TEXT_LIMIT - 1 : PATTERN_TEXT_LIMIT);
}

/** The message, prepared once per evaluation. Text is compared in NFC, so a decomposed `é` matches `é`. */
interface PreparedMessage {
  channel: RoutedMessage['channel'];
  withinBusinessHours: boolean;
  leadTags: Set<string>;
  body: () => string;
  patternBody: () => string;
}

/** The text a rule pattern is tested against: the body in NFC, cut at {@link PATTERN_TEXT_LIMIT}. */
export const patternTextOf = (body: string): string => patternText(body.normalize('NFC'));

function prepare(message: RoutedMessage): PreparedMessage {
  let body: string | undefined;
  let patternBody: string | undefined;
  // Normalising a long email is wasted work when no rule looks at the body, so it waits until asked.
  const normalizedBody = () => (body ??= message.body.normalize('NFC'));
  return {
    channel: message.channel,
    withinBusinessHours: message.withinBusinessHours,
    leadTags: new Set(message.leadTags.map((tag) => tag.trim().toLowerCase())),
    body: normalizedBody,
    patternBody: () => (patternBody ??= patternText(normalizedBody())),
  };
}

/** Every part the condition has must hold; cheap parts first. Empty `keywords`/`leadTags` lists count as absent. */
function conditionHolds(condition: RoutingCondition, message: PreparedMessage): boolean {
  if (condition.channel !== undefined && condition.channel !== message.channel) return false;
  if (condition.businessHours !== undefined && (condition.businessHours === 'open') !== message.withinBusinessHours) return false;
  if (condition.leadTags?.some((tag) => !message.leadTags.has(tag.trim().toLowerCase()))) return false;
  if (condition.keywords?.length && !compiledKeywords(JSON.stringify(condition.keywords)).test(message.body())) return false;
  // A pattern RE2 cannot run (stored before RE2) does not match: a rule adds escalations, tags and
  // holds, so failing to match is the quiet side.
  if (condition.pattern !== undefined && testPattern(condition.pattern, message.patternBody()) !== 'matched') return false;
  return true;
}

/**
 * Runs a tenant's routing rules, in order, against an inbound message (SPEC §5.3). Disabled rules
 * are skipped. A rule matches when every condition part it has holds:
 * - `keywords`: any keyword appears as a whole word or phrase, case-insensitively (`refund`
 *   matches `Refund!`, not `refunded`; `money back` matches `money\n back`);
 * - `pattern`: the expression (flags `iu`, run by RE2) matches the first {@link PATTERN_TEXT_LIMIT}
 *   characters; a pattern RE2 cannot compile does not match;
 * - `channel`: equal; `leadTags`: the lead has all of them (case-insensitive);
 * - `businessHours`: `open` within business hours, `closed` outside.
 *
 * The first matching rule with an escalate action supplies `escalate`; any matching `takeover_hold`
 * holds; tags are merged. Expects rules parsed by `ZRoutingRules` (their patterns compile).
 * Applying the cooldown (§5.8–§5.9) is the caller's business.
 * @example evaluateRules([refundRule], { body: 'I want a Refund!', channel: 'sms', leadTags: [], withinBusinessHours: true })
 * // { matched: [{ ruleId, ruleName: 'Refunds' }], escalate: { type: 'escalate', …, ruleName: 'Refunds' }, takeoverHold: false, tags: [] }
 */
export function evaluateRules(rules: RoutingRule[], message: RoutedMessage): RuleEvaluation {
  const prepared = prepare(message);
  const evaluation: RuleEvaluation = { matched: [], escalate: null, takeoverHold: false, tags: [] };
  const seenTags = new Set<string>();
  for (const rule of rules) {
    if (!rule.enabled || !conditionHolds(rule.condition, prepared)) continue;
    evaluation.matched.push({ ruleId: rule.id, ruleName: rule.name });
    for (const action of rule.actions) {
      if (action.type === 'escalate') {
        evaluation.escalate ??= { ...action, ruleName: rule.name };
      } else if (action.type === 'takeover_hold') {
        evaluation.takeoverHold = true;
      } else if (!seenTags.has(action.tag.toLowerCase())) {
        seenTags.add(action.tag.toLowerCase());
        evaluation.tags.push(action.tag);
      }
    }
  }
  return evaluation;
}

/**
 * May this AI draft go out? Blocked by the first blocked pattern (flags `iu`, run by RE2) that
 * matches it (SPEC §5.2: a violation is not sent and escalates), or that cannot be evaluated:
 * guardrails fail closed (issue 11, item 6), so an old stored pattern RE2 cannot compile holds
 * every draft back until an admin fixes it. Unlike rule patterns, the whole draft is tested: a
 * guardrail must not be dodged by length, and drafts are bounded by the AI's output.
 * @example checkGuardrails({ blockedPatterns: ['guarantee'] }, 'We guarantee it') // { allowed: false, pattern: 'guarantee', cause: 'matched' }
 */
export function checkGuardrails(guardrails: { blockedPatterns: readonly string[] }, draft: string): GuardrailVerdict {
  const text = draft.normalize('NFC');
  for (const pattern of guardrails.blockedPatterns) {
    const outcome = testPattern(pattern, text);
    if (outcome !== 'not_matched') return { allowed: false, pattern, cause: outcome };
  }
  return { allowed: true };
}
