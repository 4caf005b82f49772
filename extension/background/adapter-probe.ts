// "Test on the current tab": runs an adapter configuration's selectors in a helpdesk page, outlines what they find and counts it.
// `probeHelpdeskPage` is serialized by `scripting.executeScript`: it must use nothing from outside its own body.

/** The part of a configuration the probe needs (plain data: it crosses into the page). */
export interface ProbeInput {
  urlPattern: string;
  conversationId: { from: 'url'; pattern: string } | { from: 'selector'; selector: string; attribute: string | null };
  selectors: { threadHeader: string; mount: string; composer: string | null; sendButton: string | null };
}

/** What the probe saw; `found` counts elements per selector (null: not configured). */
export interface ProbeResult {
  url: string;
  urlMatches: boolean;
  conversationId: string | null;
  found: Record<'threadHeader' | 'mount' | 'composer' | 'sendButton' | 'conversationId', number | null>;
  problems: string[];
}

/**
 * Counts each selector's matches in `document`, outlines the first match of each (and marks it with
 * `data-baton-test="<role>"`), and lists problems in plain sentences. Earlier outlines are removed first.
 *
 * @example
 * const [{ result }] = await browser.scripting.executeScript({ target: { tabId }, func: probeHelpdeskPage, args: [input] });
 */
export function probeHelpdeskPage(input: ProbeInput): ProbeResult {
  const COLORS: Record<string, string> = { threadHeader: '#d9480f', mount: '#1971c2', composer: '#2f9e44', sendButton: '#9c36b5', conversationId: '#e8590c' };
  const LABELS: Record<string, string> = { threadHeader: 'Thread header', mount: 'Banner mount', composer: 'Composer', sendButton: 'Send button', conversationId: 'Conversation id' };
  const VALID_ID = /^[A-Za-z0-9._:-]{1,255}$/;
  const problems: string[] = [];
  const url = location.href;

  for (const label of Array.from(document.querySelectorAll('[data-baton-test-label]'))) label.remove();
  for (const marked of Array.from(document.querySelectorAll<HTMLElement>('[data-baton-test]'))) {
    marked.style.removeProperty('outline');
    marked.style.removeProperty('outline-offset');
    marked.removeAttribute('data-baton-test');
    marked.removeAttribute('title');
  }

  const count = (role: string, selector: string | null, required: boolean): number | null => {
    if (selector === null) return null;
    let matches: HTMLElement[];
    try {
      matches = Array.from(document.querySelectorAll<HTMLElement>(selector));
    } catch {
      problems.push(`${LABELS[role]}: "${selector}" is not a valid CSS selector`);
      return 0;
    }
    if (matches.length === 0) {
      if (required) problems.push(`${LABELS[role]}: no element matches "${selector}"`);
      else problems.push(`${LABELS[role]}: no element matches "${selector}" (optional)`);
      return 0;
    }
    if (matches.length > 1) problems.push(`${LABELS[role]}: ${matches.length} elements match "${selector}"; Baton uses the first`);
    const first = matches[0]!;
    first.style.setProperty('outline', `3px solid ${COLORS[role]}`, 'important');
    first.style.setProperty('outline-offset', '2px', 'important');
    first.setAttribute('data-baton-test', role);
    first.setAttribute('title', `Baton: ${LABELS[role]}`);
    // A label over the outline's corner says what it is (text only; removed by the next test).
    const box = first.getBoundingClientRect();
    const label = document.createElement('div');
    label.setAttribute('data-baton-test-label', role);
    label.textContent = `Baton: ${LABELS[role]}`;
    label.style.cssText = `position:absolute;z-index:2147483647;pointer-events:none;left:${Math.max(0, box.left + scrollX - 2)}px;top:${Math.max(0, box.top + scrollY - 20)}px;background:${COLORS[role]};color:#fff;font:600 11px/16px system-ui,sans-serif;padding:1px 6px;border-radius:3px;white-space:nowrap`;
    document.body.append(label);
    return matches.length;
  };

  let urlMatches = false;
  try {
    urlMatches = new RegExp(input.urlPattern).test(url);
  } catch {
    problems.push('URL pattern is not a valid regular expression');
  }
  if (!urlMatches) problems.push(`URL pattern does not match this tab's address (${url})`);

  const found: ProbeResult['found'] = {
    threadHeader: count('threadHeader', input.selectors.threadHeader, true),
    mount: count('mount', input.selectors.mount, true),
    composer: count('composer', input.selectors.composer, false),
    sendButton: count('sendButton', input.selectors.sendButton, false),
    conversationId: null,
  };

  let conversationId: string | null = null;
  const source = input.conversationId;
  if (source.from === 'url') {
    try {
      const match = new RegExp(source.pattern).exec(url);
      conversationId = match?.[1] ? decodeURIComponent(match[1]).trim() || null : null;
    } catch {
      conversationId = null;
    }
    if (conversationId === null) problems.push('Conversation id: the id pattern captures nothing from this tab\'s address');
  } else {
    found.conversationId = count('conversationId', source.selector, true);
    const element = found.conversationId ? document.querySelector(source.selector) : null;
    const value = element ? (source.attribute === null ? element.textContent : element.getAttribute(source.attribute)) : null;
    conversationId = value?.trim() || null;
    if (element && conversationId === null) problems.push(source.attribute === null ? 'Conversation id: the element has no text' : `Conversation id: the element has no "${source.attribute}" attribute`);
  }
  if (conversationId !== null && !VALID_ID.test(conversationId)) {
    problems.push(`Conversation id: "${conversationId.slice(0, 80)}" is not an id Baton accepts (letters, digits, . _ : - only)`);
  }

  return { url, urlMatches, conversationId, found, problems };
}
