// SMTP email (issue 12 item 4): the connector against a real SMTP server (`smtp-server`) on
// 127.0.0.1 — threading headers, the stable Message-ID, logins and refusals — and an AI reply to a
// customer's email sent by Baton on MariaDB into the customer's thread.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../backend/src/connectors/connector.js';
import { createSmtpConnector, type SmtpConnector, type SmtpConnectorConfig } from '../../backend/src/connectors/smtp.connector.js';
import { MessageEntity, ScheduledReplyEntity } from '../../backend/src/db/entities/conversation.entities.js';
import { createServices } from '../../backend/src/features/index.js';
import { ruleBasedResponder } from '../../backend/src/ai/rule-based-responder.js';
import type { Principal } from '../../backend/src/auth/principal.js';
import type { CreatedTenant } from '../../backend/src/features/admin/tenants.service.js';
import { startTestBackend, type TestBackend } from '../support/in-process-server.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { postSignedWebhook } from '../support/signed-webhook.js';
import { createTestClient } from '../support/trpc-client.js';
import { updateSettings } from '../support/settings.js';
import { waitUntil } from '../support/job-engine-kit.js';

const SENDER = '"Acme Support" <support@acme.test>';
const CUSTOMER_MESSAGE_ID = '<CAF-8f2a1c@mail.customer.test>';

const outbound = (overrides: Partial<OutboundMessage> = {}): OutboundMessage => ({
  tenantId: 't-1',
  conversationId: 'c-1',
  channel: 'email',
  body: 'Your order ships on Monday — we’ll send the tracking number.',
  author: 'ai',
  agentId: null,
  idempotencyKey: randomUUID(),
  externalConversation: null,
  recipient: { name: 'Ada Lovelace', phone: null, email: 'ada@customer.test' },
  thread: { subject: 'Where is my order?', lastInboundExternalId: CUSTOMER_MESSAGE_ID },
  ...overrides,
});

const opened: SmtpConnector[] = [];
const sinks: SmtpSink[] = [];
afterEach(async () => {
  for (const connector of opened.splice(0)) connector.close();
  await Promise.all(sinks.splice(0).map((sink) => sink.close()));
});

async function sink(options: Parameters<typeof startSmtpSink>[0] = {}) {
  const started = await startSmtpSink(options);
  sinks.push(started);
  return started;
}

function connectorTo(server: { host: string; port: number }, overrides: Partial<SmtpConnectorConfig> = {}) {
  const connector = createSmtpConnector({ host: server.host, port: server.port, secure: false, username: null, password: null, from: SENDER, ...overrides });
  opened.push(connector);
  return connector;
}

const failureOf = (promise: Promise<unknown>) => promise.then(() => null, (error: Error) => error.message);

describe('SMTP connector against a real SMTP server on 127.0.0.1', () => {
  it("mails the text to the lead in the customer's thread, with a Message-ID made from the idempotency key", async () => {
    const smtp = await sink();
    const message = outbound();
    await connectorTo(smtp).deliver(message);
    expect(smtp.messages).toHaveLength(1);
    const [mail] = smtp.messages;
    expect(mail!.envelope).toEqual({ from: 'support@acme.test', to: ['ada@customer.test'] });
    expect(mail!.headers).toMatchObject({
      from: 'Acme Support <support@acme.test>',
      to: 'Ada Lovelace <ada@customer.test>',
      subject: 'Re: Where is my order?',
      'in-reply-to': CUSTOMER_MESSAGE_ID,
      references: CUSTOMER_MESSAGE_ID,
      'message-id': `<baton-${message.idempotencyKey}@acme.test>`,
    });
    expect(mail!.headers['content-type']).toMatch(/^text\/plain; charset=utf-8/i);
    expect(mail!.text).toBe('Your order ships on Monday — we’ll send the tracking number.');
  });

  it('a re-delivery of the same message carries the same Message-ID; another message another', async () => {
    const smtp = await sink();
    const connector = connectorTo(smtp);
    const message = outbound();
    await connector.deliver(message);
    await connector.deliver(message);
    await connector.deliver(outbound());
    const ids = smtp.messages.map((mail) => mail.headers['message-id']);
    expect(ids[0]).toBe(`<baton-${message.idempotencyKey}@acme.test>`);
    expect(ids[1]).toBe(ids[0]);
    expect(ids[2]).not.toBe(ids[0]);
  });

  it('starts no thread headers when the customer’s Message-ID is unknown, and keeps one "Re:"', async () => {
    const smtp = await sink();
    await connectorTo(smtp).deliver(outbound({ thread: { subject: 'Re: Where is my order?', lastInboundExternalId: null } }));
    expect(smtp.messages[0]!.headers.subject).toBe('Re: Where is my order?');
    expect(smtp.messages[0]!.headers).not.toHaveProperty('in-reply-to');
    expect(smtp.messages[0]!.headers).not.toHaveProperty('references');
  });

  it('logs in when the server asks; wrong credentials give a clear error without the password', async () => {
    const smtp = await sink({ auth: { username: 'baton', password: 'right-horse-battery' } });
    await connectorTo(smtp, { username: 'baton', password: 'right-horse-battery' }).deliver(outbound());
    expect(smtp.messages.map((mail) => mail.user)).toEqual(['baton']);

    const refused = await failureOf(connectorTo(smtp, { username: 'baton', password: 'wrong-staple' }).deliver(outbound()));
    expect(refused).toBe(`the SMTP server 127.0.0.1:${smtp.port} refused the login: 535 Authentication credentials invalid; check the username and password`);
    expect(refused).not.toContain('wrong-staple');

    const anonymous = await failureOf(connectorTo(smtp).deliver(outbound()));
    expect(anonymous).toMatch(new RegExp(`^the SMTP server 127.0.0.1:${smtp.port} refused the sender or recipient: 530 `));
    expect(smtp.messages).toHaveLength(1);
  });

  it.each([
    [554, 'refused the message: 554 Message rejected by the test sink'],
    [451, 'refused the message: 451 Try again later'],
  ])('throws on a %i at the end of DATA (the delivery path retries); the retry is delivered', async (code, words) => {
    const smtp = await sink();
    const connector = connectorTo(smtp);
    const message = outbound();
    smtp.refuseMessages(code, 1);
    expect(await failureOf(connector.deliver(message))).toBe(`the SMTP server 127.0.0.1:${smtp.port} ${words}`);
    expect(smtp.messages).toEqual([]);
    await connector.deliver(message);
    expect(smtp.messages.map((mail) => mail.headers['message-id'])).toEqual([`<baton-${message.idempotencyKey}@acme.test>`]);
  });

  it('throws when nothing listens', async () => {
    const smtp = await sink();
    const { port } = smtp;
    await smtp.close();
    sinks.splice(sinks.indexOf(smtp), 1);
    expect(await failureOf(connectorTo({ host: '127.0.0.1', port }).deliver(outbound()))).toBe(`the SMTP server 127.0.0.1:${port} could not be reached (ECONNREFUSED)`);
  });

  it('gives up after its timeout when the server never greets', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const started = Date.now();
      expect(await failureOf(connectorTo({ host: '127.0.0.1', port }, { timeoutMs: 300 }).deliver(outbound()))).toBe(`the SMTP server 127.0.0.1:${port} did not answer within 300 ms`);
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('refuses a lead without an email address before connecting', async () => {
    const smtp = await sink();
    expect(await failureOf(connectorTo(smtp).deliver(outbound({ recipient: { name: 'Ada', phone: '+15551230001', email: null } })))).toBe('the customer has no email address on file to send the email to');
    expect(smtp.messages).toEqual([]);
  });
});

describe("an AI reply to a customer's email, sent by Baton into the customer's thread", () => {
  let backend: TestBackend;
  let acme: CreatedTenant;

  beforeAll(async () => {
    backend = await startTestBackend('smtp', { dialect: 'mysql' });
    acme = await backend.createTenant('acme');
  });
  afterAll(() => backend?.stop());

  it('goes to the lead’s address with In-Reply-To / References of their mail and the reply’s stable Message-ID', async () => {
    const smtp = await sink();
    const admin = createTestClient(backend.server.url, acme.apiKey);
    await updateSettings(admin, { replyCadence: { enabled: true, minDelaySeconds: 600, maxDelaySeconds: 600 } });
    const inbound = await postSignedWebhook(backend.server.url, '/webhooks/inbound', acme.webhookSecret, {
      tenant: 'acme',
      connector: 'mailbox',
      externalConversationId: `thread-${randomUUID()}`,
      externalMessageId: CUSTOMER_MESSAGE_ID,
      lead: { name: 'Ada Lovelace', email: 'ada@customer.test' },
      channel: 'email',
      body: 'What are your opening hours?',
    });
    expect(inbound.status).toBe(202);
    const conversationId = String(inbound.body.conversationId);
    const replies = backend.server.db.getRepository(ScheduledReplyEntity);
    await waitUntil(async () => (await replies.findOneBy({ conversationId, status: 'pending' })) !== null, 10_000, 'a pending AI reply');
    const reply = await replies.findOneByOrFail({ conversationId, status: 'pending' });

    const services = createServices(backend.server.services.infra, { batonEnv: 'development', jwt: { issuer: null, audience: null, jwksUrl: null, groupsClaim: 'cognito:groups' } }, backend.server.jobs, {
      connector: connectorTo(smtp, { from: 'support@acme.test' }),
      drafter: ruleBasedResponder,
      delivery: { maxAttempts: 1, retryDelayMs: () => 300 },
    });
    const principal: Principal = { tenantId: acme.tenant.id, tenantSlug: 'acme', via: 'api_key', agentId: acme.admin.id, apiKeyId: null, role: 'admin', groups: [], displayName: 'Admin', actor: `agent:${acme.admin.id}` };
    expect(await services.replies.sendNow(principal, reply.id)).toMatchObject({ status: 'sent' });

    expect(smtp.messages).toHaveLength(1);
    const [mail] = smtp.messages;
    expect(mail!.envelope.to).toEqual(['ada@customer.test']);
    expect(mail!.headers).toMatchObject({ 'in-reply-to': CUSTOMER_MESSAGE_ID, references: CUSTOMER_MESSAGE_ID, 'message-id': `<baton-${reply.id}@acme.test>` });
    expect(mail!.headers.subject).toMatch(/^Re: /);
    expect(mail!.text).toBe(reply.body);
    const sent = await backend.server.db.getRepository(MessageEntity).findBy({ conversationId, author: 'ai' });
    expect(sent.map((message) => message.body)).toEqual([reply.body]);
  });
});
