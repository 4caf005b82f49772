// Admins' regular expressions at message time (routing-rule patterns, guardrail blocked patterns):
// run by RE2 (shared/routing-rules.ts `compilePattern`), linear in the text, so no time budget.
import type { RE2JS } from 're2js';
import { compilePattern } from '../../../shared/routing-rules.js';

/** `unevaluable`: RE2 cannot compile the pattern (an old stored one saved before RE2) or threw on it. */
export type PatternOutcome = 'matched' | 'not_matched' | 'unevaluable';

// Compiled patterns (or why they cannot be), by source: they run on every inbound message and
// every AI draft, and rarely change. Emptied when full, a crude bound on memory.
const MAX_CACHED_PATTERNS = 1000;
const compiled = new Map<string, RE2JS | null>();

function compiledOrNull(source: string): RE2JS | null {
  if (compiled.has(source)) return compiled.get(source)!;
  let expression: RE2JS | null;
  try {
    expression = compilePattern(source);
  } catch {
    expression = null;
  }
  if (compiled.size >= MAX_CACHED_PATTERNS) compiled.clear();
  compiled.set(source, expression);
  return expression;
}

/**
 * Whether `source` (flags `iu`) matches anywhere in `text`. Never throws: a pattern RE2 cannot
 * compile, or any failure while matching, is `unevaluable`, and each caller decides what that
 * means (a guardrail blocks the draft, a rule does not match).
 * @example testPattern('refund', 'A REFUND please') // 'matched'
 * @example testPattern('refund(?= now)', 'refund now') // 'unevaluable' (RE2 has no lookarounds)
 */
export function testPattern(source: string, text: string): PatternOutcome {
  const expression = compiledOrNull(source);
  if (!expression) return 'unevaluable';
  try {
    return expression.test(text) ? 'matched' : 'not_matched';
  } catch {
    return 'unevaluable';
  }
}
