// The Request Tracker 5 adapter on pages saved from a real RT 5.0.3 (Debian's packages; table-style, jsdom).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { deskConfig } from './fixtures/desk-config';
import { loadFixture, showFixture } from './fixtures/load-fixture';
import { createGenericAdapter } from './generic';
import { adapterFor, helpdeskAdapters } from './index';
import { agentCorrespondenceOnPage, requestTrackerAdapter as adapter, ticketIdFromUrl } from './request-tracker';

const RT = 'http://127.0.0.1:8080/rt';
const TICKET = '1';
const OTHER_TICKET = String(Number(TICKET) + 1);
const DISPLAY_URL = new URL(`${RT}/Ticket/Display.html?id=${TICKET}`);
const UPDATE_URL = new URL(`${RT}/Ticket/Update.html?Action=Respond;id=${TICKET}`);
/** The agent's reply saved in rt-ticket-display-after-reply.html (RT's transaction id and the text typed). */
const REPLY_TRANSACTION = '44';
const REPLY_TEXT = 'Tracking number: 00340434161234567890.';
/** alice's earlier correspondence on the same ticket (typed as three paragraphs in RT's editor). */
const EARLIER_REPLY_TRANSACTION = '40';
const EARLIER_REPLY_TEXT = 'Hi Ann,\n\nyour parcel left our warehouse this morning.\n\nAlice';

const DISPLAY = 'rt-ticket-display.html';
const UPDATE = 'rt-ticket-update.html';
const AFTER_REPLY = 'rt-ticket-display-after-reply.html';
const AFTER_COMMENT = 'rt-ticket-display-after-comment.html';
const DISPLAY_PAGES = [DISPLAY, AFTER_REPLY, AFTER_COMMENT];

describe('request tracker adapter: pages', () => {
  it.each([
    [`${RT}/Ticket/Display.html?id=7`, '7'],
    [`${RT}/Ticket/Update.html?Action=Respond;id=7`, '7'],
    [`${RT}/Ticket/Update.html?id=7;Action=Comment`, '7'],
    [`${RT}/Ticket/Display.html?id=7&results=5f0c2a8e1d7b4c55`, '7'],
    [`${RT}/Ticket/Display.html?ForceShowHistory=1;id=7#txn-42`, '7'],
    [`${RT}/Ticket/Display.html?id=007`, '7'],
    [`${RT}/Ticket/Display.html?id=7&id=7`, '7'],
    ['https://rt.example.com/Ticket/Display.html?id=12345', '12345'],
    [`${RT}/Ticket/Display.html`, null],
    [`${RT}/Ticket/Display.html?id=`, null],
    [`${RT}/Ticket/Display.html?id=new`, null],
    [`${RT}/Ticket/Display.html?id=0`, null],
    [`${RT}/Ticket/Display.html?id=-7`, null],
    [`${RT}/Ticket/Display.html?id=7;id=8`, null],
    [`${RT}/Ticket/Display.html?ticket_id=7`, null],
    [`${RT}/Ticket/Display.html?id=%E0%A4%A`, null],
  ])('ticketIdFromUrl(%s) is %j', (url, expected) => {
    expect(ticketIdFromUrl(new URL(url))).toBe(expected);
  });

  it.each([
    [`${RT}/Ticket/Display.html?id=7`, true],
    [`${RT}/Ticket/Update.html?Action=Respond;id=7`, true],
    ['http://127.0.0.1:9999/Ticket/Display.html?id=7', true],
    ['https://rt.example.com/support/rt/Ticket/Update.html?id=7', true],
    [`${RT}/Ticket/Display.html`, false],
    [`${RT}/Ticket/Display.html?id=new`, false],
    [`${RT}/Ticket/History.html?id=7`, false],
    [`${RT}/Ticket/Create.html?Queue=1`, false],
    [`${RT}/SelfService/Display.html?id=7`, false],
    [`${RT}/Search/Results.html?Query=id%3D7`, false],
    [`${RT}/Ticket/Display.html.orig?id=7`, false],
    [`${RT}/MyTicket/Display.html?id=7`, false],
    [`${RT}/`, false],
    ['file:///rt/Ticket/Display.html?id=7', false],
  ])('matches(%s) is %s', (url, expected) => {
    expect(adapter.matches(new URL(url))).toBe(expected);
  });

  it.each([
    ['the ticket', DISPLAY, DISPLAY_URL, { connector: 'rt', externalId: TICKET }],
    ['the ticket after a reply', AFTER_REPLY, new URL(`${RT}/Ticket/Display.html?id=${TICKET}&results=5f0c2a8e`), { connector: 'rt', externalId: TICKET }],
    ['the ticket after a comment', AFTER_COMMENT, DISPLAY_URL, { connector: 'rt', externalId: TICKET }],
    ['the reply form', UPDATE, UPDATE_URL, { connector: 'rt', externalId: TICKET }],
    ['the ticket, id written with a leading zero', DISPLAY, new URL(`${RT}/Ticket/Display.html?id=0${TICKET}`), { connector: 'rt', externalId: TICKET }],
    ['the page of another ticket', DISPLAY, new URL(`${RT}/Ticket/Display.html?id=${OTHER_TICKET}`), null],
    ['the reply form of another ticket', UPDATE, new URL(`${RT}/Ticket/Update.html?Action=Respond;id=${OTHER_TICKET}`), null],
    ['a URL without a ticket id', DISPLAY, new URL(`${RT}/Ticket/Display.html`), null],
    ['a page that is no ticket page', DISPLAY, new URL(`${RT}/Search/Results.html?id=${TICKET}`), null],
    ['an unrelated page', 'unrelated-page.html', DISPLAY_URL, null],
  ])('conversationRef on %s', (_case, fixture, url, expected) => {
    expect(adapter.conversationRef(loadFixture(fixture), url)).toEqual(expected);
  });

  it('is null when the page shows no ticket (RT\'s "Could not load ticket" error page)', () => {
    const page = loadFixture(DISPLAY);
    page.querySelector('#header > h1')!.textContent = 'RT Error';
    page.querySelector('.ticket-info-basics')!.remove();
    expect(adapter.conversationRef(page, DISPLAY_URL)).toBeNull();
  });

  it.each([
    ['the title', (page: Document) => (page.querySelector('#header > h1')!.textContent = `#${OTHER_TICKET}: Another subject`)],
    ['the Basics box', (page: Document) => (page.querySelector('.ticket-info-basics .form-row.id .value')!.textContent = OTHER_TICKET)],
  ])('is null when %s names another ticket than the URL', (_case, disagree) => {
    const page = loadFixture(DISPLAY);
    disagree(page);
    expect(adapter.conversationRef(page, DISPLAY_URL)).toBeNull();
  });

  it('is null when the reply form is for another ticket than the URL', () => {
    const page = loadFixture(UPDATE);
    page.querySelector('form[name="TicketUpdate"] input[name="id"]')!.setAttribute('value', OTHER_TICKET);
    expect(adapter.conversationRef(page, UPDATE_URL)).toBeNull();
  });

  it.each([...DISPLAY_PAGES, UPDATE])('puts the banners and the Take Over button in the ticket header of %s', (fixture) => {
    const page = loadFixture(fixture);
    const header = page.querySelector('#header');
    expect(header?.querySelector('h1')?.textContent).toContain(`#${TICKET}`);
    expect(adapter.mountPoint(page)).toEqual({ anchor: header, append: 'last' });
    expect(adapter.headerSlot(page)).toBe(header);
  });

  it('puts the scheduled reply above the reply form on the reply page', () => {
    const page = loadFixture(UPDATE);
    expect(adapter.composer(page)).toBe(page.querySelector('form[name="TicketUpdate"]'));
  });

  it.each(DISPLAY_PAGES)('puts the scheduled reply at the top of the page body, above the ticket metadata, on %s', (fixture) => {
    const page = loadFixture(fixture);
    expect(adapter.composer(page)).toBe(page.querySelector('#body > div.summary'));
  });

  it('puts the scheduled reply above the history on a ticket page without the metadata box', () => {
    const page = loadFixture(DISPLAY_PAGES[0]!);
    page.querySelector('#body > div.summary')!.remove();
    expect(adapter.composer(page)).toBe(page.querySelector('#delayed_ticket_history'));
  });

  it('finds nothing to place on an unrelated page', () => {
    const page = loadFixture('unrelated-page.html');
    expect(adapter.mountPoint(page)).toBeNull();
    expect(adapter.headerSlot(page)).toBeNull();
    expect(adapter.composer(page)).toBeNull();
  });

  it("serves RT's ticket pages before a configured adapter of the same origin, which keeps the other pages", () => {
    const configured = createGenericAdapter(deskConfig({ origin: 'http://127.0.0.1:8080' }));
    const adapters = [...helpdeskAdapters, configured];
    expect(adapterFor(DISPLAY_URL, adapters)).toBe(adapter);
    expect(adapterFor(UPDATE_URL, adapters)).toBe(adapter);
    expect(adapterFor(new URL(`${RT}/Search/Results.html`), adapters)).toBe(configured);
  });

  it('observes no attributes (RT renders every ticket page on the server)', () => {
    expect(adapter.observedAttributes).toEqual([]);
  });
});

/** The live page of `fixture` with the history as RT serves it before /Helpers/TicketHistory answered, and a function that puts it in. */
function pageBeforeHistory(fixture: string) {
  const page = showFixture(fixture);
  const area = page.querySelector('#delayed_ticket_history')!;
  const loaded = Array.from(area.childNodes);
  area.replaceChildren(page.createTextNode('Loading...'));
  return { page, area, loadHistory: () => area.replaceChildren(...loaded) };
}

describe('request tracker adapter: the history loading after the page', () => {
  it('reads the ticket, the slots and no send while the history is loading, and the send once it is there', () => {
    const { page, area, loadHistory } = pageBeforeHistory(AFTER_REPLY);
    expect(area.querySelector('.transaction')).toBeNull();
    expect(adapter.conversationRef(page, DISPLAY_URL)).toEqual({ connector: 'rt', externalId: TICKET });
    expect(adapter.composer(page)).toBe(page.querySelector('#body > div.summary'));
    expect(adapter.mountPoint(page)).toEqual({ anchor: page.querySelector('#header'), append: 'last' });
    expect(agentCorrespondenceOnPage(page)).toBeNull();
    loadHistory();
    expect(adapter.composer(page)).toBe(page.querySelector('#body > div.summary'));
    expect(agentCorrespondenceOnPage(page)).toEqual({ channel: 'email', body: REPLY_TEXT, idempotencyKey: `rt-txn:${REPLY_TRANSACTION}` });
  });
});

describe('request tracker adapter: onAgentSend', () => {
  const teardowns: Array<() => void> = [];
  afterEach(() => teardowns.splice(0).forEach((stop) => stop()));

  function listen(page: Document) {
    const onSend = vi.fn();
    const stop = adapter.onAgentSend(page, onSend);
    teardowns.push(stop);
    return { onSend, stop };
  }

  it("reports the agent's correspondence once, with RT's transaction id, when the history appears after the page", async () => {
    const { page, loadHistory } = pageBeforeHistory(AFTER_REPLY);
    const { onSend } = listen(page);
    await mutationsDelivered();
    expect(onSend).not.toHaveBeenCalled();
    loadHistory();
    await mutationsDelivered();
    expect(onSend.mock.calls).toEqual([[{ channel: 'email', body: REPLY_TEXT, idempotencyKey: `rt-txn:${REPLY_TRANSACTION}` }]]);
    // More changes to the page (RT's scripts, our own banners) report nothing more.
    page.body.append(page.createElement('div'));
    loadHistory();
    await mutationsDelivered();
    expect(onSend).toHaveBeenCalledTimes(1);
  });

  it('reports right away when the history is already on the page', () => {
    const { onSend } = listen(showFixture(AFTER_REPLY));
    expect(onSend.mock.calls).toEqual([[{ channel: 'email', body: REPLY_TEXT, idempotencyKey: `rt-txn:${REPLY_TRANSACTION}` }]]);
  });

  it('reports the same key when the page is loaded again (the backend counts it once)', () => {
    const first = listen(showFixture(AFTER_REPLY)).onSend;
    const second = listen(showFixture(AFTER_REPLY)).onSend;
    expect(second.mock.calls).toEqual(first.mock.calls);
    expect(second.mock.calls[0]?.[0].idempotencyKey).toBe(`rt-txn:${REPLY_TRANSACTION}`);
  });

  it.each([
    ['after a comment (its history loading after the page)', AFTER_COMMENT, true],
    ['on the ticket opened without an update (its history loading after the page)', DISPLAY, true],
    ['on the reply form', UPDATE, false],
    ['on an unrelated page', 'unrelated-page.html', false],
  ])('reports nothing %s', async (_case, fixture, historyLoadsLater) => {
    const { page, loadHistory } = historyLoadsLater ? pageBeforeHistory(fixture) : { page: showFixture(fixture), loadHistory: () => undefined };
    const { onSend } = listen(page);
    loadHistory();
    await mutationsDelivered();
    expect(onSend).not.toHaveBeenCalled();
    expect(agentCorrespondenceOnPage(page)).toBeNull();
  });

  it('reports the newest of the agent\'s correspondences whatever the history order (RT\'s "Reverse history order")', () => {
    const page = showFixture(AFTER_REPLY);
    const earlier = page.querySelector(`.transaction[data-transaction-id="${EARLIER_REPLY_TRANSACTION}"]`)!;
    earlier.parentElement!.append(earlier);
    expect(agentCorrespondenceOnPage(page)?.idempotencyKey).toBe(`rt-txn:${REPLY_TRANSACTION}`);
  });

  it("reads a reply typed as paragraphs in RT's editor as text with its blank lines", () => {
    const page = showFixture(AFTER_REPLY);
    replyTransaction(page).remove();
    expect(agentCorrespondenceOnPage(page)).toEqual({ channel: 'email', body: EARLIER_REPLY_TEXT, idempotencyKey: `rt-txn:${EARLIER_REPLY_TRANSACTION}` });
  });

  it('reports nothing when the newest correspondence was written by someone else than the logged-in user', () => {
    const page = showFixture(AFTER_REPLY);
    for (const creator of page.querySelectorAll('.transaction .metadata .description .user[data-user-id]')) creator.setAttribute('data-user-id', '999999');
    expect(listen(page).onSend).not.toHaveBeenCalled();
  });

  it('reports nothing when the page does not say who is logged in', () => {
    const page = showFixture(AFTER_REPLY);
    page.querySelector('#li-preferences')!.remove();
    expect(listen(page).onSend).not.toHaveBeenCalled();
  });

  it('stops waiting for the history after teardown', async () => {
    const { page, loadHistory } = pageBeforeHistory(AFTER_REPLY);
    const { onSend, stop } = listen(page);
    stop();
    loadHistory();
    await mutationsDelivered();
    expect(onSend).not.toHaveBeenCalled();
  });

  it('reports text typed with HTML characters as that text, never as markup', () => {
    const page = showFixture(AFTER_REPLY);
    const typed = '<b>not bold</b> & "quoted" <script>alert(1)</script> 5 < 6';
    replyTransaction(page).querySelector('.messagebody')!.replaceChildren(page.createTextNode(typed));
    expect(listen(page).onSend).toHaveBeenCalledWith(expect.objectContaining({ body: typed, idempotencyKey: `rt-txn:${REPLY_TRANSACTION}` }));
  });

  it("keeps the reply's line breaks and paragraphs, and leaves out RT's quote toggle", () => {
    const page = showFixture(AFTER_REPLY);
    const body = replyTransaction(page).querySelector('.messagebody')!;
    // RT's markup of a reply body, parsed as a fixture (it is the page's HTML the adapter reads).
    const markup =
      '<div class="message-stanza"><p>Hello Jane,</p>\n  <p>Your order ships <b>today</b>.<br />\nTracking follows.</p></div>' +
      '<div class="message-stanza-folder closed">Show quoted text</div><div class="message-stanza closed">&gt; When does it ship?</div>';
    body.replaceChildren(...new DOMParser().parseFromString(markup, 'text/html').body.childNodes);
    expect(agentCorrespondenceOnPage(page)?.body).toBe('Hello Jane,\n\nYour order ships today.\nTracking follows.\n\n> When does it ship?');
  });

  it('bounds a very long reply to what the backend accepts', () => {
    const page = showFixture(AFTER_REPLY);
    replyTransaction(page).querySelector('.messagebody')!.replaceChildren(page.createTextNode('x'.repeat(25_000)));
    expect(agentCorrespondenceOnPage(page)?.body).toHaveLength(20_000);
  });

  it('reports a reply without text (an attachment only) with a placeholder the backend accepts', () => {
    const page = showFixture(AFTER_REPLY);
    for (const body of replyTransaction(page).querySelectorAll('.messagebody')) body.replaceChildren();
    expect(agentCorrespondenceOnPage(page)?.body).toBe('(reply without text, sent in Request Tracker)');
  });
});

/** MutationObserver callbacks run as microtasks: a macrotask later they have run. */
function mutationsDelivered(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function replyTransaction(page: Document): Element {
  return page.querySelector(`.transaction[data-transaction-id="${REPLY_TRANSACTION}"]`)!;
}
