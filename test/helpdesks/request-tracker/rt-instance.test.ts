// The Request Tracker harness against real RT 5 (Debian's packages): customer mail makes and
// threads tickets, agents reply and comment through RT's own form, stop() frees the port.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { lastRtStartTimings, rtInstalled, startRtInstance, type RtInstance } from './rt-instance.js';

const installed = rtInstalled();
if (!installed) {
  console.warn(
    '\n*** SKIPPED test/helpdesks/request-tracker: Request Tracker 5 is not installed on this machine. ***\n' +
      '*** Run test/helpdesks/request-tracker/install.sh as root (.ci/run does) to run these tests.    ***\n',
  );
}

const ZHistory = z.object({ items: z.array(z.object({ id: z.coerce.number(), Type: z.string(), Creator: z.object({ id: z.string() }) })) });
const ZAttachments = z.object({ items: z.array(z.object({ id: z.coerce.number() })) });
const ZAttachment = z.object({ ContentType: z.string(), Content: z.string().nullable().optional() });
const ZTicket = z.object({ Subject: z.string(), Requestor: z.array(z.object({ id: z.string() })) });

function portIsOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

describe.skipIf(!installed)('a private Request Tracker instance', () => {
  let rt: RtInstance;

  beforeAll(async () => {
    const started = Date.now();
    rt = await startRtInstance({ label: 'harness-test' });
    console.info(`[rt-harness] instance up in ${Date.now() - started} ms`, lastRtStartTimings);
  }, 180_000);
  afterAll(() => rt?.stop(), 60_000);

  async function history(ticketId: number) {
    return ZHistory.parse(await rt.rest('GET', `/ticket/${ticketId}/history?fields=Type,Creator&per_page=100`)).items;
  }

  /** The text of a transaction's message as RT stored it (REST2 answers attachment content in base64). */
  async function transactionText(transactionId: number): Promise<string> {
    const attachments = ZAttachments.parse(await rt.rest('GET', `/transaction/${transactionId}/attachments`)).items;
    const parts = await Promise.all(attachments.map(async ({ id }) => ZAttachment.parse(await rt.rest('GET', `/attachment/${id}`))));
    return parts
      .filter((part) => part.ContentType.startsWith('text/') && part.Content)
      .map((part) => Buffer.from(part.Content!, 'base64').toString('utf8'))
      .join('\n');
  }

  let ticketId = 0;

  it('turns a customer mail into a ticket whose history holds the customer text', async () => {
    const started = Date.now();
    ticketId = await rt.mailCustomer({ from: 'ann.customer@example.test', fromName: 'Ann Customer', subject: 'My order is late', body: 'Order 4711 has not arrived yet.' });
    console.info(`[rt-harness] one customer mail through rt-mailgate: ${Date.now() - started} ms`);

    const ticket = ZTicket.parse(await rt.rest('GET', `/ticket/${ticketId}`));
    expect(ticket.Subject).toBe('My order is late');
    expect(ticket.Requestor.map((requestor) => requestor.id)).toEqual(['ann.customer@example.test']);
    const created = (await history(ticketId)).find((entry) => entry.Type === 'Create');
    expect(created).toBeDefined();
    expect(await transactionText(created!.id)).toContain('Order 4711 has not arrived yet.');
  }, 60_000);

  it('threads a second mail with the ticket id onto the same ticket', async () => {
    const answered = await rt.mailCustomer({ from: 'ann.customer@example.test', fromName: 'Ann Customer', subject: 'Re: My order is late', body: 'Any news? It is urgent.', ticketId });
    expect(answered).toBe(ticketId);
    const correspondence = (await history(ticketId)).filter((entry) => entry.Type === 'Correspond');
    expect(correspondence).toHaveLength(1);
    expect(correspondence[0]!.Creator.id).toBe('ann.customer@example.test');
    expect(await transactionText(correspondence[0]!.id)).toContain('Any news? It is urgent.');
  }, 60_000);

  it('takes an HTML-only mail with a non-ASCII sender name as a new ticket', async () => {
    const htmlTicketId = await rt.mailCustomer({ from: 'jose@example.test', fromName: 'José Núñez', subject: 'Factura', body: '<p>¿Dónde está <b>mi factura</b>?</p>', html: true });
    expect(htmlTicketId).not.toBe(ticketId);
    const created = (await history(htmlTicketId)).find((entry) => entry.Type === 'Create');
    expect(await transactionText(created!.id)).toContain('<b>mi factura</b>');
    const customer = z.object({ RealName: z.string() }).parse(await rt.rest('GET', '/user/jose@example.test'));
    expect(customer.RealName).toBe('José Núñez');
  }, 60_000);

  it("records alice's reply through RT's form as her correspondence", async () => {
    const transactionId = await rt.replyAs(rt.agentInTeam, ticketId, 'Your parcel left our warehouse today.', 'correspond');
    const entry = (await history(ticketId)).find((candidate) => candidate.id === transactionId);
    expect(entry).toMatchObject({ Type: 'Correspond', Creator: { id: 'alice' } });
    expect(await transactionText(transactionId)).toContain('Your parcel left our warehouse today.');
  }, 60_000);

  it("records an agent's comment as a comment, not correspondence", async () => {
    const transactionId = await rt.replyAs(rt.agentOutsideTeam, ticketId, 'Internal: check the courier.', 'comment');
    const entry = (await history(ticketId)).find((candidate) => candidate.id === transactionId);
    expect(entry).toMatchObject({ Type: 'Comment', Creator: { id: 'bob' } });
    expect(await transactionText(transactionId)).toContain('Internal: check the courier.');
  }, 60_000);

  it('refuses a reply with a wrong password', async () => {
    await expect(rt.replyAs({ ...rt.agentInTeam, password: 'not-her-password' }, ticketId, 'Should not land.', 'correspond')).rejects.toThrow(/refused the login/);
    expect((await history(ticketId)).filter((entry) => entry.Creator.id === 'alice' && entry.Type === 'Correspond')).toHaveLength(1);
  }, 60_000);

  it('stop() ends the server and frees its port', async () => {
    expect(await portIsOpen(rt.port)).toBe(true);
    const started = Date.now();
    await rt.stop();
    console.info(`[rt-harness] stop: ${Date.now() - started} ms`);
    expect(await portIsOpen(rt.port)).toBe(false);
  }, 60_000);
});
