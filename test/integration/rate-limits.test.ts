// Abuse limits over HTTP (issue 14 item 5): mutations per credential, webhooks per tenant, 429 with
// Retry-After; shared by two processes through Redis; open (never a 5xx) while Redis is down.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageEntity } from '../../backend/src/db/entities/conversation.entities.js';
import type { CreatedTenant } from '../../backend/src/features/admin/tenants.service.js';
import { startTestBackend, type TestBackend } from '../support/in-process-server.js';
import { createPrivateRedis, type PrivateRedis } from '../support/private-redis.js';
import { postSignedWebhook } from '../support/signed-webhook.js';
import { createTestClient } from '../support/trpc-client.js';
import { updateSettings } from '../support/settings.js';
import { twilioSignature } from '../../backend/src/connectors/twilio-signature.js';

/** Tight limits so a test can reach them: 3 mutations then 1 a second; 2 webhooks then 1 a second. */
const TIGHT = { BATON_MUTATIONS_PER_SECOND: '1', BATON_MUTATION_BURST: '3', BATON_WEBHOOKS_PER_SECOND: '1', BATON_WEBHOOK_BURST: '2' };

/** A raw (unbatched) tRPC mutation, so the test sees the HTTP status and headers. */
async function mutate(baseUrl: string, credential: string, path: string, input: unknown) {
  const response = await fetch(`${baseUrl}/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${credential}` },
    body: JSON.stringify(input),
  });
  const body = (await response.json()) as { error?: { message: string; data: { code: string } } };
  return { status: response.status, retryAfter: response.headers.get('retry-after'), error: body.error ?? null };
}

const createTeam = (baseUrl: string, credential: string) => mutate(baseUrl, credential, 'teams.create', { name: `Team ${randomUUID().slice(0, 8)}` });

/** Creates teams until refused; the status that ended it (200 if 20 were all allowed). */
async function createTeamsUntilRefused(baseUrl: string, credential: string): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const { status } = await createTeam(baseUrl, credential);
    if (status !== 200) return status;
  }
  return 200;
}

const inbound = (tenant: CreatedTenant) => ({
  tenant: tenant.tenant.slug,
  connector: 'sms-gateway',
  channel: 'sms',
  externalConversationId: `rl-${randomUUID()}`,
  externalMessageId: randomUUID(),
  body: 'Are you open on Sunday?',
  lead: { phone: '+15550100' },
});

describe('two backend processes sharing the limits through Redis', () => {
  let first: TestBackend;
  let second: TestBackend;
  let acme: CreatedTenant;
  let globex: CreatedTenant;
  let initech: CreatedTenant;

  beforeAll(async () => {
    first = await startTestBackend('rate-limits', { dialect: 'mysql', redis: true, env: TIGHT });
    second = await startTestBackend('rate-limits-2', { dialect: 'mysql', redis: true, env: TIGHT, database: first.database! });
    acme = await first.createTenant();
    globex = await first.createTenant();
    initech = await first.createTenant();
  });

  afterAll(async () => {
    await second?.stop();
    await first?.stop();
  });

  it('a credential gets its burst across both processes, then 429 with Retry-After and a message saying when; nothing is changed', async () => {
    // At once (well within the 1 s a token takes to come back), alternating between the processes.
    const answers = await Promise.all([0, 1, 2, 3, 4, 5].map((index) => createTeam([first, second][index % 2]!.server.url, acme.apiKey)));
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 200, 200, 429, 429, 429]);
    const refused = answers.find((answer) => answer.status === 429)!;
    expect(refused).toMatchObject({ retryAfter: '1', error: { data: { code: 'TOO_MANY_REQUESTS' } } });
    expect(refused.error!.message).toBe('Too many changes from this credential: at most 1 a second (bursts of 3). Nothing was changed; retry after 1 s.');
    const teams = await createTestClient(first.server.url, acme.apiKey).teams.list.query();
    // The tenant's own team plus the three allowed.
    expect(teams).toHaveLength(4);
  });

  it('queries are not limited, other credentials have their own budget, and the limit lets the rate through again', async () => {
    const client = createTestClient(second.server.url, acme.apiKey);
    expect(await createTeamsUntilRefused(first.server.url, acme.apiKey)).toBe(429);
    for (let index = 0; index < 10; index++) await client.teams.list.query();
    expect((await createTeam(first.server.url, globex.apiKey)).status).toBe(200);

    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await createTeam(second.server.url, acme.apiKey)).status).toBe(200);
  });

  it('webhooks: a tenant gets its burst across both processes, then 429 and a JSON error saying when; nothing stored; other tenants unaffected', async () => {
    // Requests without the tenant's secret are refused at the signature and do not spend its budget.
    for (let index = 0; index < 5; index++) {
      expect((await postSignedWebhook(first.server.url, '/webhooks/inbound', 'whsec_wrong', inbound(acme), 'sha256=00')).status).toBe(401);
    }
    // At once, alternating between the processes; Retry-After is checked on the Twilio route below and in tenant-webhook-limit.test.ts.
    const answers = await Promise.all([0, 1, 2, 3].map((index) => postSignedWebhook([first, second][index % 2]!.server.url, '/webhooks/inbound', acme.webhookSecret, inbound(acme))));
    expect(answers.map((answer) => answer.status).sort()).toEqual([202, 202, 429, 429]);
    expect(answers.find((answer) => answer.status === 429)!.body).toEqual({ error: 'Too many webhook requests for this tenant: at most 1 a second (bursts of 2). Nothing was stored; retry after 1 s.' });
    expect(await first.server.db.getRepository(MessageEntity).countBy({ tenantId: acme.tenant.id, author: 'customer' })).toBe(2);

    expect((await postSignedWebhook(first.server.url, '/webhooks/inbound', globex.webhookSecret, inbound(globex))).status).toBe(202);
    // The agent-reply webhook draws from the same tenant budget.
    const reply = await postSignedWebhook(second.server.url, '/webhooks/agent-reply', acme.webhookSecret, {
      tenant: acme.tenant.slug, connector: 'sms-gateway', externalConversationId: 'unknown', agentEmail: acme.admin.email, channel: 'sms', body: 'On my way', externalMessageId: randomUUID(),
    });
    // Within budget this would be a 404 (no such conversation).
    expect(reply.status).toBe(429);
  });

  it("Twilio's incoming-SMS webhook draws from the tenant's budget too, after its signature check", async () => {
    const authToken = randomUUID();
    await updateSettings(createTestClient(first.server.url, initech.apiKey), { connectors: { twilio: { baseUrl: 'http://127.0.0.1:9', accountSid: 'AC0123', authToken, fromNumber: '+15550100' } } });
    const post = async (url: string, token: string) => {
      const webhookUrl = `${url}/webhooks/twilio/${initech.tenant.slug}`;
      const sid = `SM${randomUUID().replaceAll('-', '')}`;
      const form = new URLSearchParams({ MessageSid: sid, From: '+15550111', To: '+15550100', Body: 'Open on Sunday?' });
      const response = await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(token, webhookUrl, form) }, body: form.toString() });
      return { status: response.status, retryAfter: response.headers.get('retry-after') };
    };
    expect((await post(first.server.url, 'not-the-token')).status).toBe(403);
    const answers = await Promise.all([first, second, first].map((backend) => post(backend.server.url, authToken)));
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 200, 429]);
    expect(answers.find((answer) => answer.status === 429)).toEqual({ status: 429, retryAfter: '1' });
  });
});

describe('Redis down: the limits fail open', () => {
  let redis: PrivateRedis;
  let backend: TestBackend;
  let tenant: CreatedTenant;

  beforeAll(async () => {
    redis = await createPrivateRedis();
    await redis.start();
    backend = await startTestBackend('rate-limits-open', { dialect: 'mysql', env: { ...TIGHT, REDIS_URL: redis.url } });
    tenant = await backend.createTenant();
  });

  afterAll(async () => {
    await backend?.stop();
    await redis?.stop();
  });

  it('allows every mutation while Redis is down, and limits again once it is back', async () => {
    const url = backend.server.url;
    expect(await createTeamsUntilRefused(url, tenant.apiKey)).toBe(429);
    await redis.stop();
    const during = [];
    for (let index = 0; index < 6; index++) during.push((await createTeam(url, tenant.apiKey)).status);
    expect(during).toEqual([200, 200, 200, 200, 200, 200]);

    await redis.start();
    // The restarted Redis has no buckets: a fresh burst of 3, then refused — once the limiter has
    // reconnected (its retry pauses grow to 2 s; until then it fails open, as above).
    const deadline = Date.now() + 15_000;
    let ended = await createTeamsUntilRefused(url, tenant.apiKey);
    while (ended !== 429 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      ended = await createTeamsUntilRefused(url, tenant.apiKey);
    }
    expect(ended).toBe(429);
  });
});
