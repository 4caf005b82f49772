// A connector configured with a wrong password, against a server that echoes it in its refusal (issue
// 14 item 5): the reply's stored error, the timeline, the connector status and the logs never hold it.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScheduledReplyEntity } from '../../backend/src/db/entities/conversation.entities.js';
import type { CreatedTenant } from '../../backend/src/features/admin/tenants.service.js';
import { startTestBackend, type TestBackend } from '../support/in-process-server.js';
import { updateSettings } from '../support/settings.js';
import { postSignedWebhook } from '../support/signed-webhook.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { createTestClient } from '../support/trpc-client.js';
import { waitFor } from '../e2e/support/wait.js';

const WRONG_PASSWORD = `wrong-${randomUUID()}`;

let backend: TestBackend;
let smtp: SmtpSink;
let acme: CreatedTenant;

beforeAll(async () => {
  smtp = await startSmtpSink({ auth: { username: 'baton', password: 'the-right-one' }, loginRefusal: (password) => `Authentication failed for baton with password ${password}` });
  backend = await startTestBackend('connector-secrets', { dialect: 'mysql' });
  acme = await backend.createTenant();
});

afterAll(async () => {
  await backend?.stop();
  await smtp?.close();
});

describe('an SMTP connector with a wrong password', () => {
  it('fails the delivery with the server’s words, the password replaced by [redacted] wherever the failure shows', async () => {
    const admin = createTestClient(backend.server.url, acme.apiKey);
    await updateSettings(admin, {
      replyCadence: { enabled: false, minDelaySeconds: 0, maxDelaySeconds: 0 },
      connectors: { smtp: { host: smtp.host, port: smtp.port, secure: false, username: 'baton', password: WRONG_PASSWORD, from: 'support@acme.test' } },
    });
    const inbound = await postSignedWebhook(backend.server.url, '/webhooks/inbound', acme.webhookSecret, {
      tenant: acme.tenant.slug, connector: 'mailbox', externalConversationId: `thread-${randomUUID()}`, externalMessageId: `<${randomUUID()}@customer.test>`,
      lead: { name: 'Ada', email: 'ada@customer.test' }, channel: 'email', body: 'What are your opening hours?',
    });
    expect(inbound.status).toBe(202);
    const conversationId = String(inbound.body.conversationId);

    const replies = backend.server.db.getRepository(ScheduledReplyEntity);
    const reply = await waitFor(() => replies.findOneBy({ conversationId }), (row) => row?.lastError != null, 'a failed delivery attempt', { timeoutMs: 20_000 });
    expect(reply!.lastError).toContain(`refused the login: 535 Authentication failed for baton with password [redacted]`);
    expect(smtp.messages).toEqual([]);

    const seenByAgents = JSON.stringify([
      await replies.findBy({ tenantId: acme.tenant.id }),
      await admin.conversations.timeline.query({ id: conversationId }),
      await admin.settings.connectorStatus.query(),
      await admin.settings.get.query(),
    ]);
    expect(seenByAgents).not.toContain(WRONG_PASSWORD);
  });
});
