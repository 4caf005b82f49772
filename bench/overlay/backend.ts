// Starts the embedded Baton backend in-process (SQLite in a temp dir, no Redis) with one taken-over demo thread.
import { randomUUID } from 'node:crypto';
import { postSignedWebhook } from '../../test/support/signed-webhook.js';
import { startTestBackend } from '../../test/support/in-process-server.js';
import { createTestClient } from '../../test/support/trpc-client.js';

export interface SeededBackend {
  url: string;
  tenantSlug: string;
  /** The thread the host page shows (connector `demo`). */
  externalId: string;
  /** An API key bound to the tenant's admin agent: what a newcomer pastes into the extension. */
  agentApiKey: string;
  stop(): Promise<void>;
}

/**
 * A backend with a tenant, an agent-bound API key and one conversation known to Baton under connector
 * `demo`, taken over by that agent (so the orange takeover banner shows).
 */
export async function startSeededBackend(): Promise<SeededBackend> {
  const backend = await startTestBackend('bench-overlay', { dialect: 'sqlite' });
  try {
    const slug = 'benchco';
    const tenant = await backend.createTenant(slug);
    const url = backend.server.url;
    const integration = createTestClient(url, tenant.apiKey);
    const { key: agentApiKey } = await integration.apiKeys.create.mutate({ name: 'bench extension', role: 'admin', agentId: tenant.admin.id });
    const externalId = `BENCH-${Date.now().toString(36)}`;
    const inbound = await postSignedWebhook(url, '/webhooks/inbound', tenant.webhookSecret, {
      tenant: slug,
      connector: 'demo',
      externalConversationId: externalId,
      externalMessageId: randomUUID(),
      channel: 'sms',
      body: 'Where is my order?',
      lead: { name: 'Jane Doe', phone: '+15550100' },
    });
    if (inbound.status !== 202) throw new Error(`inbound webhook answered ${inbound.status}: ${JSON.stringify(inbound.body)}`);
    const agent = createTestClient(url, agentApiKey);
    await agent.conversations.takeOver.mutate({ id: inbound.body.conversationId as string });
    return { url, tenantSlug: slug, externalId, agentApiKey, stop: () => backend.stop() };
  } catch (error) {
    await backend.stop();
    throw error;
  }
}
