// Connector settings per tenant (issue 12 item 4) on the embedded default (SQLite): settings.update
// patches them with write-only secrets and errors naming the field, and outbound messages leave by
// the tenant's own webhook once configured (the process default, the outbox, before and for others).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventEntity } from '../../backend/src/db/entities/event.entity.js';
import type { CreatedTenant } from '../../backend/src/features/admin/tenants.service.js';
import { startDeliveryReceiver, type DeliveryReceiver } from '../support/delivery-receiver.js';
import { draftJobDone } from '../support/draft-job.js';
import { startTestBackend, type TestBackend } from '../support/in-process-server.js';
import { updateSettings } from '../support/settings.js';
import { postSignedWebhook } from '../support/signed-webhook.js';
import { createTestClient, expectTrpcError, type TestClient } from '../support/trpc-client.js';
import { waitFor } from '../e2e/support/wait.js';

let backend: TestBackend;
let receiver: DeliveryReceiver;
let acme: CreatedTenant;
let globex: CreatedTenant;
let admin: TestClient;

beforeAll(async () => {
  receiver = await startDeliveryReceiver();
  backend = await startTestBackend('connector-settings', { dialect: 'sqlite' });
  acme = await backend.createTenant('acme');
  globex = await backend.createTenant('globex');
  admin = createTestClient(backend.server.url, acme.apiKey);
}, 60_000);

afterAll(async () => {
  await backend?.stop();
  await receiver?.close();
});

async function customerWrites(tenant: CreatedTenant) {
  const result = await postSignedWebhook(backend.server.url, '/webhooks/inbound', tenant.webhookSecret, {
    tenant: tenant.tenant.slug, connector: 'sms-gateway', externalConversationId: `t-${randomUUID()}`, externalMessageId: randomUUID(), channel: 'sms', body: 'When are you open?', lead: { phone: '+15550123' },
  });
  expect(result.status).toBe(202);
  await draftJobDone(backend.server.db, result.body.messageId as string);
  return result.body.conversationId as string;
}

describe('connector settings', () => {
  it('refuse a bad connector with an error naming the field, and a new connector missing its secret', async () => {
    const badUrl = await expectTrpcError(updateSettings(admin, { connectors: { rt: { url: 'ftp://rt.example', username: 'baton', password: 'x' } } }));
    expect(badUrl).toMatchObject({ code: 'BAD_REQUEST', field: 'connectors.rt.url' });
    expect(badUrl.message).toContain('url must be an http(s) URL');
    const noSecret = await expectTrpcError(updateSettings(admin, { connectors: { webhook: { url: receiver.url } } }));
    expect(noSecret).toMatchObject({ code: 'BAD_REQUEST', field: 'connectors.webhook.secret' });
  });

  it('keep secrets write-only: settings.get and the timeline say only whether one is set, and a patch without it keeps it', async () => {
    await updateSettings(admin, { connectors: { webhook: { url: receiver.url, secret: receiver.secret, timeoutMs: 3000 } } });
    await updateSettings(admin, { connectors: { webhook: { timeoutMs: 4000 } } });
    const settings = await admin.settings.get.query();
    expect(settings.connectors).toEqual({ rt: null, twilio: null, smtp: null, webhook: { url: receiver.url, timeoutMs: 4000, hasSecret: true } });
    const events = await backend.server.db.getRepository(EventEntity).findBy({ tenantId: acme.tenant.id, type: 'settings.changed' });
    expect(events.length).toBeGreaterThan(0);
    expect(JSON.stringify(events)).not.toContain(receiver.secret);
    expect(await admin.settings.connectorStatus.query()).toEqual([{ connector: 'webhook', state: 'configured', lastError: null, failingSince: null, lastSuccessAt: null }]);
  });

  it("send the tenant's messages by its own webhook, signed with its secret; another tenant keeps the process default", async () => {
    const conversationId = await customerWrites(acme);
    await waitFor(() => receiver.requests.filter((request) => request.payload.conversationId === conversationId), (requests) => requests.length === 1, "the AI reply at acme's webhook");
    expect(receiver.requests.every((request) => request.signatureValid)).toBe(true);

    const globexConversation = await customerWrites(globex);
    const globexAdmin = createTestClient(backend.server.url, globex.apiKey);
    await waitFor(() => globexAdmin.conversations.timeline.query({ id: globexConversation }), (page) => page.entries.some((entry) => entry.kind === 'message' && entry.actor.kind === 'ai'), "globex's AI reply in its outbox");
    expect(receiver.requests.some((request) => request.payload.conversationId === globexConversation)).toBe(false);

    // Removed: acme's messages fall back to the process default again.
    await updateSettings(admin, { connectors: { webhook: null } });
    const after = await customerWrites(acme);
    await waitFor(() => admin.conversations.timeline.query({ id: after }), (page) => page.entries.some((entry) => entry.kind === 'message' && entry.actor.kind === 'ai'), 'the AI reply in the outbox');
    expect(receiver.requests.some((request) => request.payload.conversationId === after)).toBe(false);
  });
});
