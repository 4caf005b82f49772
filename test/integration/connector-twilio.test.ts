// Twilio-compatible SMS both ways (issue 12 item 4): the connector against a Twilio-shaped server on
// 127.0.0.1, and Twilio's signed incoming-SMS webhook into Baton on MariaDB, with the AI reply sent
// back through the connector to the customer's number.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../backend/src/connectors/connector.js';
import { createTwilioConnector } from '../../backend/src/connectors/twilio.connector.js';
import { twilioSignature } from '../../backend/src/connectors/twilio-signature.js';
import { ConversationEntity, ConversationRefEntity, LeadEntity, MessageEntity, ScheduledReplyEntity } from '../../backend/src/db/entities/conversation.entities.js';
import { createServices } from '../../backend/src/features/index.js';
import { ruleBasedResponder } from '../../backend/src/ai/rule-based-responder.js';
import type { Principal } from '../../backend/src/auth/principal.js';
import type { CreatedTenant } from '../../backend/src/features/admin/tenants.service.js';
import { startTestBackend, type TestBackend } from '../support/in-process-server.js';
import { startTwilioFakeServer, type TwilioFakeServer } from '../support/twilio-fake-server.js';
import { createTestClient } from '../support/trpc-client.js';
import { updateSettings } from '../support/settings.js';
import { waitUntil } from '../support/job-engine-kit.js';

const FROM_NUMBER = '+15557770000';
const CUSTOMER = '+15551230001';

const outbound = (overrides: Partial<OutboundMessage> = {}): OutboundMessage => ({
  tenantId: 't-1',
  conversationId: 'c-1',
  channel: 'sms',
  body: 'We open at 9 — see you then!',
  author: 'ai',
  agentId: null,
  idempotencyKey: randomUUID(),
  externalConversation: { connector: 'twilio', externalId: CUSTOMER },
  recipient: { name: null, phone: CUSTOMER, email: null },
  thread: { subject: null, lastInboundExternalId: null },
  ...overrides,
});

describe('Twilio connector against a Twilio-shaped server on 127.0.0.1', () => {
  let twilio: TwilioFakeServer;
  beforeEach(async () => {
    twilio = await startTwilioFakeServer();
  });
  afterEach(() => twilio.close());

  const connector = (overrides: { authToken?: string; baseUrl?: string; timeoutMs?: number } = {}) =>
    createTwilioConnector({ baseUrl: twilio.baseUrl, accountSid: twilio.accountSid, authToken: twilio.authToken, fromNumber: FROM_NUMBER, ...overrides });

  it("sends the text to the lead's phone from the configured number, authenticated as the account", async () => {
    const message = outbound();
    await connector().deliver(message);
    expect(twilio.messages).toEqual([{ sid: expect.stringMatching(/^SM[0-9a-f]{32}$/), to: CUSTOMER, from: FROM_NUMBER, body: 'We open at 9 — see you then!', idempotencyKey: message.idempotencyKey }]);
    expect(twilio.requests).toEqual([
      {
        path: `/2010-04-01/Accounts/${twilio.accountSid}/Messages.json`,
        credentials: { user: twilio.accountSid, password: twilio.authToken },
        idempotencyKey: message.idempotencyKey,
        form: { To: CUSTOMER, From: FROM_NUMBER, Body: 'We open at 9 — see you then!' },
        answered: 201,
      },
    ]);
  });

  it("throws on a 5xx naming the status and Twilio's message; the retry the delivery path makes sends it once", async () => {
    const message = outbound();
    twilio.setMode({ kind: 'fail', status: 503 }, 1);
    await expect(connector().deliver(message)).rejects.toThrow('Twilio answered 503: Service Unavailable (Twilio error 20503)');
    expect(twilio.messages).toEqual([]);
    await connector().deliver(message);
    expect(twilio.messages.map((sms) => sms.body)).toEqual(['We open at 9 — see you then!']);
    expect(twilio.requests.map((request) => request.answered)).toEqual([503, 201]);
  });

  it('says so when credentials are wrong, without the token', async () => {
    const wrongToken = randomBytes(16).toString('hex');
    const failure = await connector({ authToken: wrongToken })
      .deliver(outbound())
      .then(() => null, (error: Error) => error.message);
    expect(failure).toBe('Twilio answered 401: Authenticate (Twilio error 20003); check the account SID and auth token');
    expect(failure).not.toContain(wrongToken);
    expect(twilio.messages).toEqual([]);
  });

  it('throws when nothing listens', async () => {
    const { baseUrl } = twilio;
    await twilio.close();
    await expect(connector({ baseUrl }).deliver(outbound())).rejects.toThrow('Twilio could not be reached (ECONNREFUSED)');
  });

  it('gives up after its timeout', async () => {
    twilio.setMode({ kind: 'hang' });
    const started = Date.now();
    await expect(connector({ timeoutMs: 300 }).deliver(outbound())).rejects.toThrow('Twilio did not answer within 300 ms');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('a retry after an accepted send whose answer was lost is still one SMS (Idempotency-Key)', async () => {
    const message = outbound();
    twilio.setMode({ kind: 'accept-then-drop' }, 1);
    await expect(connector().deliver(message)).rejects.toThrow('the connection to Twilio closed before it answered');
    await connector().deliver(message);
    expect(twilio.requests.map((request) => request.idempotencyKey)).toEqual([message.idempotencyKey, message.idempotencyKey]);
    expect(twilio.messages).toHaveLength(1);
  });

  it('refuses a lead without a phone number before calling Twilio', async () => {
    await expect(connector().deliver(outbound({ recipient: { name: 'Ada', phone: null, email: 'ada@example.test' } }))).rejects.toThrow('the customer has no phone number on file');
    expect(twilio.requests).toEqual([]);
  });
});

describe("Twilio's incoming-SMS webhook into Baton, and the reply back by SMS", () => {
  let backend: TestBackend;
  let acme: CreatedTenant;
  let webhookUrl: string;
  let twilio: TwilioFakeServer;

  beforeAll(async () => {
    backend = await startTestBackend('twilio', { dialect: 'mysql' });
    acme = await backend.createTenant('acme');
    await backend.createTenant('globex'); // a tenant without a Twilio connector
    twilio = await startTwilioFakeServer();
    // The tenant's Twilio connector, as an admin saves it (the auth token is write-only).
    const admin = createTestClient(backend.server.url, acme.apiKey);
    await updateSettings(admin, { connectors: { twilio: { baseUrl: twilio.baseUrl, accountSid: twilio.accountSid, authToken: twilio.authToken, fromNumber: FROM_NUMBER } } });
    // Twilio calls the backend's own route (app.ts mounts it).
    webhookUrl = `${backend.server.url}/webhooks/twilio/acme`;
  });

  afterAll(async () => {
    await twilio?.close();
    await backend?.stop();
  });

  /** What Twilio posts for an incoming SMS (a subset of its fields), signed like Twilio signs it unless told otherwise. */
  async function twilioPosts(fields: Record<string, string>, options: { url?: string; signWith?: string; signUrl?: string; signFields?: Record<string, string>; headers?: Record<string, string> } = {}) {
    const url = options.url ?? webhookUrl;
    const form = new URLSearchParams({ AccountSid: `AC${'0'.repeat(32)}`, To: FROM_NUMBER, NumMedia: '0', SmsStatus: 'received', ApiVersion: '2010-04-01', ...fields });
    const signature = twilioSignature(options.signWith ?? twilio.authToken, options.signUrl ?? url, new URLSearchParams(options.signFields ? { ...Object.fromEntries(form), ...options.signFields } : form));
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature, ...options.headers }, body: form.toString() });
    return { status: response.status, contentType: response.headers.get('content-type'), body: await response.text() };
  }

  /** In any tenant. */
  const messagesWithSid = (sid: string) => backend.server.db.getRepository(MessageEntity).findBy({ externalMessageId: sid });
  const newSid = () => `SM${randomBytes(16).toString('hex')}`;

  it("stores a signed incoming SMS as the customer's message in the thread of their number, once, and answers empty TwiML", async () => {
    const sid = newSid();
    const customer = `+1555${Math.floor(Math.random() * 1e7).toString().padStart(7, '0')}`;
    const first = await twilioPosts({ MessageSid: sid, SmsSid: sid, From: customer, Body: 'Are you open on Sunday?' });
    expect(first).toEqual({ status: 200, contentType: 'text/xml; charset=utf-8', body: '<?xml version="1.0" encoding="UTF-8"?><Response></Response>' });
    const [stored] = await messagesWithSid(sid);
    expect(stored).toMatchObject({ author: 'customer', channel: 'sms', body: 'Are you open on Sunday?' });
    const conversation = await backend.server.db.getRepository(ConversationEntity).findOneByOrFail({ id: stored!.conversationId });
    expect(await backend.server.db.getRepository(LeadEntity).findOneByOrFail({ id: conversation.leadId })).toMatchObject({ phone: customer });
    expect(await backend.server.db.getRepository(ConversationRefEntity).findBy({ conversationId: conversation.id })).toMatchObject([{ connector: 'twilio', externalId: customer }]);

    // Twilio retrying the same webhook: the MessageSid dedupes it.
    expect((await twilioPosts({ MessageSid: sid, SmsSid: sid, From: customer, Body: 'Are you open on Sunday?' })).status).toBe(200);
    expect(await messagesWithSid(sid)).toHaveLength(1);

    // The customer's next SMS joins the same conversation.
    const next = newSid();
    await twilioPosts({ MessageSid: next, SmsSid: next, From: customer, Body: 'Or Monday?' });
    expect((await messagesWithSid(next))[0]?.conversationId).toBe(stored!.conversationId);
  });

  const forgeries: [string, { tenant?: string; signWith?: string; signUrl?: string; signFields?: Record<string, string> }][] = [
    ['a body changed after signing', { signFields: { Body: 'Are you open?' } }],
    ['a signature for another URL', { signUrl: 'http://127.0.0.1:1/webhooks/twilio/acme' }],
    ['a signature made with another auth token', { signWith: randomBytes(16).toString('hex') }],
    ['an unknown tenant', { tenant: 'nobody' }],
    ['a tenant without a Twilio connector', { tenant: 'globex' }],
  ];
  it.each(forgeries)('answers 403 to %s and stores nothing', async (_case, options) => {
    const sid = newSid();
    const url = options.tenant ? webhookUrl.replace(/acme$/, options.tenant) : undefined;
    const response = await twilioPosts({ MessageSid: sid, From: CUSTOMER, Body: 'Send me the refund to this account' }, { ...options, url });
    expect(response.status).toBe(403);
    expect(response.body).toContain('Invalid signature');
    expect(await messagesWithSid(sid)).toEqual([]);
  });

  it('checks the public URL Twilio called when a proxy forwards it', async () => {
    const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'baton.example.com' };
    const sid = newSid();
    const viaProxy = await twilioPosts({ MessageSid: sid, From: CUSTOMER, Body: 'Hello from behind the proxy' }, { signUrl: 'https://baton.example.com/webhooks/twilio/acme', headers: forwarded });
    expect(viaProxy.status).toBe(200);
    expect(await messagesWithSid(sid)).toHaveLength(1);

    // Signed for the internal address while the proxy says the public one was called: not Twilio's request.
    const internal = newSid();
    expect((await twilioPosts({ MessageSid: internal, From: CUSTOMER, Body: 'Hello' }, { headers: forwarded })).status).toBe(403);
    expect(await messagesWithSid(internal)).toEqual([]);
  });

  it('answers 403 without a signature', async () => {
    const sid = newSid();
    const response = await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ MessageSid: sid, From: CUSTOMER, To: FROM_NUMBER, Body: 'hi' }).toString() });
    expect(response.status).toBe(403);
    expect(await messagesWithSid(sid)).toEqual([]);
  });

  it("sends the AI reply to the customer's number through the Twilio connector; a refusal shows Twilio's words on the reply", async () => {
    const admin = createTestClient(backend.server.url, acme.apiKey);
    await updateSettings(admin, { replyCadence: { enabled: true, minDelaySeconds: 600, maxDelaySeconds: 600 } });
    const principal: Principal = { tenantId: acme.tenant.id, tenantSlug: 'acme', via: 'api_key', agentId: acme.admin.id, apiKeyId: null, role: 'admin', groups: [], displayName: 'Admin', actor: `agent:${acme.admin.id}` };
    const servicesSendingBy = (authTokenForTwilio: string) =>
      createServices(backend.server.services.infra, { batonEnv: 'development', jwt: { issuer: null, audience: null, jwksUrl: null, groupsClaim: 'cognito:groups' } }, backend.server.jobs, {
        connector: createTwilioConnector({ baseUrl: twilio.baseUrl, accountSid: twilio.accountSid, authToken: authTokenForTwilio, fromNumber: FROM_NUMBER }),
        drafter: ruleBasedResponder,
        delivery: { maxAttempts: 1, retryDelayMs: () => 300 },
      });

    async function pendingReplyToNewSms(customer: string) {
      const sid = newSid();
      await twilioPosts({ MessageSid: sid, From: customer, Body: 'What are your opening hours?' });
      const [stored] = await messagesWithSid(sid);
      const replies = backend.server.db.getRepository(ScheduledReplyEntity);
      await waitUntil(async () => (await replies.findOneBy({ conversationId: stored!.conversationId, status: 'pending' })) !== null, 10_000, 'a pending AI reply');
      return replies.findOneByOrFail({ conversationId: stored!.conversationId, status: 'pending' });
    }

    const reply = await pendingReplyToNewSms('+15559990001');
    expect(await servicesSendingBy(twilio.authToken).replies.sendNow(principal, reply.id)).toMatchObject({ status: 'sent' });
    expect(twilio.messages.at(-1)).toMatchObject({ to: '+15559990001', from: FROM_NUMBER, body: reply.body, idempotencyKey: reply.id });

    const refused = await pendingReplyToNewSms('+15559990002');
    const sentBefore = twilio.messages.length;
    expect(await servicesSendingBy('not-the-token').replies.sendNow(principal, refused.id)).toMatchObject({
      status: 'failed',
      lastError: 'Twilio answered 401: Authenticate (Twilio error 20003); check the account SID and auth token',
    });
    expect(twilio.messages).toHaveLength(sentBefore);
  });
});
