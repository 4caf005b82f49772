// Webhooks while MariaDB is unreachable (issue 14 item 1): a backend process on a private mariadbd
// that is killed answers 503 with Retry-After and "not stored, retry" (the tRPC API a 503 too); once
// MariaDB is back the same request is stored (once).
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_UNREACHABLE_RETRY_AFTER_SECONDS } from '../../backend/src/http/database-unreachable-answer.js';
import { signedWebhookHeaders } from '../../backend/src/http/webhook-signature.js';
import type { CreatedTenant } from '../../backend/src/features/admin/tenants.service.js';
import { startTestBackend } from '../support/in-process-server.js';
import { createPrivateMariadb, type PrivateMariadb } from '../support/private-mariadb.js';
import { REDIS_URL } from '../support/services.js';
import { spawnBackend, type SpawnedBackend } from '../support/spawned-backend.js';
import { waitFor } from '../e2e/support/wait.js';

describe('a webhook while the database is unreachable', () => {
  let mariadb: PrivateMariadb;
  let backend: SpawnedBackend;
  let acme: CreatedTenant;
  let dataDir = '';
  const databaseUrl = () => `${mariadb.serverUrl}/baton_webhook_outage`;

  beforeAll(async () => {
    mariadb = await createPrivateMariadb();
    await mariadb.start();
    // The schema and a tenant, made in-process; the backend under test is its own process (as in production).
    const setup = await startTestBackend('webhook-db-outage', { dialect: 'mysql', redis: true, database: { name: 'baton_webhook_outage', url: databaseUrl(), drop: async () => undefined } });
    acme = await setup.createTenant('acme');
    dataDir = setup.dataDir;
    await setup.server.close(500);
    backend = await spawnBackend({ DATABASE_URL: databaseUrl(), REDIS_URL, BATON_DATA_DIR: dataDir });
  }, 120_000);

  afterAll(async () => {
    await backend?.stop('SIGKILL');
    await mariadb?.remove();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** Posts these exact bytes and signature headers: what a sender retrying the same request does. */
  const post = async (path: string, raw: string, headers: Record<string, string>) => {
    const response = await fetch(`${backend.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: raw });
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as Record<string, unknown> };
  };
  const signed = (body: unknown) => {
    const raw = JSON.stringify(body);
    return { raw, headers: signedWebhookHeaders(acme.webhookSecret, raw) };
  };

  it('answers 503 with Retry-After while MariaDB is down, and stores the same request once it is back', async () => {
    const externalConversationId = `t-${randomUUID()}`;
    const inbound = signed({ tenant: acme.tenant.slug, connector: 'sms-gateway', externalConversationId, externalMessageId: randomUUID(), lead: { phone: '+15550111' }, channel: 'sms', body: 'Are you open on Sunday?' });
    const agentReply = signed({ tenant: acme.tenant.slug, connector: 'sms-gateway', externalConversationId, agentEmail: `admin@${acme.tenant.slug}.test`, channel: 'sms', body: 'Yes, 10 to 4.', externalMessageId: randomUUID() });

    await mariadb.kill();
    for (const [path, request] of [['/webhooks/inbound', inbound], ['/webhooks/agent-reply', agentReply]] as const) {
      const refused = await post(path, request.raw, request.headers);
      expect(refused, path).toMatchObject({ status: 503, retryAfter: String(DATABASE_UNREACHABLE_RETRY_AFTER_SECONDS) });
      expect(refused.body.error).toBe(`The database is unreachable: the message was not stored. Send the same request again in ${DATABASE_UNREACHABLE_RETRY_AFTER_SECONDS} seconds.`);
    }
    // The agents' API says the same in its own words (a 503, not "something went wrong").
    const change = await fetch(`${backend.url}/trpc/teams.create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${acme.apiKey}` },
      body: JSON.stringify({ name: 'Night shift' }),
    });
    expect(change.status).toBe(503);
    expect(((await change.json()) as { error: unknown }).error).toMatchObject({
      message: 'Baton cannot reach its database right now, so this may not have been saved. Check, then try again in a few seconds.',
      data: { code: 'SERVICE_UNAVAILABLE' },
    });

    await mariadb.start();
    await waitFor(() => fetch(`${backend.url}/healthz`).then((response) => response.json() as Promise<{ status: string }>), (health) => health.status !== 'down', 'the backend to reach MariaDB again', { timeoutMs: 30_000 });
    const stored = await post('/webhooks/inbound', inbound.raw, inbound.headers);
    expect(stored).toMatchObject({ status: 202, body: { status: 'accepted' } });
    expect(await post('/webhooks/agent-reply', agentReply.raw, agentReply.headers)).toMatchObject({ status: 202, body: { status: 'accepted' } });
    // The sender's next retry of the same request is a duplicate: stored once.
    expect(await post('/webhooks/inbound', inbound.raw, inbound.headers)).toMatchObject({ status: 200, body: { status: 'duplicate' } });
    expect(backend.process.exitCode).toBeNull();
  }, 120_000);
});
