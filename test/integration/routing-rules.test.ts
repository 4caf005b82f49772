// Routing rules at message time through the API on MariaDB + Redis + Agenda (SPEC §5.3):
// takeover_hold and tag actions, and a catastrophic pattern that must not stall message handling.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedTenant } from '../../backend/src/features/admin/tenants.service.js';
import { startTestBackend, type TestBackend } from '../support/in-process-server.js';
import { draftJobDone } from '../support/draft-job.js';
import { postSignedWebhook } from '../support/signed-webhook.js';
import { createTestClient, type TestClient } from '../support/trpc-client.js';
import { storedTimeline } from './stored-timeline.js';
import { saveRules } from '../support/rules.js';
import { updateSettings } from '../support/settings.js';

let backend: TestBackend;
let acme: CreatedTenant;
let admin: TestClient;
let dana: TestClient;
let danaId: string;

beforeAll(async () => {
  backend = await startTestBackend('routing', { dialect: 'mysql', redis: true });
  acme = await backend.createTenant('acme');
  admin = createTestClient(backend.server.url, acme.apiKey);
  const created = await admin.agents.create.mutate({ email: 'dana@acme.test', name: 'Dana' });
  danaId = created.id;
  dana = createTestClient(backend.server.url, (await admin.apiKeys.create.mutate({ name: 'dana', role: 'agent', agentId: danaId })).key);
  await updateSettings(admin, { replyCadence: { enabled: false, minDelaySeconds: 0, maxDelaySeconds: 0 } });
});

afterAll(() => backend?.stop());

async function customerWrites(body: string): Promise<{ conversationId: string; messageId: string }> {
  const thread = `t-${randomUUID()}`;
  const result = await postSignedWebhook(backend.server.url, '/webhooks/inbound', acme.webhookSecret, {
    tenant: acme.tenant.slug, connector: 'sms-gateway', channel: 'sms', externalConversationId: thread, externalMessageId: randomUUID(), body,
    lead: { phone: `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}` },
  });
  expect(result.status).toBe(202);
  return { conversationId: result.body.conversationId as string, messageId: result.body.messageId as string };
}

const authorsOf = async (conversationId: string) => (await storedTimeline(backend.server.db, conversationId)).messages.map((message) => message.author);

/** The AI's answer goes out by its own send job after the draft job: wait for it. */
async function answeredByAi(conversationId: string): Promise<string[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const authors = await authorsOf(conversationId);
    if (authors.includes('ai') || Date.now() > deadline) return authors;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('routing rule actions', () => {
  beforeAll(async () => {
    await saveRules(admin, [{ name: 'Legal threats', condition: { keywords: ['lawyer'] }, actions: [{ type: 'takeover_hold' }, { type: 'tag', tag: 'legal' }] }]);
  });

  it('takeover_hold keeps the AI quiet with no holder until an agent picks it up; tag tags the lead', async () => {
    const { conversationId, messageId } = await customerWrites('I am calling my lawyer about this');
    await draftJobDone(backend.server.db, messageId);
    const held = await dana.conversations.get.query({ id: conversationId });
    expect(held.takeover).toMatchObject({ source: 'rule_hold', holder: null });
    expect(await authorsOf(conversationId)).toEqual(['customer']);
    const { events } = await storedTimeline(backend.server.db, conversationId);
    expect(events.find((event) => event.type === 'lead.tagged')?.after).toMatchObject({ tags: ['legal'], rules: ['Legal threats'] });

    const picked = await dana.conversations.takeOver.mutate({ id: conversationId });
    expect(picked.takeover).toMatchObject({ source: 'manual', holder: { agentId: danaId, name: 'Dana' } });
  });

  it('a message no rule matches is answered by the AI as usual', async () => {
    const { conversationId } = await customerWrites('What are your opening hours?');
    expect(await answeredByAi(conversationId)).toEqual(['customer', 'ai']);
    expect((await dana.conversations.get.query({ id: conversationId })).takeover).toBeNull();
  });
});

describe('a pattern that backtracks catastrophically', () => {
  it('does not stall message handling: it runs in linear time, does not match, and the AI still answers', async () => {
    // `a*a*b` passes save-time validation (no nested repetition); on a backtracking engine, 5,000
    // a's take over a minute — past this test's 30 s timeout. RE2 answers at once.
    await saveRules(admin, [{ name: 'Slow', condition: { pattern: 'a*a*b' }, actions: [{ type: 'escalate', teamId: acme.team.id, reason: 'pattern' }] }]);
    const { conversationId } = await customerWrites('a'.repeat(5000));
    expect(await answeredByAi(conversationId)).toEqual(['customer', 'ai']);
    expect((await dana.conversations.get.query({ id: conversationId })).escalation).toBeNull();
    // The next message on the tenant is handled too.
    const next = await customerWrites('hello again');
    expect(await answeredByAi(next.conversationId)).toEqual(['customer', 'ai']);
  });
});
