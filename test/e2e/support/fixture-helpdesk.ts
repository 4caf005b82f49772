// "Fixture Desk": a tiny helpdesk on its own 127.0.0.1 port whose markup is unlike the demo inbox, for the generic adapter's e2e test.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { postSignedWebhook } from '../../support/signed-webhook.js';
import type { E2eBackend } from './backend.js';
import { waitFor } from './wait.js';

/** The connector Fixture Desk's conversations arrive with at Baton. */
export const FIXTURE_DESK_CONNECTOR = 'fixture-desk';

export interface FixtureTicket {
  externalId: string;
  customer: string;
  messages: { from: 'customer' | 'staff'; body: string }[];
}

export interface FixtureHelpdesk {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  port: number;
  ticketUrl(externalId: string): string;
  /** A ticket the desk shows (no Baton involved). */
  addTicket(ticket: FixtureTicket): void;
  stop(): Promise<void>;
}

/**
 * Starts the desk: `/tickets` lists tickets, `/tickets/<id>` shows one with `<div id="ticket-head">`,
 * `<article class="conversation">` and a reply box (`<textarea>` + `<button class="reply-send">`).
 * Text is escaped; nothing but loopback can reach it.
 */
export async function startFixtureHelpdesk(): Promise<FixtureHelpdesk> {
  const tickets = new Map<string, FixtureTicket>();
  const server = http.createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://fixture.invalid').pathname;
    const ticketId = /^\/tickets\/([^/]+)$/.exec(path)?.[1];
    const ticket = ticketId ? tickets.get(decodeURIComponent(ticketId)) : undefined;
    if (path === '/tickets' || path === '/') return send(response, 200, listPage([...tickets.values()]));
    if (ticket) return send(response, 200, ticketPage(ticket));
    return send(response, 404, page('Not found', '<p class="missing">No such ticket.</p>'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    port,
    ticketUrl: (externalId) => `${origin}/tickets/${encodeURIComponent(externalId)}`,
    addTicket: (ticket) => void tickets.set(ticket.externalId, ticket),
    // Browsers still connected (keep-alive) must not hold the test file open.
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * A customer writes to Fixture Desk: the desk shows the ticket and Baton receives the message through
 * the signed inbound webhook (connector `fixture-desk`). Resolves once Baton has the conversation.
 */
export async function customerWritesToFixtureDesk(e2e: E2eBackend, desk: FixtureHelpdesk, body: string, customer = 'Maria Lopez'): Promise<{ externalId: string; conversationId: string }> {
  const externalId = `FD-${Math.floor(Math.random() * 900_000) + 100_000}`;
  desk.addTicket({ externalId, customer, messages: [{ from: 'customer', body }] });
  const phone = `+1555${Math.floor(Math.random() * 9_000_000) + 1_000_000}`;
  const response = await postSignedWebhook(e2e.url, '/webhooks/inbound', e2e.webhookSecret, {
    tenant: e2e.slug,
    connector: FIXTURE_DESK_CONNECTOR,
    channel: 'sms',
    externalConversationId: externalId,
    externalMessageId: `fd-${randomUUID()}`,
    body,
    lead: { name: customer, phone },
  });
  if (response.status !== 202 && response.status !== 200) throw new Error(`inbound webhook answered ${response.status}: ${JSON.stringify(response.body)}`);
  const view = await waitFor(
    () => e2e.admin.conversations.byExternalRef.query({ connector: FIXTURE_DESK_CONNECTOR, externalId }).catch(() => null),
    (found) => Boolean(found?.id),
    `Baton's conversation for ${externalId}`,
  );
  return { externalId, conversationId: view!.id };
}

const STYLE = `
  body { font: 15px/1.5 Georgia, serif; margin: 0; background: #fdf8f0; color: #2b2118; }
  .desk-nav { background: #5b3a1e; color: #fff; padding: 10px 24px; }
  .desk-nav a { color: #ffd9a8; margin-left: 16px; }
  .ticket-page { max-width: 760px; margin: 24px auto; background: #fff; border: 1px solid #e4d6c3; padding: 0 0 16px; }
  #ticket-head { display: flex; align-items: center; gap: 12px; padding: 14px 20px; border-bottom: 2px solid #e4d6c3; }
  #ticket-head h1 { font-size: 20px; margin: 0; flex: 1; }
  .ticket-ref { font-family: monospace; color: #8a6d4b; }
  .conversation { padding: 12px 20px; }
  .entry { margin: 8px 0; padding: 8px 12px; border-radius: 4px; }
  .entry--customer { background: #f3ebe0; }
  .entry--staff { background: #e6f0ff; margin-left: 60px; }
  .reply-box { display: flex; gap: 8px; padding: 0 20px; }
  .reply-box textarea { flex: 1; min-height: 60px; font: inherit; }
  .reply-send { background: #5b3a1e; color: #fff; border: 0; padding: 8px 16px; }
  .ticket-list { max-width: 760px; margin: 24px auto; }
`;

function listPage(tickets: FixtureTicket[]): string {
  const items = tickets.map((ticket) => `<li><a href="/tickets/${encodeURIComponent(ticket.externalId)}">${escape(ticket.externalId)} · ${escape(ticket.customer)}</a></li>`).join('');
  return page('Tickets', `<ul class="ticket-list">${items || '<li>No tickets.</li>'}</ul>`);
}

function ticketPage(ticket: FixtureTicket): string {
  const entries = ticket.messages.map((message) => `<p class="entry entry--${message.from}">${escape(message.body)}</p>`).join('');
  return page(
    `Ticket ${ticket.externalId}`,
    `<main class="ticket-page" data-ticket-id="${escape(ticket.externalId)}">
      <div id="ticket-head"><h1 class="ticket-title">${escape(ticket.customer)}</h1><span class="ticket-ref">${escape(ticket.externalId)}</span></div>
      <article class="conversation">${entries}</article>
      <div class="reply-box"><textarea name="reply" placeholder="Write a reply…"></textarea><button type="button" class="reply-send">Send reply</button></div>
    </main>`,
  );
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)} · Fixture Desk</title><style>${STYLE}</style></head>
<body><nav class="desk-nav"><strong>Fixture Desk</strong><a href="/tickets">All tickets</a></nav>${body}</body></html>`;
}

function send(response: http.ServerResponse, status: number, html: string): void {
  response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  response.end(html);
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
