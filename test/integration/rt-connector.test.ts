// The `rt` connector against a real Request Tracker 5 (Debian's packages, a private SQLite instance)
// and a real Baton (MariaDB, Redis): customer mail in, AI replies out as correspondence, RT agents'
// replies as human replies, comments and Baton's own correspondence ignored, a backend killed
// mid-stream, RT down or answering 5xx, a wrong password, and mail Baton must shorten or strip.
// Baton reaches RT through a small forwarding server on 127.0.0.1 the test can switch off or to 503.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConversationEntity, MessageEntity, ScheduledReplyEntity } from '../../backend/src/db/entities/conversation.entities.js';
import { ConnectorStateEntity } from '../../backend/src/db/entities/connector-state.entity.js';
import { EscalationEntity } from '../../backend/src/db/entities/escalation.entities.js';
import type { CreatedTenant } from '../../backend/src/features/admin/tenants.service.js';
import { rtInstalled, startRtInstance, type RtInstance } from '../helpdesks/request-tracker/rt-instance.js';
import { startTestBackend, type TestBackend } from '../support/in-process-server.js';
import { REDIS_URL } from '../support/services.js';
import { updateSettings } from '../support/settings.js';
import { spawnBackend, type SpawnedBackend } from '../support/spawned-backend.js';
import { createTestClient, type TestClient } from '../support/trpc-client.js';
import { sleep, waitFor } from '../e2e/support/wait.js';

const installed = rtInstalled();
if (!installed) console.warn('\n*** SKIPPED rt-connector: Request Tracker 5 is not installed (test/helpdesks/request-tracker/install.sh). ***\n');

/** The poll interval the tests configure (production default: 2000 ms). */
const POLL_MS = 1000;

/** Forwards HTTP to RT; `mode` switches it off (connection refused) or to 503 answers. Counts requests. */
async function startRtForwarder(rtPort: number) {
  let mode: 'pass' | 'unavailable' = 'pass';
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests += 1;
    if (mode === 'unavailable') {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('Service Unavailable');
      return;
    }
    const upstream = http.request({ host: '127.0.0.1', port: rtPort, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/rt`,
    requests: () => requests,
    answer503: () => void (mode = 'unavailable'),
    pass: () => void (mode = 'pass'),
    /** Nothing listens: connection refused. */
    async goDown() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
    async comeBack() {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => resolve());
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const ZHistory = z.object({ items: z.array(z.object({ id: z.coerce.number(), Type: z.string(), Creator: z.object({ id: z.string() }) })) });
const ZParts = z.object({ items: z.array(z.object({ id: z.coerce.number() })) });
const ZPart = z.object({ ContentType: z.string().nullish(), Content: z.string().nullish(), Headers: z.string().nullish() });

describe.skipIf(!installed)('the Request Tracker connector', () => {
  let rt: RtInstance;
  let forwarder: Awaited<ReturnType<typeof startRtForwarder>>;
  let backend: TestBackend;
  let acme: CreatedTenant;
  let admin: TestClient;
  /** The tenant's admin agent (Send Now needs an agent). */
  let adminAgent: TestClient;
  let aliceAgentId: string;
  let bobAgentId: string;
  const spawned: SpawnedBackend[] = [];

  beforeAll(async () => {
    rt = await startRtInstance({ label: 'connector' });
    forwarder = await startRtForwarder(rt.port);
    backend = await startTestBackend('rt-connector', { dialect: 'mysql', redis: true });
    acme = await backend.createTenant('acme');
    admin = createTestClient(backend.server.url, acme.apiKey);
    adminAgent = createTestClient(backend.server.url, (await admin.apiKeys.create.mutate({ name: 'admin agent', role: 'admin', agentId: acme.admin.id })).key);
    // alice is in the tenant's team (Support), bob is not; both are Baton agents with their RT addresses.
    aliceAgentId = (await admin.agents.create.mutate({ email: rt.agentInTeam.email, name: rt.agentInTeam.realName })).id;
    bobAgentId = (await admin.agents.create.mutate({ email: rt.agentOutsideTeam.email, name: rt.agentOutsideTeam.realName })).id;
    await admin.teams.addMember.mutate({ teamId: acme.team.id, agentId: aliceAgentId });
    await updateSettings(admin, {
      connectors: { rt: { url: forwarder.url, username: rt.batonUser.name, password: rt.batonUser.password, queue: rt.queue, pollIntervalMs: POLL_MS } },
    });
  }, 240_000);

  afterAll(async () => {
    await Promise.all(spawned.filter((child) => child.process.exitCode === null && child.process.signalCode === null).map((child) => child.stop('SIGKILL')));
    await backend?.stop();
    await forwarder?.close();
    await rt?.stop();
  }, 60_000);

  // ── helpers ──

  const history = async (ticketId: number) => ZHistory.parse(await rt.rest('GET', `/ticket/${ticketId}/history?fields=Type,Creator&per_page=100`)).items;
  const batonCorrespondence = async (ticketId: number) => (await history(ticketId)).filter((item) => item.Type === 'Correspond' && item.Creator.id === rt.batonUser.name);

  /** A transaction's text parts and their stored headers, as RT keeps them. */
  async function transactionParts(transactionId: number) {
    const parts = ZParts.parse(await rt.rest('GET', `/transaction/${transactionId}/attachments?per_page=50`)).items;
    return Promise.all(parts.map(async ({ id }) => ZPart.parse(await rt.rest('GET', `/attachment/${id}`))));
  }
  const textOf = (parts: z.infer<typeof ZPart>[]) =>
    parts.filter((part) => part.ContentType?.startsWith('text/') && part.Content).map((part) => Buffer.from(part.Content!, 'base64').toString('utf8')).join('\n');

  async function conversationOfTicket(ticketId: number, timeoutMs = 30_000) {
    return waitFor(() => admin.conversations.byExternalRef.query({ connector: 'rt', externalId: String(ticketId) }), (view) => Boolean(view), `the conversation of ticket ${ticketId}`, { timeoutMs });
  }
  const messagesOf = (conversationId: string) => backend.server.db.getRepository(MessageEntity).find({ where: { conversationId }, order: { createdAt: 'ASC' } });
  const repliesOf = (conversationId: string) => backend.server.db.getRepository(ScheduledReplyEntity).find({ where: { conversationId }, order: { createdAt: 'ASC' } });
  const cursor = async () => Number((await backend.server.db.getRepository(ConnectorStateEntity).findOneByOrFail({ tenantId: acme.tenant.id, connector: 'rt' })).position);
  const health = async () => (await (await fetch(`${backend.server.url}/healthz`)).json()) as { status: string; connectors?: { connector: string; tenant: string; error: string }[] };

  let mailCount = 0;
  const mail = (extra: Partial<Parameters<RtInstance['mailCustomer']>[0]> = {}) => {
    mailCount += 1;
    return rt.mailCustomer({ from: `customer${mailCount}@example.test`, fromName: `Customer ${mailCount}`, subject: `Question ${mailCount}`, body: 'What are your opening hours?', ...extra });
  };

  // ── the tests ──

  it('turns a customer mail into one Baton message and answers it in the ticket as correspondence, once', async () => {
    const mailing = Date.now();
    const ticketId = await mail({ from: 'ann@example.test', fromName: 'Ann Customer', body: 'What are your opening hours on Saturday?' });
    const inRtAt = Date.now(); // rt-mailgate and the harness's lookup of the ticket are done: the mail is in RT
    const view = await conversationOfTicket(ticketId);
    const inBaton = Date.now();
    const replies = await waitFor(() => batonCorrespondence(ticketId), (items) => items.length >= 1, 'the AI reply in RT', { timeoutMs: 30_000 });
    const replyInRt = Date.now();
    console.info(
      `[rt-connector] mail in RT → Baton message ${inBaton - inRtAt} ms (poll ${POLL_MS} ms; rt-mailgate took ${inRtAt - mailing} ms); ` +
        `Baton message → AI reply in RT ${replyInRt - inBaton} ms`,
    );

    // The AI's message row is written when the delivery is acknowledged, just after RT took it.
    const messages = await waitFor(() => messagesOf(view!.id), (rows) => rows.length === 2, 'the acknowledged AI message');
    expect(messages.map((message) => message.author)).toEqual(['customer', 'ai']);
    const [customer, ai] = messages as [(typeof messages)[number], (typeof messages)[number]];
    expect(customer).toMatchObject({ channel: 'email', body: 'What are your opening hours on Saturday?' });
    expect(customer.externalMessageId).toMatch(/^rt-txn:\d+$/);
    // The correspondence carries the reply's text and, invisible to the customer, its idempotency key.
    const [reply] = await repliesOf(view!.id);
    const parts = await transactionParts(replies[0]!.id);
    expect(textOf(parts).trim()).toBe(ai.body);
    expect(parts.some((part) => part.Headers?.includes(`x-baton-idempotency-key="${reply!.id}"`))).toBe(true);

    // The poller reads past Baton's own correspondence and does not take it for a human reply.
    await waitFor(cursor, (position) => position >= replies[0]!.id, 'the cursor past Baton’s correspondence', { timeoutMs: 15_000 });
    expect((await messagesOf(view!.id)).map((message) => message.author)).toEqual(['customer', 'ai']);
    const conversation = await backend.server.db.getRepository(ConversationEntity).findOneByOrFail({ id: view!.id });
    expect(conversation.lastAgentMessageAt).toBeNull();
    expect(await batonCorrespondence(ticketId)).toHaveLength(1);
  }, 90_000);

  it('delivers a reply again after its acknowledgement failed, and RT still has it once', async () => {
    await updateSettings(admin, { replyCadence: { enabled: true, minDelaySeconds: 600, maxDelaySeconds: 600 } });
    const db = backend.server.db;
    await db.query('CREATE TABLE rt_fault_fired (fired INT NOT NULL) ENGINE=MyISAM');
    await db.query(`CREATE TRIGGER rt_fail_first_ai_message BEFORE INSERT ON messages FOR EACH ROW
      BEGIN
        IF NEW.author = 'ai' AND (SELECT COUNT(*) FROM rt_fault_fired) = 0 THEN
          INSERT INTO rt_fault_fired VALUES (1);
          SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'injected: the acknowledgement cannot commit';
        END IF;
      END`);
    try {
      const ticketId = await mail();
      const view = await conversationOfTicket(ticketId);
      const [pending] = await waitFor(() => admin.replies.pending.query({ conversationId: view!.id }), (items) => items.length === 1, 'a pending reply');
      const started = Date.now();
      const answered = await adminAgent.replies.sendNow.mutate({ id: pending!.id });
      console.info(`[rt-connector] Send Now → correspondence in RT (key search + correspond): ${Date.now() - started} ms`);
      expect(answered).toMatchObject({ status: 'sending', attempts: 1 });
      expect(answered.lastError).toMatch(/^delivered, but recording the delivery failed/);
      expect(await batonCorrespondence(ticketId)).toHaveLength(1);

      // The deliver job tries again after the backoff: it finds its key in RT and does not post twice.
      const sent = await waitFor(async () => (await repliesOf(view!.id))[0]!, (reply) => reply.status === 'sent', 'the retried delivery', { timeoutMs: 30_000 });
      expect(sent).toMatchObject({ attempts: 2, lastError: null });
      expect(await batonCorrespondence(ticketId)).toHaveLength(1);
      expect((await messagesOf(view!.id)).filter((message) => message.author === 'ai').map((message) => message.body)).toEqual([pending!.body]);
    } finally {
      await db.query('DROP TRIGGER IF EXISTS rt_fail_first_ai_message');
      await db.query('DROP TABLE IF EXISTS rt_fault_fired');
    }
  }, 90_000);

  it("records alice's correspondence as her reply: the pending AI reply is not sent, and her team's escalation is resolved; bob's reply and a comment are not", async () => {
    await updateSettings(admin, { replyCadence: { enabled: true, minDelaySeconds: 20, maxDelaySeconds: 20 } });
    const ticketId = await mail({ body: 'My parcel never arrived.' });
    const view = await conversationOfTicket(ticketId);
    const [pending] = await waitFor(() => admin.replies.pending.query({ conversationId: view!.id }), (items) => items.length === 1, 'a pending reply');
    const opened = await admin.escalations.open.mutate({ leadId: view!.lead!.id, teamId: acme.team.id, reason: 'Lost parcel' });
    if (opened.outcome === 'suppressed') throw new Error('the escalation was suppressed');
    const { escalation } = opened;

    // bob (not in Support) answers: a human reply (the AI stays quiet), the escalation stays open.
    const bobTransaction = await rt.replyAs(rt.agentOutsideTeam, ticketId, 'Bob here, looking into it.', 'correspond');
    const bobMessage = await waitFor(async () => (await messagesOf(view!.id)).find((message) => message.externalMessageId === `rt-txn:${bobTransaction}`), Boolean, "bob's reply in Baton", { timeoutMs: 15_000 });
    expect(bobMessage).toMatchObject({ author: 'agent', agentId: bobAgentId, body: 'Bob here, looking into it.' });
    expect(await backend.server.db.getRepository(EscalationEntity).findOneByOrFail({ id: escalation.id })).toMatchObject({ status: 'open' });

    // A comment is an internal note: nothing in Baton.
    const comment = await rt.replyAs(rt.agentInTeam, ticketId, 'Internal: check the courier.', 'comment');
    // alice (in Support) answers: her reply, and the escalation resolved as handled by her.
    const aliceTransaction = await rt.replyAs(rt.agentInTeam, ticketId, 'Alice here: a new parcel is on its way.', 'correspond');
    const aliceMessage = await waitFor(async () => (await messagesOf(view!.id)).find((message) => message.externalMessageId === `rt-txn:${aliceTransaction}`), Boolean, "alice's reply in Baton", { timeoutMs: 15_000 });
    expect(aliceMessage).toMatchObject({ author: 'agent', agentId: aliceAgentId, channel: 'email' });
    const resolved = await waitFor(() => backend.server.db.getRepository(EscalationEntity).findOneByOrFail({ id: escalation.id }), (row) => row.status === 'resolved', 'the escalation resolved');
    expect(resolved).toMatchObject({ resolvedBy: `agent:${aliceAgentId}`, resolutionReason: 'handled', resolutionSource: 'reply' });
    await waitFor(cursor, (position) => position >= aliceTransaction, 'the cursor past alice’s reply');
    expect((await messagesOf(view!.id)).some((message) => message.externalMessageId === `rt-txn:${comment}` || message.body.includes('courier'))).toBe(false);

    // The held AI reply comes due after the humans wrote: the safety rail cancels it; RT gets nothing from Baton.
    const ended = await waitFor(async () => (await repliesOf(view!.id)).find((reply) => reply.id === pending!.id)!, (reply) => reply.status !== 'pending', 'the due reply', { timeoutMs: 40_000 });
    expect(ended).toMatchObject({ status: 'cancelled', endReason: 'human_replied' });
    expect(await batonCorrespondence(ticketId)).toHaveLength(0);
    // One record per RT transaction, whoever reports it again (the extension reports the same key).
    const again = await createTestClient(backend.server.url, (await admin.apiKeys.create.mutate({ name: 'alice', role: 'agent', agentId: aliceAgentId })).key)
      .messages.recordAgentReply.mutate({ conversationId: view!.id, channel: 'email', body: 'Alice here: a new parcel is on its way.', idempotencyKey: `rt-txn:${aliceTransaction}` });
    expect(again).toMatchObject({ status: 'duplicate', messageId: aliceMessage!.id });
  }, 120_000);

  it('stores an HTML-only mail as text and a 5 MB mail bounded to the email maximum', async () => {
    const htmlTicket = await mail({ html: true, body: '<html><head><style>p{color:red}</style></head><body><p>Where is <b>my order</b>&nbsp;#4711?</p><script>alert(1)</script></body></html>' });
    const bigTicket = await mail({ body: `${'All work and no play. '.repeat(240_000)}The end.` });
    const htmlView = await conversationOfTicket(htmlTicket);
    const bigView = await conversationOfTicket(bigTicket);
    const [htmlMessage] = await messagesOf(htmlView!.id);
    expect(htmlMessage!.body).toBe('Where is my order #4711?');
    const [bigMessage] = await messagesOf(bigView!.id);
    expect(bigMessage!.body.length).toBeLessThanOrEqual(20_000);
    expect(bigMessage!.body.startsWith('All work and no play.')).toBe(true);
    expect(bigMessage!.body).toMatch(/shortened by Baton\]$/);
  }, 120_000);

  it('says degraded on /healthz while RT is unreachable or answers 503, and reads what arrived meanwhile once it is back', async () => {
    await updateSettings(admin, { replyCadence: { enabled: true, minDelaySeconds: 600, maxDelaySeconds: 600 } });
    await forwarder.goDown();
    const whileDown = await mail({ body: 'Sent while RT was unreachable for Baton.' });
    const down = await waitFor(health, (report) => report.status === 'degraded', '/healthz degraded', { timeoutMs: 20_000 });
    expect(down.connectors).toEqual([expect.objectContaining({ connector: 'rt', tenant: 'acme', error: expect.stringContaining('could not be reached') })]);
    expect(await admin.settings.connectorStatus.query()).toEqual([expect.objectContaining({ connector: 'rt', state: 'failing', lastError: expect.stringContaining('could not be reached (ECONNREFUSED)') })]);

    await forwarder.comeBack();
    forwarder.answer503();
    const while503 = await mail({ body: 'Sent while RT answered 503.' });
    await waitFor(health, (report) => report.connectors?.[0]?.error.includes('503') ?? false, '/healthz naming the 503', { timeoutMs: 40_000 });

    forwarder.pass();
    const recovered = Date.now();
    await waitFor(health, (report) => report.status === 'ok', '/healthz ok again', { timeoutMs: 40_000 });
    console.info(`[rt-connector] RT back → /healthz ok in ${Date.now() - recovered} ms (backoff at most 30 s)`);
    for (const ticketId of [whileDown, while503]) {
      const view = await conversationOfTicket(ticketId);
      expect((await messagesOf(view!.id)).filter((message) => message.author === 'customer')).toHaveLength(1);
    }
  }, 180_000);

  it('reports refused credentials clearly, backs off instead of hammering RT, and recovers when the password is fixed', async () => {
    await updateSettings(admin, { connectors: { rt: { password: 'not-the-password' } } });
    const status = await waitFor(() => admin.settings.connectorStatus.query(), (items) => items[0]?.state === 'failing', 'the failing status', { timeoutMs: 20_000 });
    expect(status[0]!.lastError).toContain('refused the credentials of user "baton" (401)');
    expect(status[0]!.lastError).not.toContain('not-the-password');
    // Backoff: from the poll interval doubling — a handful of attempts in 12 s, not one per poll interval
    // (12 at POLL_MS = 1 s); the margin covers a slow machine, where attempts bunch up.
    const before = forwarder.requests();
    await sleep(12_000);
    const attempts = forwarder.requests() - before;
    console.info(`[rt-connector] wrong password: ${attempts} requests to RT in 12 s (poll interval ${POLL_MS} ms)`);
    expect(attempts).toBeLessThanOrEqual(12_000 / POLL_MS / 2);
    const settings = await admin.settings.get.query();
    expect(settings.connectors.rt).toMatchObject({ username: 'baton', hasPassword: true });
    expect(JSON.stringify(settings)).not.toContain('not-the-password');

    const whileRefused = await mail({ body: 'Sent while the password was wrong.' });
    await updateSettings(admin, { connectors: { rt: { password: rt.batonUser.password } } });
    await waitFor(() => admin.settings.connectorStatus.query(), (items) => items[0]?.state === 'ok', 'the connector working again', { timeoutMs: 20_000 });
    await conversationOfTicket(whileRefused);
  }, 90_000);

  it('loses and repeats nothing when the polling backend is killed mid-stream and another starts', async () => {
    await updateSettings(admin, { replyCadence: { enabled: false, minDelaySeconds: 0, maxDelaySeconds: 0 } });
    // Only spawned backends poll now; this one keeps serving the API and running jobs.
    await backend.server.rtPoller.stop();
    const env = { DATABASE_URL: backend.database!.url, REDIS_URL, BATON_DATA_DIR: backend.dataDir };
    const first = await spawnBackend(env);
    spawned.push(first);
    const tickets: number[] = [];
    for (let i = 0; i < 3; i++) tickets.push(await mail({ body: `Burst message ${i}` }));
    await conversationOfTicket(tickets[0]!);
    first.process.kill('SIGKILL');
    for (let i = 3; i < 6; i++) tickets.push(await mail({ body: `Burst message ${i}` }));
    const second = await spawnBackend(env);
    spawned.push(second);
    const restarted = Date.now();
    for (const ticketId of tickets) {
      // The dead holder's lease lapses (10 s), then the new process works through the backlog: generous on a busy machine.
      const view = await conversationOfTicket(ticketId, 90_000);
      const customer = (await messagesOf(view!.id)).filter((message) => message.author === 'customer');
      expect(customer).toHaveLength(1);
      await waitFor(() => batonCorrespondence(ticketId), (items) => items.length === 1, `the AI reply in ticket ${ticketId}`, { timeoutMs: 60_000 });
    }
    console.info(`[rt-connector] after SIGKILL: the new backend caught up in ${Date.now() - restarted} ms (lease lapses within 10 s)`);
    await sleep(3 * POLL_MS);
    for (const ticketId of tickets) expect(await batonCorrespondence(ticketId)).toHaveLength(1);
    const keys = (await backend.server.db.query("SELECT external_message_id AS id FROM messages WHERE external_message_id LIKE 'rt-txn:%'")) as { id: string }[];
    expect(new Set(keys.map((row) => row.id)).size).toBe(keys.length);
    await second.stop();
  }, 180_000);
});
