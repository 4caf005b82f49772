// A backend (MariaDB + Redis) whose outbound connector posts to a local delivery receiver, with a
// tenant, its admin and an agent (Sam, by API key); and a customer writing to it by the inbound webhook.
import { randomUUID } from 'node:crypto';
import type { CreatedTenant } from '../../backend/src/features/admin/tenants.service.js';
import type { DeliveryReceiver } from './delivery-receiver.js';
import { startTestBackend, type TestBackend } from './in-process-server.js';
import { postSignedWebhook } from './signed-webhook.js';
import { createTestClient, type TestClient } from './trpc-client.js';

export interface DeliveringBackend {
  backend: TestBackend;
  acme: CreatedTenant;
  admin: TestClient;
  sam: TestClient;
}

/** `timeoutMs`: the webhook connector's timeout per delivery. */
export async function startBackendDeliveringTo(label: string, receiver: DeliveryReceiver, timeoutMs: number): Promise<DeliveringBackend> {
  const backend = await startTestBackend(label, {
    dialect: 'mysql',
    redis: true,
    env: { BATON_OUTBOUND_WEBHOOK_URL: receiver.url, BATON_OUTBOUND_WEBHOOK_SECRET: receiver.secret, BATON_OUTBOUND_WEBHOOK_TIMEOUT_MS: String(timeoutMs) },
  });
  const acme = await backend.createTenant('acme');
  const admin = createTestClient(backend.server.url, acme.apiKey);
  const agent = await admin.agents.create.mutate({ email: 'sam@acme.test', name: 'Sam' });
  const sam = createTestClient(backend.server.url, (await admin.apiKeys.create.mutate({ name: 'sam', role: 'agent', agentId: agent.id })).key);
  return { backend, acme, admin, sam };
}

/** A customer's SMS in a new conversation, by the signed inbound webhook; resolves its conversation and message ids. */
export async function customerWrites(url: string, tenant: CreatedTenant, body = 'What are your opening hours?'): Promise<{ conversationId: string; messageId: string }> {
  const response = await postSignedWebhook(url, '/webhooks/inbound', tenant.webhookSecret, {
    tenant: tenant.tenant.slug, connector: 'sms-gateway', externalConversationId: `t-${randomUUID()}`, externalMessageId: randomUUID(), lead: { phone: '+15550111' }, channel: 'sms', body,
  });
  if (response.status !== 202) throw new Error(`the inbound webhook answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body as { conversationId: string; messageId: string };
}
