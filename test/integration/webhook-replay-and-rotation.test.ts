// Issue 14: a signed timestamp makes a captured webhook useless after 5 minutes (and harmless inside
// them: the message id dedupes it), and a rotated webhook secret keeps working for its grace period.
import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantEntity } from '../../backend/src/db/entities/tenancy.entities.js';
import type { CreatedTenant } from '../../backend/src/features/admin/tenants.service.js';
import { signedWebhookHeaders, signWebhook } from '../../backend/src/http/webhook-signature.js';
import { startTestBackend, type TestBackend } from '../support/in-process-server.js';
import { postRawWebhook, postSignedWebhook } from '../support/signed-webhook.js';
import { createTestClient } from '../support/trpc-client.js';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

// MariaDB and the embedded SQLite default: the new columns and the checks must work on both.
describe.each(['mysql', 'sqlite'] as const)('on %s', (dialect) => {
  let backend: TestBackend;
  let acme: CreatedTenant;

  beforeAll(async () => {
    backend = await startTestBackend('webhookreplay', { dialect, redis: dialect === 'mysql' });
    acme = await backend.createTenant('acme');
  });

  afterAll(() => backend?.stop());

  const customerMessage = (tenant: CreatedTenant, externalMessageId = randomUUID()) => JSON.stringify({
    tenant: tenant.tenant.slug, connector: 'sms-gateway', channel: 'sms', lead: { phone: '+15550100' }, externalConversationId: `thread-${externalMessageId}`, externalMessageId, body: 'Where is my order?',
  });
  const postInbound = (raw: string, headers: Record<string, string>) => postRawWebhook(backend.server.url, '/webhooks/inbound', raw, headers);
  const storedCount = async (externalMessageId: string) =>
    Number(((await backend.server.db.query('SELECT COUNT(*) AS n FROM messages WHERE external_message_id = ?', [externalMessageId])) as { n: number | string }[])[0]!.n);
  const externalIdOf = (raw: string) => (JSON.parse(raw) as { externalMessageId: string }).externalMessageId;

  describe('the signed timestamp (X-Baton-Timestamp)', () => {
    it('accepts a request signed now', async () => {
      const raw = customerMessage(acme);
      expect(await postInbound(raw, signedWebhookHeaders(acme.webhookSecret, raw))).toMatchObject({ status: 202, body: { status: 'accepted' } });
      expect(await storedCount(externalIdOf(raw))).toBe(1);
    });

    it.each([
      ['6 minutes old', -6 * MINUTE_MS, /^X-Baton-Timestamp: is 6 minutes old; requests older than 5 minutes are refused \(replay protection\)$/],
      ['6 minutes in the future', 6 * MINUTE_MS, /^X-Baton-Timestamp: is 6 minutes in the future; more than 5 minutes ahead of the server clock is refused/],
    ])('refuses a request signed %s with 401 naming the header, storing nothing', async (_, offsetMs, reason) => {
      const raw = customerMessage(acme);
      const answer = await postInbound(raw, signedWebhookHeaders(acme.webhookSecret, raw, new Date(Date.now() + offsetMs)));
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({ field: 'X-Baton-Timestamp', error: expect.stringMatching(reason) });
      expect(await storedCount(externalIdOf(raw))).toBe(0);
    });

    it('refuses the old format (no timestamp, HMAC of the body alone), so an old capture cannot be replayed', async () => {
      const raw = customerMessage(acme);
      const answer = await postInbound(raw, { 'x-baton-signature': `sha256=${createHmac('sha256', acme.webhookSecret).update(raw).digest('hex')}` });
      expect(answer).toMatchObject({ status: 401, body: { field: 'X-Baton-Timestamp', error: expect.stringMatching(/^X-Baton-Timestamp: is required/) } });
      expect(await storedCount(externalIdOf(raw))).toBe(0);
    });

    it('refuses a timestamp changed after signing (the signature covers it)', async () => {
      const raw = customerMessage(acme);
      const signedAt = Math.floor(Date.now() / 1000) - 400;
      const answer = await postInbound(raw, { 'x-baton-timestamp': String(signedAt + 300), 'x-baton-signature': signWebhook(acme.webhookSecret, signedAt, raw) });
      expect(answer).toMatchObject({ status: 401, body: { field: 'X-Baton-Signature' } });
      expect(await storedCount(externalIdOf(raw))).toBe(0);
    });

    it('makes an exact replay inside the 5 minutes harmless: one message, the second answer says duplicate', async () => {
      const raw = customerMessage(acme);
      const headers = signedWebhookHeaders(acme.webhookSecret, raw);
      const first = await postInbound(raw, headers);
      const replay = await postInbound(raw, headers);
      expect(first).toMatchObject({ status: 202, body: { status: 'accepted' } });
      expect(replay).toMatchObject({ status: 200, body: { status: 'duplicate', messageId: first.body.messageId } });
      expect(await storedCount(externalIdOf(raw))).toBe(1);
    });

    it('does the same for /webhooks/agent-reply: a replayed agent reply is stored once', async () => {
      const opening = customerMessage(acme);
      expect((await postInbound(opening, signedWebhookHeaders(acme.webhookSecret, opening))).status).toBe(202);
      const externalMessageId = `reply-${randomUUID()}`;
      const raw = JSON.stringify({ tenant: acme.tenant.slug, connector: 'sms-gateway', externalConversationId: `thread-${externalIdOf(opening)}`, agentEmail: acme.admin.email, channel: 'sms', body: 'On its way', externalMessageId });
      const headers = signedWebhookHeaders(acme.webhookSecret, raw);
      const first = await postRawWebhook(backend.server.url, '/webhooks/agent-reply', raw, headers);
      const replay = await postRawWebhook(backend.server.url, '/webhooks/agent-reply', raw, headers);
      expect(first).toMatchObject({ status: 202, body: { status: 'accepted' } });
      expect(replay).toMatchObject({ status: 200, body: { status: 'duplicate', messageId: first.body.messageId } });
      expect(await storedCount(externalMessageId)).toBe(1);
      const stale = await postRawWebhook(backend.server.url, '/webhooks/agent-reply', raw, signedWebhookHeaders(acme.webhookSecret, raw, new Date(Date.now() - 6 * MINUTE_MS)));
      expect(stale).toMatchObject({ status: 401, body: { field: 'X-Baton-Timestamp' } });
    });
  });

  describe('webhookSecret.rotate with a grace period', () => {
    const inbound = (tenant: CreatedTenant, secret: string) => postSignedWebhook(backend.server.url, '/webhooks/inbound', secret, JSON.parse(customerMessage(tenant)));
    const rotate = (tenant: CreatedTenant) => createTestClient(backend.server.url, tenant.apiKey).webhookSecret.rotate.mutate();
    // The grace ends by moving its stored end into the past (no fake timers, no 24-hour wait).
    const endGraceOf = (tenant: CreatedTenant) => backend.server.db.getRepository(TenantEntity).update({ id: tenant.tenant.id }, { previousWebhookSecretUntil: new Date(Date.now() - 1000) });
    const rotationEvents = async (tenant: CreatedTenant) =>
      (await backend.server.db.query("SELECT `before`, `after` FROM events WHERE tenant_id = ? AND type = 'webhook_secret.rotated'", [tenant.tenant.id])) as { before: string | null; after: string }[];

    it('accepts the new secret and, for 24 hours, the old one; says until when; never shows or records the old one', async () => {
      const tenant = await backend.createTenant();
      const rotated = await rotate(tenant);
      expect(rotated.secret).toMatch(/^whsec_[0-9a-f]{64}$/);
      expect(new Date(rotated.previousSecretValidUntil!).getTime() - new Date(rotated.rotatedAt).getTime()).toBe(DAY_MS);
      expect(JSON.stringify(rotated)).not.toContain(tenant.webhookSecret);
      expect((await inbound(tenant, rotated.secret)).status).toBe(202);
      expect((await inbound(tenant, tenant.webhookSecret)).status).toBe(202);
      const events = await rotationEvents(tenant);
      expect(events).toHaveLength(1);
      expect(JSON.parse(events[0]!.after)).toEqual({ rotatedAt: rotated.rotatedAt, previousSecretValidUntil: rotated.previousSecretValidUntil });
      expect(JSON.stringify(events)).not.toContain(tenant.webhookSecret);
      expect(JSON.stringify(events)).not.toContain(rotated.secret);
    });

    it('refuses the old secret once its grace has passed, storing nothing, and keeps accepting the new one', async () => {
      const tenant = await backend.createTenant();
      const rotated = await rotate(tenant);
      await endGraceOf(tenant);
      const refused = await inbound(tenant, tenant.webhookSecret);
      expect(refused).toMatchObject({ status: 401, body: { field: 'X-Baton-Signature' } });
      expect((await inbound(tenant, rotated.secret)).status).toBe(202);
      const stored = (await backend.server.db.query('SELECT COUNT(*) AS n FROM messages WHERE tenant_id = ?', [tenant.tenant.id])) as { n: number | string }[];
      expect(Number(stored[0]!.n)).toBe(1);
    });

    it('drops the oldest secret on a second rotation, inside the first grace', async () => {
      const tenant = await backend.createTenant();
      const first = await rotate(tenant);
      const second = await rotate(tenant);
      expect((await inbound(tenant, tenant.webhookSecret)).status).toBe(401);
      expect((await inbound(tenant, first.secret)).status).toBe(202);
      expect((await inbound(tenant, second.secret)).status).toBe(202);
    });

    it("does not touch another tenant's secrets", async () => {
      const tenant = await backend.createTenant();
      const other = await backend.createTenant();
      const rotated = await rotate(tenant);
      expect((await inbound(other, rotated.secret)).status).toBe(401);
      expect((await inbound(other, other.webhookSecret)).status).toBe(202);
    });
  });
});
