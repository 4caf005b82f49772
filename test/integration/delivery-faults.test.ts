// Delivery after commit under faults (issue 11 item 2), MariaDB + Redis, the webhook connector
// posting to a local receiver that records idempotency keys: a backend SIGKILLed between delivery
// and acknowledgement, an acknowledgement whose commit fails, and a takeover while a reply is leaving.
// Each ends with one message at the receiver and one in Baton.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScheduledReplyEntity } from '../../backend/src/db/entities/conversation.entities.js';
import type { CreatedTenant } from '../../backend/src/features/admin/tenants.service.js';
import { startDeliveryReceiver, type DeliveryReceiver, type DeliveryVerdict } from '../support/delivery-receiver.js';
import { startTestBackend, type TestBackend } from '../support/in-process-server.js';
import { REDIS_URL } from '../support/services.js';
import { updateSettings } from '../support/settings.js';
import { customerWrites, startBackendDeliveringTo } from '../support/backend-delivering-to.js';
import { spawnBackend, type SpawnedBackend } from '../support/spawned-backend.js';
import type { TestClient } from '../support/trpc-client.js';
import { waitFor } from '../e2e/support/wait.js';
import { storedTimeline } from './stored-timeline.js';

/** What Baton recorded of one reply: its row, its outbound message rows, its `message.sent` and `reply.sent` events. */
async function bookkeeping(backend: TestBackend, replyId: string, conversationId: string) {
  // The reply first: whatever it says, the rows read after it were committed with it or later.
  const reply = await backend.server.db.getRepository(ScheduledReplyEntity).findOneByOrFail({ id: replyId });
  const { events, messages } = await storedTimeline(backend.server.db, conversationId);
  const rows = Number((await backend.server.db.query('SELECT COUNT(*) AS n FROM messages WHERE external_message_id = ?', [`outbox:${replyId}`]))[0].n);
  return {
    reply,
    outboundRows: rows,
    aiMessages: messages.filter((message) => message.author === 'ai').map((message) => message.body),
    messageSent: events.filter((event) => event.type === 'message.sent' && event.after?.replyId === replyId).length,
    replySent: events.filter((event) => event.type === 'reply.sent').length,
    types: events.map((event) => event.type),
  };
}

describe('a backend SIGKILLed after delivering, before acknowledging', () => {
  let setup: TestBackend;
  let receiver: DeliveryReceiver;
  const processes: SpawnedBackend[] = [];
  afterAll(async () => {
    await Promise.all(processes.filter((child) => child.process.exitCode === null && child.process.signalCode === null).map((child) => child.stop('SIGKILL')));
    await setup?.stop();
    await receiver?.close();
  });

  it('is delivered again by another process with the same idempotency key: one message at the receiver, one in Baton, the reply sent', async () => {
    let victim: SpawnedBackend | null = null;
    // On the first delivery of a key the sender dies before the receiver answers (the receiver keeps the message).
    receiver = await startDeliveryReceiver(async (_delivery, firstTime) => {
      if (!firstTime || !victim) return 'answer';
      const exited = new Promise((resolve) => victim!.process.once('exit', resolve));
      victim.process.kill('SIGKILL');
      await exited;
      return 'drop';
    });
    setup = await startTestBackend('delivery-kill', { dialect: 'mysql', redis: true });
    const acme = await setup.createTenant('acme');
    await setup.server.jobs.stop(); // only the spawned backends run jobs here
    const env = {
      DATABASE_URL: setup.database!.url,
      REDIS_URL,
      BATON_DATA_DIR: setup.dataDir,
      BATON_OUTBOUND_WEBHOOK_URL: receiver.url,
      BATON_OUTBOUND_WEBHOOK_SECRET: receiver.secret,
      BATON_OUTBOUND_WEBHOOK_TIMEOUT_MS: '2000',
    };
    victim = await spawnBackend(env);
    processes.push(victim);
    // Cadence is off: the AI answers at once, on the victim.
    const { conversationId } = await customerWrites(victim.url, acme);
    await waitFor(() => victim!.process.signalCode, (signal) => signal === 'SIGKILL', 'the victim to be killed by its first delivery');
    const [first] = receiver.requests;
    const replyId = first!.key;
    const killed = await bookkeeping(setup, replyId, conversationId);
    // Past the cut-off, delivered, not acknowledged: what the crash left.
    expect(killed.reply).toMatchObject({ conversationId, status: 'sending', attempts: 0 });
    expect(killed).toMatchObject({ outboundRows: 0, aiMessages: [], messageSent: 0 });

    const survivor = await spawnBackend(env);
    processes.push(survivor);
    const after = await waitFor(() => bookkeeping(setup, replyId, conversationId), (state) => state.reply.status === 'sent', 'the deliver job on the survivor', { timeoutMs: 30_000 });
    expect(receiver.requests.map((request) => request.key)).toEqual([replyId, replyId]);
    expect(receiver.requests.every((request) => request.signatureValid)).toBe(true);
    expect([...receiver.messages().keys()]).toEqual([replyId]);
    expect(receiver.messages().get(replyId)!.payload).toMatchObject({ id: replyId, conversationId, channel: 'sms', author: 'ai' });
    expect(after.reply).toMatchObject({ status: 'sent', attempts: 1, lastError: null });
    expect(after).toMatchObject({ outboundRows: 1, messageSent: 1, replySent: 1 });
    expect(after.aiMessages).toEqual([receiver.messages().get(replyId)!.payload.body]);
  }, 120_000);
});

describe('in one backend', () => {
  let receiver: DeliveryReceiver;
  let backend: TestBackend;
  let acme: CreatedTenant;
  let sam: TestClient;
  /** While set, the receiver holds each answer until it resolves. */
  let gate: Promise<void> | null = null;

  beforeAll(async () => {
    receiver = await startDeliveryReceiver(async (): Promise<DeliveryVerdict> => {
      await gate;
      return 'answer';
    });
    let admin: TestClient;
    ({ backend, acme, admin, sam } = await startBackendDeliveringTo('delivery-ack', receiver, 5000));
    await updateSettings(admin, { replyCadence: { enabled: true, minDelaySeconds: 600, maxDelaySeconds: 600 } });
  }, 60_000);

  afterAll(async () => {
    await backend?.stop();
    await receiver?.close();
  });

  const pendingReply = (conversationId: string) => waitFor(() => sam.replies.pending.query({ conversationId }), (replies) => replies.length === 1, 'a pending reply').then((replies) => replies[0]!);

  it('an acknowledgement whose commit fails is delivered again with the same key: one message at the receiver, one in Baton', async () => {
    const db = backend.server.db;
    // The fault: the first AI message row Baton inserts raises (a MyISAM row remembers that it fired; it survives the rollback).
    await db.query('CREATE TABLE fault_fired (fired INT NOT NULL) ENGINE=MyISAM');
    await db.query(`CREATE TRIGGER fail_first_ai_message BEFORE INSERT ON messages FOR EACH ROW
      BEGIN
        IF NEW.author = 'ai' AND (SELECT COUNT(*) FROM fault_fired) = 0 THEN
          INSERT INTO fault_fired VALUES (1);
          SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'injected: the acknowledgement cannot commit';
        END IF;
      END`);
    try {
      const { conversationId } = await customerWrites(backend.server.url, acme);
      const reply = await pendingReply(conversationId);
      const answered = await sam.replies.sendNow.mutate({ id: reply.id });
      // Delivered, then the acknowledgement rolled back: still leaving, the failure on the reply.
      expect(answered).toMatchObject({ status: 'sending', attempts: 1 });
      expect(answered.lastError).toMatch(/^delivered, but recording the delivery failed \(.*injected: the acknowledgement cannot commit/);
      expect(receiver.requests.filter((request) => request.key === reply.id)).toHaveLength(1);

      // The deliver job retries after the backoff (2 s), with the same key.
      const after = await waitFor(() => bookkeeping(backend, reply.id, conversationId), (state) => state.reply.status === 'sent', 'the retried delivery');
      expect(Number((await db.query('SELECT COUNT(*) AS n FROM fault_fired'))[0].n)).toBe(1);
      expect(receiver.requests.filter((request) => request.key === reply.id).map((request) => request.signatureValid)).toEqual([true, true]);
      expect(receiver.messages().has(reply.id)).toBe(true);
      expect(after.reply).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
      expect(after).toMatchObject({ outboundRows: 1, messageSent: 1, replySent: 1, aiMessages: [reply.body] });
      expect(after.types).toContain('reply.retry_scheduled');
    } finally {
      await db.query('DROP TRIGGER IF EXISTS fail_first_ai_message');
      await db.query('DROP TABLE IF EXISTS fault_fired');
    }
  }, 60_000);

  it('a takeover while the reply is leaving leaves it: the takeover answers with it in flight, and it is delivered once', async () => {
    const { conversationId } = await customerWrites(backend.server.url, acme);
    const reply = await pendingReply(conversationId);
    let open!: () => void;
    gate = new Promise((resolve) => (open = resolve));
    try {
      const sending = sam.replies.sendNow.mutate({ id: reply.id });
      await waitFor(() => receiver.requests.filter((request) => request.key === reply.id).length, (n) => n === 1, 'the delivery to reach the receiver');
      const view = await sam.conversations.takeOver.mutate({ id: conversationId });
      expect(view.takeover).not.toBeNull();
      expect(view.pendingReply).toBeNull();
      expect(view.replyInFlight).toEqual({ id: reply.id, body: reply.body, channel: 'sms', status: 'sending', attempts: 0, lastError: null });
      open();
      expect(await sending).toMatchObject({ status: 'sent' });
    } finally {
      open?.();
      gate = null;
    }
    // Once sent, the banner says it was already on its way (sent after the takeover).
    expect((await sam.conversations.get.query({ id: conversationId })).replyInFlight).toMatchObject({ id: reply.id, status: 'sent' });
    const { types } = await bookkeeping(backend, reply.id, conversationId);
    expect(types.indexOf('reply.send_now')).toBeLessThan(types.indexOf('takeover.started'));
    expect(types.indexOf('takeover.started')).toBeLessThan(types.indexOf('reply.sent'));
    expect(types).not.toContain('reply.cancelled');
    expect(receiver.requests.filter((request) => request.key === reply.id)).toHaveLength(1);
  }, 60_000);
});
