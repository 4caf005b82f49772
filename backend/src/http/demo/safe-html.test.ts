// The escaping template used by the demo inbox's server-rendered pages.
import { describe, expect, it } from 'vitest';
import { escapeHtml, html } from './safe-html.js';

describe('escapeHtml', () => {
  it.each([
    ['<img src=x onerror=alert(1)>', '&lt;img src=x onerror=alert(1)&gt;'],
    [`"quoted" & 'single' \`tick\``, '&quot;quoted&quot; &amp; &#39;single&#39; &#96;tick&#96;'],
    ['plain text', 'plain text'],
  ])('escapes %j', (input, expected) => {
    expect(escapeHtml(input)).toBe(expected);
  });
});

describe('html``', () => {
  it('escapes strings and numbers, keeps nested html and arrays of it, drops null and undefined', () => {
    const name = '<script>alert(1)</script>';
    const items = ['a<b', 'c'].map((text) => html`<li>${text}</li>`);
    const markup = html`<p title="${name}">${name} ${42}</p><ul>${items}</ul>${null}${undefined}`;
    expect(markup.value).toBe(
      '<p title="&lt;script&gt;alert(1)&lt;/script&gt;">&lt;script&gt;alert(1)&lt;/script&gt; 42</p><ul><li>a&lt;b</li><li>c</li></ul>',
    );
  });
});
