// The issue-10 API on the embedded default database (SQLite): the same queries, joins, cursors and
// conditional writes as on MariaDB (popup-options-api.test.ts covers them in depth there).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedTenant } from '../../backend/src/features/admin/tenants.service.js';
import { draftJobDone } from '../support/draft-job.js';
import { startTestBackend, type TestBackend } from '../support/in-process-server.js';
import { updateSettings } from '../support/settings.js';
import { postSignedWebhook } from '../support/signed-webhook.js';
import { createTestClient, expectTrpcError, type TestClient } from '../support/trpc-client.js';

let backend: TestBackend;
let acme: CreatedTenant;
let admin: TestClient;
let dana: { id: string; client: TestClient };

beforeAll(async () => {
  backend = await startTestBackend('popup-sqlite', { dialect: 'sqlite' });
  acme = await backend.createTenant('acme');
  admin = createTestClient(backend.server.url, acme.apiKey);
  const created = await admin.agents.create.mutate({ email: 'dana@acme.test', name: 'Dana Smith' });
  await admin.teams.addMember.mutate({ teamId: acme.team.id, agentId: created.id });
  const { key } = await admin.apiKeys.create.mutate({ name: 'Dana', role: 'agent', agentId: created.id });
  dana = { id: created.id, client: createTestClient(backend.server.url, key) };
  await updateSettings(admin, { replyCadence: { enabled: false, minDelaySeconds: 0, maxDelaySeconds: 0 } });
}, 60_000);

afterAll(() => backend?.stop());

async function newConversation(index: number) {
  const result = await postSignedWebhook(backend.server.url, '/webhooks/inbound', acme.webhookSecret, {
    tenant: acme.tenant.slug, connector: 'acme-desk', externalConversationId: `ticket-${randomUUID()}`, externalMessageId: randomUUID(), channel: 'sms', body: 'Hello',
    lead: { phone: `+1555040${String(index).padStart(4, '0')}`, name: `Lead ${index}` },
  });
  expect(result.status).toBe(202);
  await draftJobDone(backend.server.db, result.body.messageId as string);
  return result.body.conversationId as string;
}

describe('issue 10 API on SQLite', () => {
  it('versioned settings, paged lists, open escalations, the first helpdesk URL and notification words', async () => {
    const { version } = await admin.settings.get.query();
    await admin.settings.update.mutate({ expectedVersion: version, releaseWarningMinutes: 20 });
    expect(await expectTrpcError(admin.settings.update.mutate({ expectedVersion: version, releaseWarningMinutes: 30 }))).toMatchObject({ code: 'CONFLICT', field: 'expectedVersion' });
    expect(await admin.settings.get.query()).toMatchObject({ version: version + 1, releaseWarningMinutes: 20 });

    const ids: string[] = [];
    for (let index = 0; index < 3; index += 1) {
      const id = await newConversation(index);
      await dana.client.conversations.takeOver.mutate({ id });
      ids.push(id);
    }
    const first = await dana.client.conversations.list.query({ filter: { heldByMe: true }, limit: 2 });
    const second = await dana.client.conversations.list.query({ filter: { heldByMe: true }, limit: 2, cursor: first.nextCursor });
    expect([...first.items, ...second.items].map((item) => item.id).sort()).toEqual([...ids].sort());
    expect(second.nextCursor).toBeNull();
    expect(first.items[0]).toMatchObject({ leadName: expect.stringMatching(/^Lead /), connector: 'acme-desk', takeover: { holderName: 'Dana Smith' } });

    const url = 'http://127.0.0.1:4555/tickets/7';
    expect(await dana.client.conversations.rememberHelpdeskUrl.mutate({ id: ids[0]!, url })).toEqual({ recorded: true, helpdeskUrl: url });
    expect(await dana.client.conversations.rememberHelpdeskUrl.mutate({ id: ids[0]!, url: `${url}0` })).toEqual({ recorded: false, helpdeskUrl: url });

    const leadId = (await admin.conversations.get.query({ id: ids[0]! })).lead!.id;
    const opened = await admin.escalations.open.mutate({ leadId, teamId: acme.team.id, reason: 'Needs a look', conversationId: ids[0]! });
    expect(opened.outcome).toBe('opened');
    expect(await dana.client.escalations.listOpen.query({ myTeams: true, limit: 10 })).toEqual([
      expect.objectContaining({ leadName: 'Lead 0', teamName: acme.team.name, cycle: 1, helpdeskUrl: url, connector: 'acme-desk' }),
    ]);
    expect((await dana.client.conversations.list.query({ filter: { escalatedForMyTeams: true } })).items.map((item) => item.id)).toEqual([ids[0]]);
    const [notification] = await dana.client.notifications.list.query({ unreadOnly: true, limit: 10 });
    expect(notification).toMatchObject({ conversationId: ids[0], helpdeskUrl: url, title: `Escalation: ${acme.team.name}`, body: 'Lead 0 — Needs a look' });
  });
});
