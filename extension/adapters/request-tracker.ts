// Adapter for Request Tracker 5 (Best Practical's RT): a pure parser of its ticket display and reply pages.
import type { AgentSend } from '../overlay/overlay-model';
import type { HelpdeskAdapter } from './adapter';

/*
 * Test URLs (RT under the web path /rt, on the origin an admin configured; any port):
 * - http://127.0.0.1:8080/rt/Ticket/Display.html?id=7                       ticket
 * - http://127.0.0.1:8080/rt/Ticket/Display.html?id=7&results=5f0c2a8e…     after a reply (RT's redirect)
 * - http://127.0.0.1:8080/rt/Ticket/Update.html?Action=Respond;id=7         reply form (`;`-separated query)
 * - http://127.0.0.1:8080/rt/Ticket/Display.html?ForceShowHistory=1;id=7    history options
 * Page anatomy measured on RT 5.0.3 (shared/reference/request-tracker.md; RT's html/Elements/*).
 */

/** Ticket pages by path, under any web path (`/rt`, none). SelfService pages are the customers' and are left alone. */
const TICKET_PAGE_PATH = /\/Ticket\/(?:Display|Update)\.html$/;
/** RT's title row on every page: `<div id="header"><h1>#7: Subject</h1></div>` ("Update ticket #7: Subject" on Update.html). */
const PAGE_HEADER = '#header';
const PAGE_TITLE = '#header > h1';
/** Other places a ticket page names its ticket: each one present must agree with the URL. */
const TICKET_ID_ELEMENTS = [
  '.ticket-info-basics .form-row.id .value', // Display.html, "The Basics" box
  'form[name="TicketUpdate"] input[type="hidden"][name="id"]', // Update.html, the form's hidden field
];
/** Update.html's reply / comment form (a full-page multipart POST). */
/** RT's ticket metadata boxes, the first thing in the page body under the header. */
const TICKET_SUMMARY = '#body > div.summary';
const REPLY_FORM = 'form[name="TicketUpdate"]';
/** The history on Display.html, by the agent's `$ShowHistory` setting: the first present is the area. */
const HISTORY_AREAS = [
  '#delayed_ticket_history', // 'delay' (RT's default): filled from /Helpers/TicketHistory after the page loads
  '#deferred_ticket_history', // 'click': filled when the agent asks for it
  'div.history.ticket', // 'always' and 'scroll': rendered with the page
];
/** The results box RT shows after an update ("Correspondence added", "Comments added", status changes). */
const ACTION_RESULTS = 'div.results ul.action-results > li';
/** The top menu's "Logged in as <span class="current-user">root</span>", linking to …/User/Summary.html?id=<user id>. */
const CURRENT_USER_LINK = '#li-preferences > a[href]';
/** One message in the history (Create, Correspond, Comment); other transactions are not `.message`. */
const MESSAGE_TRANSACTION = 'div.transaction.Ticket-transaction.message[data-transaction-id]';
/** "<user> - Correspondence added"; the user is `<span class="user" data-user-id="14">`. */
const TRANSACTION_DESCRIPTION = '.metadata .description';
const TRANSACTION_CREATOR = '.metadata .description .user[data-user-id]';
/** The text of one shown MIME part (headers and download links are outside it). */
const MESSAGE_BODY = '.content .messagebody';
/** RT's "Show quoted text" toggle inside a message body: not part of the message. */
const QUOTE_FOLDER = '.message-stanza-folder';

/** RT's own wording (English, RT's default): the results line of a reply and a history entry's description. */
const CORRESPONDENCE_ADDED = 'Correspondence added';
/**
 * Longest body reported: the backend refuses an email reply over 20,000 characters
 * (REPLY_BODY_MAX_LENGTH in backend/src/domain/scheduled-reply.ts), and a refused report would
 * lose the fact that a human replied.
 */
const MAX_REPORTED_BODY_LENGTH = 20_000;
/** Reported for a correspondence without text (only an attachment): the backend refuses an empty body. */
const NO_TEXT_BODY = '(reply without text, sent in Request Tracker)';

/**
 * The Request Tracker 5 adapter (connector `rt`, the ticket id as external id).
 *
 * @example
 * requestTrackerAdapter.conversationRef(document, new URL('http://127.0.0.1:8080/rt/Ticket/Display.html?id=7'));
 * // { connector: 'rt', externalId: '7' }
 */
export const requestTrackerAdapter: HelpdeskAdapter = {
  name: 'request-tracker',

  matches(url) {
    return (url.protocol === 'http:' || url.protocol === 'https:') && TICKET_PAGE_PATH.test(url.pathname) && ticketIdFromUrl(url) !== null;
  },

  conversationRef(document, url) {
    if (!TICKET_PAGE_PATH.test(url.pathname)) return null;
    const externalId = ticketIdFromUrl(url);
    const shown = ticketIdsShown(document);
    // The page must name the ticket (an error page such as "Could not load ticket" does not) and never another one.
    if (externalId === null || shown.length === 0 || shown.some((id) => id !== externalId)) return null;
    return { connector: 'rt', externalId };
  },

  // Under the title row, inside RT's header (its blue rule stays below the banners): measured to keep RT's layout intact.
  mountPoint(document) {
    const header = ticketHeader(document);
    return header ? { anchor: header, append: 'last' } : null;
  },

  // RT's title is an inline-block <h1>: the Take Over button (inline-block too) sits right after the ticket's title.
  headerSlot(document) {
    return ticketHeader(document);
  },

  // Update.html: the reply form. Display.html has no reply box in RT 5: the scheduled AI reply waits at the top of the
  // page body, before RT's ticket metadata (the history starts ~1,000 px down: below the fold), so an agent who opens
  // the ticket sees at once that a reply is about to go out; pages without that box get it above the history.
  composer(document) {
    return document.querySelector(REPLY_FORM) ?? document.querySelector(TICKET_SUMMARY) ?? firstOf(document, HISTORY_AREAS);
  },

  // RT renders each ticket page on the server; another ticket is another page load.
  observedAttributes: [],

  onAgentSend(document, onSend) {
    // RT's reply form is a full-page POST: the send is seen on the page RT redirects to, once its history shows it.
    if (!correspondenceJustAdded(document)) return () => undefined;
    let reported = false;
    const observer = new MutationObserver(() => reportOnce());
    const reportOnce = (): void => {
      if (reported) return;
      const send = agentCorrespondenceOnPage(document);
      if (send === null) return;
      reported = true;
      observer.disconnect();
      onSend(send);
    };
    reportOnce();
    // The history usually arrives after the page (#delayed_ticket_history): wait for it.
    if (!reported) observer.observe(document.documentElement, { childList: true, subtree: true });
    return () => observer.disconnect();
  },
};

/**
 * The agent's correspondence this page reports, or null. RT shows "Correspondence added" in its
 * results box after its reply form redirects here; the send is then the newest Correspondence
 * transaction in the history written by the logged-in user, keyed by RT's transaction id (the id
 * the RT connector sees too, so the backend counts it once). A comment ("Comments added") is never
 * a send. Null while the history has not loaded.
 *
 * @example
 * agentCorrespondenceOnPage(document); // { channel: 'email', body: 'Fixed, thanks', idempotencyKey: 'rt-txn:42' }
 */
export function agentCorrespondenceOnPage(document: Document): AgentSend | null {
  if (!correspondenceJustAdded(document)) return null;
  const userId = currentUserId(document);
  if (userId === null) return null;
  let newest: { id: number; transaction: Element } | null = null;
  for (const transaction of document.querySelectorAll(MESSAGE_TRANSACTION)) {
    const id = positiveInteger(transaction.getAttribute('data-transaction-id'));
    if (id === null || (newest !== null && id <= newest.id)) continue;
    const creatorId = positiveInteger(transaction.querySelector(TRANSACTION_CREATOR)?.getAttribute('data-user-id') ?? null);
    if (creatorId !== userId || !isCorrespondence(transaction)) continue;
    newest = { id, transaction };
  }
  if (newest === null) return null;
  return { channel: 'email', body: messageText(newest.transaction), idempotencyKey: `rt-txn:${newest.id}` };
}

/**
 * The ticket id in an RT URL's query (`id=7`, also in RT's `;`-separated form `Action=Respond;id=7`),
 * or null when it is missing, not a positive number, or given twice with different values.
 *
 * @example
 * ticketIdFromUrl(new URL('http://127.0.0.1:8080/rt/Ticket/Update.html?Action=Respond;id=7')); // '7'
 */
export function ticketIdFromUrl(url: URL): string | null {
  const ids = new Set(queryValues(url.search, 'id').map(ticketId));
  if (ids.size !== 1) return null;
  const [id] = ids;
  return id ?? null;
}

/** The ticket ids the page itself shows (title, Basics box, form field); empty when it shows no ticket. */
function ticketIdsShown(document: Document): Array<string | null> {
  const ids: Array<string | null> = [];
  const title = document.querySelector(PAGE_TITLE)?.textContent ?? '';
  const fromTitle = /#(\d+)/.exec(title)?.[1];
  if (fromTitle !== undefined) ids.push(ticketId(fromTitle));
  for (const selector of TICKET_ID_ELEMENTS) {
    for (const element of document.querySelectorAll(selector)) {
      ids.push(ticketId(element.tagName === 'INPUT' ? (element.getAttribute('value') ?? '') : (element.textContent ?? '')));
    }
  }
  return ids;
}

/** RT's header when it is a ticket's (its title names a ticket number); null elsewhere. */
function ticketHeader(document: Document): Element | null {
  const title = document.querySelector(PAGE_TITLE)?.textContent ?? '';
  return /#\d+/.test(title) ? document.querySelector(PAGE_HEADER) : null;
}

function correspondenceJustAdded(document: Document): boolean {
  return Array.from(document.querySelectorAll(ACTION_RESULTS)).some((result) => normalizedText(result).endsWith(CORRESPONDENCE_ADDED));
}

function isCorrespondence(transaction: Element): boolean {
  const description = transaction.querySelector(TRANSACTION_DESCRIPTION);
  return description !== null && normalizedText(description).endsWith(`- ${CORRESPONDENCE_ADDED}`);
}

/** The logged-in user's RT id, from the top menu's link to their summary page. */
function currentUserId(document: Document): number | null {
  const href = document.querySelector(CURRENT_USER_LINK)?.getAttribute('href') ?? '';
  if (!/\/User\/Summary\.html\?/.test(href)) return null;
  const ids = queryValues(href.slice(href.indexOf('?')), 'id');
  return ids.length === 1 ? positiveInteger(ids[0] ?? null) : null;
}

/** The message's text as the agent reads it (never its HTML), bounded for the backend. */
function messageText(transaction: Element): string {
  const text = Array.from(transaction.querySelectorAll(MESSAGE_BODY), readableText)
    .filter((part) => part !== '')
    .join('\n\n');
  if (text === '') return NO_TEXT_BODY;
  return text.length > MAX_REPORTED_BODY_LENGTH ? text.slice(0, MAX_REPORTED_BODY_LENGTH) : text;
}

/** Elements that start and end a line; paragraphs (CKEditor's `<p>`) are also set apart by a blank line. */
const BLOCK_TAGS = new Set(['ADDRESS', 'ARTICLE', 'ASIDE', 'BLOCKQUOTE', 'DD', 'DIV', 'DL', 'DT', 'FIGCAPTION', 'FIGURE', 'FOOTER', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'HEADER', 'HR', 'LI', 'OL', 'P', 'PRE', 'SECTION', 'TABLE', 'TR', 'UL']);
const PARAGRAPH_TAGS = new Set(['P', 'BLOCKQUOTE', 'PRE', 'TABLE', 'UL', 'OL']);
const SKIPPED_TAGS = new Set(['SCRIPT', 'STYLE', 'TEMPLATE', 'NOSCRIPT']);

/**
 * The text of `root` with the line breaks a reader sees (`<br>`, blocks, paragraphs), from text
 * nodes only: markup is never copied, and `<b>` typed by an agent stays the text `<b>`. Whitespace
 * collapses as in the browser, except in `<pre>` and RT's monospace plain text.
 */
function readableText(root: Element): string {
  const lines: string[] = [];
  let line = '';
  const breakLine = (): void => {
    lines.push(line.trimEnd());
    line = '';
  };
  const endBlock = (paragraph: boolean): void => {
    if (line !== '') breakLine();
    if (paragraph && lines.length > 0 && lines[lines.length - 1] !== '') lines.push('');
  };
  const addText = (value: string, preformatted: boolean): void => {
    if (preformatted) {
      const [first = '', ...rest] = value.split(/\r?\n/);
      line += first;
      for (const next of rest) {
        breakLine();
        line += next;
      }
      return;
    }
    const collapsed = value.replace(/\s+/g, ' ');
    line += line === '' || line.endsWith(' ') ? collapsed.replace(/^ /, '') : collapsed;
  };
  const walk = (node: Node, preformatted: boolean): void => {
    if (node.nodeType === TEXT_NODE) return addText((node as Text).data, preformatted);
    if (node.nodeType !== ELEMENT_NODE) return;
    const element = node as Element;
    const tag = element.tagName.toUpperCase();
    if (SKIPPED_TAGS.has(tag) || element.matches(QUOTE_FOLDER)) return;
    if (tag === 'BR') return breakLine();
    const block = BLOCK_TAGS.has(tag);
    if (block) endBlock(PARAGRAPH_TAGS.has(tag));
    const keepsWhitespace = preformatted || tag === 'PRE' || element.classList.contains('plain-text-white-space');
    for (const child of element.childNodes) walk(child, keepsWhitespace);
    if (block) endBlock(PARAGRAPH_TAGS.has(tag));
  };
  walk(root, false);
  breakLine();
  return lines.join('\n').replace(/\n{3,}/g, '\n\n').trim();
}

/** Node types, as numbers: `Node.TEXT_NODE` is not there across realms (jsdom, isolated worlds). */
const ELEMENT_NODE = 1;
const TEXT_NODE = 3;

/** Values of `name` in a query string, split on `&` and RT's `;`. A malformed escape makes a value unreadable (''). */
function queryValues(search: string, name: string): string[] {
  const values: string[] = [];
  for (const pair of search.replace(/^\?/, '').split(/[&;]/)) {
    const separator = pair.indexOf('=');
    if (separator < 0 || decoded(pair.slice(0, separator)) !== name) continue;
    values.push(decoded(pair.slice(separator + 1)));
  }
  return values;
}

function decoded(component: string): string {
  try {
    return decodeURIComponent(component.replace(/\+/g, ' '));
  } catch {
    return '';
  }
}

/** A ticket id as RT prints it (`007` is ticket 7), or null when it is no positive number. */
function ticketId(value: string): string | null {
  const id = positiveInteger(value.trim());
  return id === null ? null : String(id);
}

function positiveInteger(value: string | null): number | null {
  if (value === null || !/^\d{1,15}$/.test(value)) return null;
  const number = Number(value);
  return number > 0 ? number : null;
}

function firstOf(document: Document, selectors: readonly string[]): Element | null {
  for (const selector of selectors) {
    const element = document.querySelector(selector);
    if (element) return element;
  }
  return null;
}

function normalizedText(element: Element): string {
  return (element.textContent ?? '').replace(/\s+/g, ' ').trim();
}
