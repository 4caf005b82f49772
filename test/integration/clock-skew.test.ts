// Times from one clock (issue 11, item 4): two backend processes on one MariaDB + Redis whose OS clocks
// differ by 5 s (BATON_CLOCK_OFFSET_MS) still keep the safety rail, because Baton's clock is the database's.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataSource } from '../../backend/src/db/data-source.js';
import { ScheduledReplyEntity, type ScheduledReplyRow } from '../../backend/src/db/entities/conversation.entities.js';
import { databaseTimeReader } from '../../backend/src/db-clock.js';
import { REPLY_SEND_JOB } from '../../backend/src/features/replies/replies.jobs.js';
import type { CreatedTenant } from '../../backend/src/features/admin/tenants.service.js';
import { startTestBackend, type TestBackend } from '../support/in-process-server.js';
import { createTestDatabase, REDIS_URL, type TestDatabase } from '../support/services.js';
import { updateSettings } from '../support/settings.js';
import { postSignedWebhook } from '../support/signed-webhook.js';
import { spawnBackend, type SpawnedBackend } from '../support/spawned-backend.js';
import { createTestClient } from '../support/trpc-client.js';
import { waitFor } from '../e2e/support/wait.js';
import { storedTimeline } from './stored-timeline.js';

/** Process B's OS clock runs this far behind process A's: A's customer messages look 5 s newer than B's agent replies. */
const SKEW_MS = 5000;
/** The cadence delay: long enough for the agent to answer first, with B's clock 5 s behind. */
const DELAY_SECONDS = 10;

let database: TestDatabase;
let setup: TestBackend;
let db: DataSource;
let customerSide: SpawnedBackend;
let agentSide: SpawnedBackend;
let agentSideEnv: Record<string, string>;
let acme: CreatedTenant;
let samKey: string;

beforeAll(async () => {
  database = await createTestDatabase('clockskew');
  // The tenant is created by a backend that then stops, so only the two skewed processes run jobs.
  setup = await startTestBackend('clockskew', { dialect: 'mysql', redis: true, database });
  acme = await setup.createTenant('acme');
  const admin = createTestClient(setup.server.url, acme.apiKey);
  const sam = await admin.agents.create.mutate({ email: 'sam@acme.test', name: 'Sam' });
  samKey = (await admin.apiKeys.create.mutate({ name: 'sam', role: 'agent', agentId: sam.id })).key;
  await updateSettings(admin, { replyCadence: { enabled: true, minDelaySeconds: DELAY_SECONDS, maxDelaySeconds: DELAY_SECONDS } });
  await setup.server.close(500);

  const env = { DATABASE_URL: database.url, REDIS_URL, BATON_DATA_DIR: setup.dataDir };
  agentSideEnv = { ...env, BATON_CLOCK_OFFSET_MS: String(-SKEW_MS) };
  [customerSide, agentSide] = await Promise.all([spawnBackend({ ...env, BATON_CLOCK_OFFSET_MS: '0' }), spawnBackend(agentSideEnv)]);
  db = createDataSource({ databaseUrl: database.url, sqlitePath: ':memory:', poolSize: 2 });
  await db.initialize();
}, 90_000);

afterAll(async () => {
  await Promise.all([customerSide?.stop(), agentSide?.stop()]);
  await db?.destroy();
  await setup?.stop();
  await database?.drop();
});

/** A customer email arrives through process A's signed webhook. */
async function customerWrites(): Promise<{ conversationId: string; messageId: string }> {
  const response = await postSignedWebhook(customerSide.url, '/webhooks/inbound', acme.webhookSecret, {
    tenant: 'acme', connector: 'mail', externalConversationId: `skew-${randomUUID()}`, externalMessageId: randomUUID(), lead: { email: 'cus@example.test' }, channel: 'email', body: 'What are your opening hours?',
  });
  expect(response.status).toBe(202);
  return response.body as { conversationId: string; messageId: string };
}

const repliesTo = (messageId: string) => db.getRepository(ScheduledReplyEntity).findBy({ inReplyToMessageId: messageId });
const aiMessages = async (conversationId: string) => (await storedTimeline(db, conversationId)).messages.filter((message) => message.author === 'ai');
const settled = (replies: ScheduledReplyRow[]) => replies.length === 1 && !['pending', 'sending'].includes(replies[0]!.status);
/** The processes (host:pid) whose job engines last ran this reply's send job(s). */
async function sendJobRunners(replyId: string): Promise<(string | null)[]> {
  const rows: { runner: string | null }[] = await db.query('SELECT last_modified_by AS runner FROM jobs WHERE name = ? AND data LIKE ?', [REPLY_SEND_JOB, `%${replyId}%`]);
  return rows.map((row) => row.runner);
}

describe('two processes whose clocks differ by 5 s', () => {
  it("each process's clock reads the database's time: B measures +5 s (on /metrics)", async () => {
    const offsetOf = async (backend: SpawnedBackend) => {
      const text = await (await fetch(`${backend.url}/metrics`)).text();
      return Number(/^baton_clock_offset_seconds (\S+)$/m.exec(text)?.[1]);
    };
    expect(Math.abs((await offsetOf(customerSide)) - 0)).toBeLessThan(0.25);
    expect(Math.abs((await offsetOf(agentSide)) - SKEW_MS / 1000)).toBeLessThan(0.25);
  });

  it('control: without an agent reply, the held AI reply is sent', async () => {
    const { conversationId, messageId } = await customerWrites();
    const [ended] = await waitFor(() => repliesTo(messageId), settled, 'the held reply to go out', { timeoutMs: (DELAY_SECONDS + 15) * 1000 });
    expect(ended).toMatchObject({ status: 'sent' });
    expect((await aiMessages(conversationId)).map((message) => message.body)).toEqual(['We are open Monday to Friday, 9 AM to 5 PM. How else can I help?']);
  }, 60_000);

  // Each round leaves one process running, so its job engine is the one that runs the send job.
  it.each([
    ['A, 5 s ahead of B', 'agent'],
    ['B, 5 s behind A', 'customer'],
  ] as const)('an agent who answers on B before the AI reply is due cancels it when the send job runs on %s', async (_runner, stopSide) => {
    if (agentSide.process.exitCode !== null) agentSide = await spawnBackend(agentSideEnv);
    const { conversationId, messageId } = await customerWrites();
    const [held] = await waitFor(() => repliesTo(messageId), (replies) => replies.length === 1, 'the AI reply to be drafted and held', { timeoutMs: 15_000 });
    expect(held!.status).toBe('pending');
    // The agent answers in the helpdesk by email (no takeover for email): only the safety rail stops the AI.
    await createTestClient(agentSide.url, samKey).messages.recordAgentReply.mutate({ conversationId, channel: 'email', body: 'Answered by hand', externalMessageId: `hd-${randomUUID()}` });
    const runner = stopSide === 'agent' ? customerSide : agentSide;
    await (stopSide === 'agent' ? agentSide : customerSide).stop();

    const [ended] = await waitFor(() => repliesTo(messageId), settled, 'the held reply to be checked at send time', { timeoutMs: (DELAY_SECONDS + 15) * 1000 });
    expect(await sendJobRunners(held!.id)).toEqual([`${os.hostname()}:${runner.process.pid}`]);
    expect(await aiMessages(conversationId)).toEqual([]);
    expect(ended).toMatchObject({ status: 'cancelled', endReason: 'human_replied' });
  }, 60_000);
});

describe('the MariaDB time reading', () => {
  it('does not depend on the session time zone', async () => {
    const single = createDataSource({ databaseUrl: database.url, sqlitePath: ':memory:', poolSize: 1 });
    await single.initialize();
    try {
      await single.query("SET time_zone = '+05:00'");
      const before = Date.now();
      const databaseMs = await databaseTimeReader(single)();
      expect(databaseMs).toBeGreaterThan(before - 1000);
      expect(databaseMs).toBeLessThan(Date.now() + 1000);
    } finally {
      await single.destroy();
    }
  });
});
