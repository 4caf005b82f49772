// `npm start`'s embedded default: SQLite under the data folder, in-process bus, a demo tenant seeded
// on first start with credentials printed once, and nothing re-seeded on the next start.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectEvents } from '../support/event-collector.js';
import { spawnBackend } from '../support/spawned-backend.js';
import { createTestClient } from '../support/trpc-client.js';
import { postSignedWebhook } from '../support/signed-webhook.js';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-embedded-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('the embedded default (no DATABASE_URL, no REDIS_URL)', () => {
  it('seeds the demo tenant once, prints its secrets once, and serves the API with them', async () => {
    const first = await spawnBackend({ BATON_DATA_DIR: dataDir });
    let apiKey: string;
    let devToken: string;
    try {
      const output = first.output();
      expect(output).toContain('First start: created the demo tenant');
      expect(output).toContain(`Database: SQLite in ${dataDir}; event bus: in-process.`);
      expect(output).toMatch(/Load unpacked" and pick .*dist\/extension\/chrome-mv3/);
      apiKey = /integration API key \(no agent; for webhooks\/integrations\):\s+(bk_\S+)/.exec(output)![1]!;
      const extensionKey = /extension API key \(acts as Demo Admin\):\s+(bk_\S+)/.exec(output)![1]!;
      expect(output).toContain(`Demo inbox: ${first.url}/demo/demo`);
      devToken = /admin dev token:\s+(\S+)/.exec(output)![1]!;
      expect(/webhook secret:\s+(whsec_[0-9a-f]{64})/.test(output)).toBe(true);
      expect(fs.existsSync(path.join(dataDir, 'baton.sqlite'))).toBe(true);

      const health = await (await fetch(`${first.url}/healthz`)).json();
      expect(health).toEqual({ status: 'ok', db: 'ok', redis: 'in-process', jobs: 'ok' });
      const admin = createTestClient(first.url, apiKey);
      expect(await admin.auth.me.query()).toMatchObject({ tenant: { slug: 'demo' }, role: 'admin', agentId: null });
      // The key a newcomer pastes into the extension acts as the admin agent (it can take over for itself).
      expect(await createTestClient(first.url, extensionKey).auth.me.query()).toMatchObject({ tenant: { slug: 'demo' }, role: 'admin', via: 'api_key', displayName: 'Demo Admin' });
      expect((await fetch(`${first.url}/demo/demo`)).status).toBe(200);
      expect(await createTestClient(first.url, devToken).auth.me.query()).toMatchObject({ displayName: 'Demo Admin', via: 'dev_token' });

      // The in-process bus streams events too.
      const collector = collectEvents(admin, { lastEventId: await admin.events.latestId.query() });
      await collector.started;
      await admin.teams.create.mutate({ name: 'Night shift' });
      await collector.waitFor((events) => events.some((event) => event.after?.name === 'Night shift'));
      collector.stop();

      // The whole conversation flow on SQLite: a signed customer message, the AI's answer, a takeover.
      const webhookSecret = /webhook secret:\s+(whsec_[0-9a-f]{64})/.exec(output)![1]!;
      const inbound = await postSignedWebhook(first.url, '/webhooks/inbound', webhookSecret, { tenant: 'demo', connector: 'demo-inbox', externalConversationId: 'ticket-1', externalMessageId: 'm-1', channel: 'sms', body: 'What are your hours?', lead: { name: 'Casey', phone: '+15550199' } });
      expect(inbound.status).toBe(202);
      const agent = createTestClient(first.url, devToken);
      const view = await agent.conversations.byExternalRef.query({ connector: 'demo-inbox', externalId: 'ticket-1' });
      const deadline = Date.now() + 10_000;
      // The drawer's messages, newest first, by who wrote them.
      const messages = async () => (await agent.conversations.timeline.query({ id: view.id })).entries.filter((entry) => entry.kind === 'message');
      let authors = (await messages()).map((entry) => entry.actor.kind);
      while (authors.length < 2 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        authors = (await messages()).map((entry) => entry.actor.kind);
      }
      expect(authors).toEqual(['ai', 'customer']);
      expect((await agent.conversations.takeOver.mutate({ id: view.id })).takeover).toMatchObject({ holder: { name: 'Demo Admin' } });
    } finally {
      expect(await first.stop()).toBe(0);
    }

    const second = await spawnBackend({ BATON_DATA_DIR: dataDir });
    try {
      expect(second.output()).not.toContain('First start');
      expect(second.output()).toContain(`Demo inbox: ${second.url}/demo/demo`);
      expect(second.output()).not.toContain(apiKey);
      const teams = await createTestClient(second.url, apiKey).teams.list.query();
      expect(teams.map((team) => team.name)).toEqual(['Night shift', 'Support']);
    } finally {
      await second.stop();
    }
  }, 120_000); // two cold starts of the backend: ~10 s idle, far more on a loaded 2-core machine
});
