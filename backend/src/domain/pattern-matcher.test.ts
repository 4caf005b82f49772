// Table tests for the RE2 pattern matcher: flags `iu`, Unicode, no catastrophic backtracking, unevaluable patterns.
import { describe, expect, it } from 'vitest';
import { testPattern, type PatternOutcome } from './pattern-matcher.js';

describe('testPattern', () => {
  it.each<[string, string, string, PatternOutcome]>([
    ['a plain word, anywhere in the text', 'refund', 'I want a refund now', 'matched'],
    ['no match', 'refund', 'I want my money back', 'not_matched'],
    ['case-insensitive', 'refund', 'I WANT A REFUND', 'matched'],
    ['case-insensitive beyond ASCII', 'école', 'ÉCOLE', 'matched'],
    ['anchors at the start and end of the whole text', '^hello.*bye$', 'Hello, and good bye', 'matched'],
    ['a \\u escape', 'caf\\u00e9', 'the CAFÉ', 'matched'],
    ['a \\u{…} escape beyond the BMP', '\\u{1F600}', 'smile 😀', 'matched'],
    ['one dot is one code point, not a UTF-16 unit', '^.$', '😀', 'matched'],
    ['Unicode property classes', '^\\p{Lu}\\p{Ll}+$', 'Ünïcode', 'matched'],
    ['named groups', '(?<order>\\d{3}-\\d{4})', 'order 123-4567', 'matched'],
    ['a slash needs no escape', 'and/or', 'this and/or that', 'matched'],
    ['a lookahead is unevaluable', 'refund(?= now)', 'refund now', 'unevaluable'],
    ['a lookbehind is unevaluable', '(?<=my )refund', 'my refund', 'unevaluable'],
    ['a backreference is unevaluable', '(a)\\1', 'aa', 'unevaluable'],
    ['a syntax error is unevaluable', 'refund(', 'refund(', 'unevaluable'],
  ])('%s: %j on %j', (_, source, text, outcome) => {
    expect(testPattern(source, text)).toBe(outcome);
  });

  it('answers the same from its cache, including for an unevaluable pattern', () => {
    expect(testPattern('(?=x)x', 'x')).toBe('unevaluable');
    expect(testPattern('(?=x)x', 'x')).toBe('unevaluable');
    expect(testPattern('refund', 'REFUND')).toBe('matched');
  });

  it.each([
    ['(a+)+$', `${'a'.repeat(10_000)}!`, 'not_matched'],
    ['(a+)+$', 'a'.repeat(10_000), 'matched'],
    ['(a|aa)*b', 'a'.repeat(10_000), 'not_matched'],
    ['a*a*a*a*b', 'a'.repeat(10_000), 'not_matched'],
  ] as const)('runs the catastrophic pattern %j in linear time (a backtracking engine would hang here)', (source, text, outcome) => {
    expect(testPattern(source, text)).toBe(outcome);
  });
});
