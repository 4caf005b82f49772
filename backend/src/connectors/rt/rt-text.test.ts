// Mail bodies as Baton stores them: HTML-only mail as text, and bodies of any size bounded.
import { describe, expect, it } from 'vitest';
import { boundText, htmlToText, storedBodyOf } from './rt-text.js';

describe('htmlToText', () => {
  it.each([
    ['paragraphs and entities', '<p>Hi&nbsp;there &amp; welcome</p><p>Bye &#8212; &#x263A;</p>', 'Hi there & welcome\nBye — ☺'],
    ['line breaks and lists', 'One<br>Two<br/><ul><li>a</li><li>b</li></ul>', 'One\nTwo\na\nb'],
    ['scripts, styles and comments', '<html><head><title>x</title><style>p{color:red}</style></head><body><!-- hidden --><script>alert(1)</script><b>Visible</b></body></html>', 'Visible'],
    ['a stray angle bracket', 'if a < b then <i>c</i>', 'if a < b then c'],
    ['an unclosed comment drops the rest', 'kept <!-- never closed', 'kept'],
  ])('%s', (_case, html, text) => {
    expect(htmlToText(html)).toBe(text);
  });

  it('stays fast on 5 MB of broken markup', () => {
    const started = performance.now();
    htmlToText('<'.repeat(2_500_000) + ' '.repeat(2_500_000) + '<!--'.repeat(1000));
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('boundText', () => {
  it('keeps short text and cuts long text to the limit with a note', () => {
    expect(boundText('short', 10)).toBe('short');
    const cut = boundText('a'.repeat(30_000), 20_000);
    expect(cut.length).toBeLessThanOrEqual(20_000);
    expect(cut).toMatch(/shortened by Baton\]$/);
  });

  it('never splits a surrogate pair', () => {
    const cut = boundText('😀'.repeat(50), 40);
    expect(() => encodeURIComponent(cut)).not.toThrow();
  });
});

describe('storedBodyOf', () => {
  it('stores a 5 MB text mail bounded to the email maximum', () => {
    const body = storedBodyOf('x'.repeat(5 * 1024 * 1024), 'text/plain', 20_000);
    expect(body.length).toBeLessThanOrEqual(20_000);
  });

  it('stores an HTML-only mail as text, and says when there is none', () => {
    expect(storedBodyOf('<div>Where is <b>my order</b>?</div>', 'text/html', 20_000)).toBe('Where is my order?');
    expect(storedBodyOf('   ', 'text/plain', 20_000)).toBe('(no text)');
  });
});
