// No credential in the logs (issue 14 item 5): a real backend process logging at trace level is used
// with API keys, a development token and the webhook secret — successes, bad input, FORBIDDEN, an
// unknown procedure, revoked and wrong keys, a credential in a stream URL, a 429, bad webhook
// signatures — and then everything it printed (but the one-time welcome banner) is searched for them.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueDevToken } from '../../backend/src/auth/dev-token.js';
import { openDatabase } from '../../backend/src/db/data-source.js';
import { createTestDatabase, REDIS_URL, type TestDatabase } from '../support/services.js';
import { postRawWebhook, postSignedWebhook } from '../support/signed-webhook.js';
import { spawnBackend, type SpawnedBackend } from '../support/spawned-backend.js';
import { signedWebhookHeaders } from '../../backend/src/http/webhook-signature.js';

/** `bk_` and the next 7 characters are shown in key lists; the rest is the secret part. */
const secretPartOfKey = (key: string) => key.slice(10);

let database: TestDatabase;
let dataDir: string;
let backend: SpawnedBackend;

beforeAll(async () => {
  database = await createTestDatabase('log_hygiene');
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-log-hygiene-'));
  backend = await spawnBackend({
    DATABASE_URL: database.url,
    REDIS_URL,
    BATON_ENV: 'development',
    BATON_DATA_DIR: dataDir,
    LOG_LEVEL: 'trace',
    // Low enough for the test to reach the per-credential limit, high enough for its own calls.
    BATON_MUTATIONS_PER_SECOND: '1',
    BATON_MUTATION_BURST: '30',
  });
}, 60_000);

afterAll(async () => {
  await backend?.stop();
  await database?.drop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Every error answer's text: errors must not echo a credential either. */
const errorAnswers: string[] = [];

/** One tRPC call over plain HTTP, so the test controls the Authorization header and the URL. */
async function trpc(procedure: string, options: { credential?: string; input?: unknown; mutation?: boolean; requestId?: string } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.credential) headers.authorization = `Bearer ${options.credential}`;
  if (options.requestId) headers['x-request-id'] = options.requestId;
  const url = options.mutation
    ? `${backend.url}/trpc/${procedure}`
    : `${backend.url}/trpc/${procedure}${options.input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(options.input))}`}`;
  const response = await fetch(url, { method: options.mutation ? 'POST' : 'GET', headers, body: options.mutation ? JSON.stringify(options.input ?? {}) : undefined });
  const text = await response.text();
  if (response.status >= 400) errorAnswers.push(text);
  const body = JSON.parse(text) as { result?: { data: unknown }; error?: { data: { code: string } } };
  return { status: response.status, data: body.result?.data as Record<string, unknown> | undefined, code: body.error?.data.code ?? null };
}

/** The welcome banner shows the demo credentials once, on purpose; everything else must hold none. */
function logLinesOf(output: string): string {
  // The banner has a blank line inside; it ends with one before the next JSON log line.
  return output.replace(/Baton is running at[\s\S]*?\n\n(?=\{|$)/, '');
}

describe('a backend process’s logs', () => {
  it('hold no API key, key secret part, development token, webhook or connector secret, whatever the calls did; nor do the error answers', async () => {
    const banner = backend.output();
    const integrationKey = /integration API key[^\n]*?(bk_\S+)/.exec(banner)?.[1];
    const extensionKey = /extension API key[^\n]*?(bk_\S+)/.exec(banner)?.[1];
    const bannerWebhookSecret = /webhook secret:\s+(\S+)/.exec(banner)?.[1];
    const bannerDevToken = /admin dev token:\s+(\S+)/.exec(banner)?.[1];
    expect([integrationKey, extensionKey, bannerWebhookSecret, bannerDevToken].every(Boolean)).toBe(true);
    const as = (credential: string) => ({ credential });

    // Credentials made by the test (never printed by design).
    const adminKey = (await trpc('apiKeys.create', { ...as(integrationKey!), mutation: true, input: { name: 'hygiene admin', role: 'admin' } })).data!.key as string;
    const agent = (await trpc('agents.create', { ...as(adminKey), mutation: true, input: { email: 'lee@demo.test', name: 'Lee', role: 'agent' } })).data!;
    const agentKey = (await trpc('apiKeys.create', { ...as(adminKey), mutation: true, input: { name: 'Lee extension', role: 'agent', agentId: agent.id } })).data!.key as string;
    const revoked = (await trpc('apiKeys.create', { ...as(adminKey), mutation: true, input: { name: 'to revoke', role: 'admin' } })).data!;
    expect((await trpc('apiKeys.revoke', { ...as(adminKey), mutation: true, input: { id: (revoked.apiKey as { id: string }).id } })).status).toBe(200);
    const webhookSecret = (await trpc('webhookSecret.rotate', { ...as(adminKey), mutation: true })).data!.secret as string;
    const me = (await trpc('auth.me', as(adminKey))).data!;
    const db = await openDatabase({ databaseUrl: database.url, sqlitePath: path.join(dataDir, 'unused.sqlite') });
    const devToken = await issueDevToken(db, { tenantId: (me.tenant as { id: string }).id, agentId: agent.id as string }, new Date()).finally(() => db.destroy());
    const smtpPassword = `smtp-${randomUUID()}`;
    const { version } = (await trpc('settings.get', as(adminKey))).data as { version: number };
    expect(await trpc('settings.update', { ...as(adminKey), mutation: true, input: { expectedVersion: version, connectors: { smtp: { host: '127.0.0.1', port: 9, secure: false, username: 'baton', password: smtpPassword, from: 'support@demo.test' } } } })).toMatchObject({ status: 200 });

    for (const credential of [adminKey, agentKey, devToken]) {
      expect((await trpc('auth.me', as(credential))).status).toBe(200);
      expect((await trpc('events.streamTicket', { ...as(credential), mutation: true })).status).toBe(200);
      expect((await trpc('notifications.markRead', { ...as(credential), mutation: true, input: { ids: 'all of them' } })).code).toBe('BAD_REQUEST');
      expect((await trpc('no.suchProcedure', { ...as(credential), mutation: true })).code).toBe('NOT_FOUND');
      expect((await trpc('conversations.get', { ...as(credential), input: { id: randomUUID() } })).code).toBe('NOT_FOUND');
    }
    expect((await trpc('agents.list', as(agentKey))).code).toBe('FORBIDDEN');
    expect((await trpc('agents.list', as(devToken))).code).toBe('FORBIDDEN');
    for (const wrong of [revoked.key as string, `bk_${randomUUID().replaceAll('-', '')}`, `${adminKey}x`, `${devToken}x`, `${agentKey.slice(0, -1)}`]) {
      expect((await trpc('auth.me', as(wrong))).code).toBe('UNAUTHORIZED');
    }
    // A long-lived credential in a stream URL is refused (item 4); refused or not, the URL must not reach the logs.
    const stream = await fetch(`${backend.url}/trpc/events.onChange?connectionParams=${encodeURIComponent(JSON.stringify({ authorization: `Bearer ${adminKey}` }))}&input=${encodeURIComponent('{}')}`, {
      headers: { accept: 'text/event-stream' },
      signal: AbortSignal.timeout(3000),
    }).then(async (response) => (await response.body?.cancel(), response.status), () => 'aborted');
    expect(stream).not.toBe(500);
    // Past the per-credential limit: a 429 whose logs hold no key either.
    let limited = 0;
    for (let attempt = 0; attempt < 40 && limited === 0; attempt++) {
      if ((await trpc('events.streamTicket', { ...as(agentKey), mutation: true })).status === 429) limited++;
    }
    expect(limited).toBe(1);

    const inbound = { tenant: 'demo', connector: 'sms-gateway', channel: 'sms', externalConversationId: `hyg-${randomUUID()}`, externalMessageId: randomUUID(), body: 'Hello?', lead: { phone: '+15550199' } };
    expect((await postSignedWebhook(backend.url, '/webhooks/inbound', webhookSecret, inbound)).status).toBe(202);
    // Integrators' mistakes: the secret itself as the signature, an API key as a bearer, a body signed with another key.
    const raw = JSON.stringify({ ...inbound, externalMessageId: randomUUID() });
    const refusals = [
      await postRawWebhook(backend.url, '/webhooks/inbound', raw, { ...signedWebhookHeaders(webhookSecret, raw), 'x-baton-signature': webhookSecret, authorization: `Bearer ${adminKey}` }),
      await postSignedWebhook(backend.url, '/webhooks/inbound', `${webhookSecret}0`, inbound),
      await postSignedWebhook(backend.url, '/webhooks/agent-reply', webhookSecret, { tenant: 'demo', connector: 'sms-gateway', externalConversationId: 'none', agentEmail: 'lee@demo.test', channel: 'sms', body: `my key is ${adminKey}`, externalMessageId: randomUUID() }),
    ];
    expect(refusals.map((answer) => answer.status)).toEqual([401, 401, 404]);
    errorAnswers.push(...refusals.map((answer) => JSON.stringify(answer.body)));
    const twilio = await fetch(`${backend.url}/webhooks/twilio/demo`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': webhookSecret }, body: `MessageSid=SM1&From=%2B15550199&To=%2B15550100&Body=${encodeURIComponent(adminKey)}` });
    expect(twilio.status).toBe(403);
    errorAnswers.push(await twilio.text());

    // The marker proves the search sees the request log lines: the request id a client sends is logged.
    const marker = `log-marker-${randomUUID()}`;
    expect((await trpc('auth.me', { ...as(adminKey), requestId: marker })).status).toBe(200);
    await backend.stop('SIGTERM');

    const logs = logLinesOf(backend.output());
    expect(logs).toContain(marker);
    expect(logs.split('\n').filter((line) => line.startsWith('{')).length).toBeGreaterThan(50);
    const credentials = {
      adminKey, adminKeySecretPart: secretPartOfKey(adminKey), agentKey, agentKeySecretPart: secretPartOfKey(agentKey), revokedKeySecretPart: secretPartOfKey(revoked.key as string),
      devToken, devTokenSignature: devToken.split('.')[2]!, webhookSecret, smtpPassword,
      integrationKeySecretPart: secretPartOfKey(integrationKey!), extensionKeySecretPart: secretPartOfKey(extensionKey!), bannerWebhookSecret: bannerWebhookSecret!, bannerDevToken: bannerDevToken!,
    };
    const found = Object.entries(credentials).filter(([, value]) => logs.includes(value)).map(([name]) => name);
    expect(found).toEqual([]);
    expect(errorAnswers.length).toBeGreaterThanOrEqual(20);
    const echoed = Object.entries(credentials).filter(([, value]) => errorAnswers.some((answer) => answer.includes(value))).map(([name]) => name);
    expect(echoed).toEqual([]);
  });
});
