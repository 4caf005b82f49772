// Reads a form out of a Request Tracker page the way a browser would submit it (no DOM library:
// a small reader for the inputs, selects and textareas RT renders), so tests can post RT's own forms.

/** A form found in a page: its attributes and the name/value pairs a browser would submit. */
export interface PageForm {
  attributes: Record<string, string>;
  /** Successful controls in document order; submit buttons and file inputs are left out. */
  fields: Array<[string, string]>;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, entity: string) => {
    if (entity[0] === '#') {
      const code = entity[1] === 'x' || entity[1] === 'X' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
      return Number.isFinite(code) ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[entity.toLowerCase()] ?? whole;
  });
}

/** Attributes of a start tag (`<input a="1" b>` → { a: '1', b: '' }), names lower-cased, values decoded. */
function parseAttributes(tag: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  const inner = tag.replace(/^<[a-z0-9]+/i, '').replace(/\/?>$/, '');
  for (const match of inner.matchAll(/([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?/g)) {
    const name = match[1]!.toLowerCase();
    if (!(name in attributes)) attributes[name] = decodeEntities(match[2] ?? match[3] ?? match[4] ?? '');
  }
  return attributes;
}

/** The text a page fragment shows (tags dropped, entities decoded, white space collapsed). */
export const textOf = (html: string) => decodeEntities(html.replace(/<[^>]*>/g, '')).replace(/\s+/g, ' ').trim();

/** A start tag whose quoted attribute values may contain `>`. */
const START_TAG = (name: string) => `<${name}\\b(?:[^>"']|"[^"]*"|'[^']*')*>`;

function selectValues(select: string): string[] {
  const options = [...select.matchAll(new RegExp(`(${START_TAG('option')})([\\s\\S]*?)(?=<option\\b|</select>|</optgroup>)`, 'gi'))].map((match) => {
    const attributes = parseAttributes(match[1]!);
    return { value: attributes.value ?? textOf(match[2]!), selected: 'selected' in attributes, disabled: 'disabled' in attributes };
  });
  const multiple = 'multiple' in parseAttributes(new RegExp(START_TAG('select'), 'i').exec(select)![0]);
  const selected = options.filter((option) => option.selected && !option.disabled);
  if (multiple) return selected.map((option) => option.value);
  const chosen = selected.at(-1) ?? options.find((option) => !option.disabled);
  return chosen ? [chosen.value] : [];
}

/**
 * Finds the first form in `html` whose attributes satisfy `matches` and answers what a browser
 * would submit from it unchanged; null when there is no such form.
 *
 * @example readForm(html, (form) => form.name === 'TicketUpdate')
 */
export function readForm(html: string, matches: (attributes: Record<string, string>) => boolean): PageForm | null {
  const visible = html.replace(/<!--[\s\S]*?-->/g, '').replace(/(<script\b[^>]*>)[\s\S]*?(<\/script>)/gi, '$1$2');
  for (const formMatch of visible.matchAll(new RegExp(`(${START_TAG('form')})([\\s\\S]*?)</form>`, 'gi'))) {
    const attributes = parseAttributes(formMatch[1]!);
    if (!matches(attributes)) continue;
    const fields: Array<[string, string]> = [];
    const controls = new RegExp(`${START_TAG('input')}|${START_TAG('select')}[\\s\\S]*?</select>|(${START_TAG('textarea')})([\\s\\S]*?)</textarea>`, 'gi');
    for (const control of formMatch[2]!.matchAll(controls)) {
      const tag = control[0];
      const own = parseAttributes(new RegExp(`^${START_TAG('[a-z]+')}`, 'i').exec(tag)![0]);
      const name = own.name;
      if (!name || 'disabled' in own) continue;
      if (/^<input/i.test(tag)) {
        const type = (own.type ?? 'text').toLowerCase();
        if (['submit', 'button', 'image', 'reset', 'file'].includes(type)) continue;
        if ((type === 'checkbox' || type === 'radio') && !('checked' in own)) continue;
        fields.push([name, own.value ?? (type === 'checkbox' || type === 'radio' ? 'on' : '')]);
      } else if (/^<select/i.test(tag)) {
        for (const value of selectValues(tag)) fields.push([name, value]);
      } else {
        // A browser drops one newline right after <textarea>.
        fields.push([name, decodeEntities(control[2] ?? '').replace(/^\r?\n/, '')]);
      }
    }
    return { attributes, fields };
  }
  return null;
}
