// Text of a mail as Baton stores it (issue 12 "Bad input"): HTML becomes plain text (tags stripped,
// entities decoded, blocks on their own lines) and every body is bounded to the channel's maximum.
// Pure functions; the patterns are linear, so a 5 MB body costs milliseconds.

/** What is read of a raw body before conversion: enough for any bounded message, never megabytes of markup. */
export const MAX_RAW_BODY_CHARS = 1_000_000;

const TRUNCATION_NOTE = '\n[…message shortened by Baton]';

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8}|#39);/gi, (entity, name: string) => {
    const lower = name.toLowerCase();
    if (lower in NAMED_ENTITIES) return NAMED_ENTITIES[lower]!;
    if (lower.startsWith('#x') || lower.startsWith('#')) {
      const code = lower.startsWith('#x') ? parseInt(lower.slice(2), 16) : parseInt(lower.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
    }
    return entity;
  });
}

/**
 * `html` without the spans from each `open` match to the next `close` (to the end when unclosed):
 * one pass with indexOf, linear however the markup is broken.
 */
function withoutSpans(html: string, open: RegExp, close: (opened: string) => string): string {
  const finder = new RegExp(open.source, `${open.flags.replace('g', '')}g`);
  const lower = html.toLowerCase();
  let kept = '';
  let from = 0;
  for (;;) {
    finder.lastIndex = from;
    const match = finder.exec(html);
    if (!match) return kept + html.slice(from);
    kept += html.slice(from, match.index);
    const closing = close(match[0]);
    const end = lower.indexOf(closing, match.index + match[0].length);
    if (end < 0) return kept;
    // A closing tag ends at its `>` (`</script >`); `-->` ends at itself.
    const closedAt = closing.endsWith('>') ? end + closing.length : lower.indexOf('>', end + closing.length) + 1;
    if (closedAt <= 0) return kept;
    from = closedAt;
  }
}

/**
 * Plain text of an HTML body: scripts, styles and comments dropped, line breaks where blocks end.
 * @example htmlToText('<p>Hi&nbsp;there</p><p>Bye</p>') // 'Hi there\nBye'
 */
export function htmlToText(html: string): string {
  let text = html.slice(0, MAX_RAW_BODY_CHARS);
  text = withoutSpans(text, /<!--/, () => '-->');
  text = withoutSpans(text, /<(script|style|head|title)\b[^<>]*>/i, (opened) => `</${/^<(\w+)/.exec(opened)![1]!.toLowerCase()}`);
  text = text
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|tr|h[1-6]|blockquote|pre|table|section|article)\s*>/gi, '\n')
    .replace(/<(hr|p|div|li|tr|h[1-6]|blockquote|table)\b[^<>]*>/gi, '\n')
    // `[^<>]*`: a stray `<` ends the scan at the next one, so broken markup stays linear.
    .replace(/<[^<>]*>/g, '');
  return collapseSpaces(tidyLines(decodeEntities(text)));
}

/** Line ends as `\n`, at most one blank line in a row, no trailing spaces, trimmed. */
function tidyLines(text: string): string {
  // Line by line (a regex over a long run of spaces would backtrack quadratically).
  const lines = text.replace(/\r\n?/g, '\n').split('\n').map((line) => line.trimEnd());
  return lines.join('\n').replace(/\n{3,}/g, '\n\n').trim();
}

/** HTML's whitespace rules: runs of spaces are one space; blocks (which open and close with a break) one line each. */
function collapseSpaces(text: string): string {
  return text.replace(/[ \t\f\v\u00a0]+/g, ' ').replace(/ ?\n ?/g, '\n').replace(/\n{2,}/g, '\n').trim();
}

/**
 * `text` cut to `maxLength` characters (UTF-16 units, as zod counts) with a note saying it was
 * shortened; never splits a surrogate pair.
 * @example boundText('a'.repeat(30_000), 20_000).length // 20_000
 */
export function boundText(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  let end = Math.max(0, maxLength - TRUNCATION_NOTE.length);
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end).trimEnd()}${TRUNCATION_NOTE}`;
}

/**
 * A mail body as Baton stores it: text of HTML, whitespace tidied, bounded; an empty body says so
 * (an attachment-only mail is still a customer message).
 */
export function storedBodyOf(content: string, contentType: string, maxLength: number): string {
  const text = /html/i.test(contentType) ? htmlToText(content) : tidyLines(content.slice(0, MAX_RAW_BODY_CHARS));
  return boundText(text || '(no text)', maxLength);
}
