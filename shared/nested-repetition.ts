// The nested-repetition check for admins' regular expressions, on its own: the browser's engine (helpdesk
// adapter patterns in content scripts) needs it without the RE2 engine that routing rules bring.

/**
 * True when `source` has a group that contains an unbounded quantifier (`+`, `*`, `{n,}`, at any
 * depth) and is itself followed by a repeating quantifier (`+`, `*` or any `{…}`; only `?` is
 * exempt): `(a+)+`, `(\w*)*`, `(x+){2,}`, `((a+)b)*`. Such nesting can backtrack exponentially and
 * hang message processing. `(refund|cancel)+` (no inner quantifier) and `(\d{1,3}\.){3}` (bounded
 * inner quantifier) pass.
 *
 * Deliberately simple and conservative: it rejects some safe patterns (`(\d+\.)+`) and does not
 * catch every slow one (overlapping alternatives such as `(a|ab)*`), so evaluation also caps the
 * text a pattern sees. Expects a source that already compiles with the `iu` flags; in
 * Unicode mode a `{` outside a class is always a quantifier and classes do not nest.
 * @example hasNestedRepetition('(a+)+') // true
 */
export function hasNestedRepetition(source: string): boolean {
  // One frame per open group (the root counts as one): does it contain an unbounded quantifier?
  const frames: boolean[] = [false];
  const markUnbounded = () => {
    frames[frames.length - 1] = true;
  };
  /** Index just past the next `}` from `from` (the end of `source` if there is none). */
  const pastBrace = (from: number) => {
    const close = source.indexOf('}', from);
    return close === -1 ? source.length : close + 1;
  };
  let inClass = false;
  let i = 0;
  while (i < source.length) {
    const char = source[i];
    if (char === '\\') {
      // `\p{L}`, `\P{…}` and `\u{…}` carry braces that are not quantifiers.
      const escaped = source[i + 1] ?? '';
      i += 2;
      if (/^[pPu]$/.test(escaped) && source[i] === '{') i = pastBrace(i);
      continue;
    }
    if (inClass) {
      if (char === ']') inClass = false;
      i += 1;
      continue;
    }
    if (char === '[') {
      inClass = true;
    } else if (char === '(') {
      frames.push(false);
    } else if (char === ')' && frames.length > 1) {
      const groupHasUnbounded = frames.pop() ?? false;
      const next = source[i + 1];
      if (groupHasUnbounded && (next === '+' || next === '*' || next === '{')) return true;
      if (groupHasUnbounded) markUnbounded();
    } else if (char === '+' || char === '*') {
      markUnbounded();
    } else if (char === '{') {
      const end = pastBrace(i);
      if (/^\{\d+,\}$/.test(source.slice(i, end))) markUnbounded();
      i = end;
      continue;
    }
    i += 1;
  }
  return false;
}
