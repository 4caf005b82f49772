// The outbound webhook connector's outage on /healthz (issue 14 item 1), on the embedded default: a
// failed delivery makes every process's /healthz name the tenant's connector while it fails, and the
// delivery that succeeds afterwards (the retry) clears it.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedTenant } from '../../backend/src/features/admin/tenants.service.js';
import { startDeliveryReceiver, type DeliveryReceiver } from '../support/delivery-receiver.js';
import { startTestBackend, type TestBackend } from '../support/in-process-server.js';
import { updateSettings } from '../support/settings.js';
import { postSignedWebhook } from '../support/signed-webhook.js';
import { createTestClient } from '../support/trpc-client.js';
import { waitFor } from '../e2e/support/wait.js';

let backend: TestBackend;
let receiver: DeliveryReceiver;
let tenant: CreatedTenant;
let failing = true;

beforeAll(async () => {
  receiver = await startDeliveryReceiver(() => (failing ? 'fail' : 'answer'));
  backend = await startTestBackend('connector-health', { dialect: 'sqlite' });
  tenant = await backend.createTenant('acme');
  await updateSettings(createTestClient(backend.server.url, tenant.apiKey), { connectors: { webhook: { url: receiver.url, secret: receiver.secret, timeoutMs: 2000 } } });
}, 60_000);

afterAll(async () => {
  await backend?.stop();
  await receiver?.close();
});

const health = async () => (await fetch(`${backend.server.url}/healthz`)).json() as Promise<Record<string, unknown>>;

describe('/healthz and the outbound webhook', () => {
  it('reports the failing connector, naming it and the tenant, until a delivery succeeds again', async () => {
    expect(await health()).toEqual({ status: 'ok', db: 'ok', redis: 'in-process', jobs: 'ok' });
    const posted = await postSignedWebhook(backend.server.url, '/webhooks/inbound', tenant.webhookSecret, {
      tenant: 'acme', connector: 'sms-gateway', externalConversationId: `t-${randomUUID()}`, externalMessageId: randomUUID(), channel: 'sms', body: 'Are you open today?', lead: { phone: '+15550199' },
    });
    expect(posted.status).toBe(202);

    const degraded = await waitFor(health, (report) => report.status === 'degraded', 'the connector reported failing');
    expect(degraded).toMatchObject({ db: 'ok', connectors: [{ connector: 'webhook', tenant: 'acme', status: 'degraded', error: 'the webhook answered 500 Internal Server Error' }] });
    expect(JSON.stringify(degraded)).not.toContain(receiver.secret);

    failing = false;
    // The delivery's retry (2 s later) succeeds and clears it.
    await waitFor(health, (report) => report.status === 'ok' && !('connectors' in report), 'the connector healthy again');
    expect(receiver.requests.filter((request) => request.payload.author === 'ai').length).toBeGreaterThanOrEqual(2);
  });
});
