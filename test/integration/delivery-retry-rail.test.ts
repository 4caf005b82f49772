// Delivery retries of AI replies through a connector outage (issue 14 item 1), MariaDB + Redis, the
// webhook connector posting to a local receiver: a takeover during the outage stops the retries (no AI
// reply on top of a human), and without one the reply goes out once when the connector recovers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScheduledReplyEntity } from '../../backend/src/db/entities/conversation.entities.js';
import { RETRY_STOPPED_BECAUSE } from '../../backend/src/domain/reply-retry.js';
import type { CreatedTenant } from '../../backend/src/features/admin/tenants.service.js';
import { startDeliveryReceiver, type DeliveryReceiver } from '../support/delivery-receiver.js';
import { customerWrites, startBackendDeliveringTo } from '../support/backend-delivering-to.js';
import type { TestBackend } from '../support/in-process-server.js';
import { updateSettings } from '../support/settings.js';
import type { TestClient } from '../support/trpc-client.js';
import { waitFor } from '../e2e/support/wait.js';
import { storedTimeline } from './stored-timeline.js';

describe('an AI reply whose connector is down', () => {
  let receiver: DeliveryReceiver;
  let backend: TestBackend;
  let acme: CreatedTenant;
  let sam: TestClient;
  /** While true the connector's receiver answers 500 (the outage). */
  let outage = false;
  /** Idempotency keys the receiver answered 200: what reached the customer. */
  const delivered: string[] = [];

  beforeAll(async () => {
    receiver = await startDeliveryReceiver((delivery) => {
      if (outage) return 'fail';
      delivered.push(delivery.key);
      return 'answer';
    });
    let admin: TestClient;
    ({ backend, acme, admin, sam } = await startBackendDeliveringTo('delivery-retry-rail', receiver, 2000));
    // Cadence off: the AI's reply is claimed (cut off) and tried at once, by the default delivery policy.
    await updateSettings(admin, { replyCadence: { enabled: false, minDelaySeconds: 0, maxDelaySeconds: 0 } });
  }, 60_000);

  afterAll(async () => {
    await backend?.stop();
    await receiver?.close();
  });

  /** A customer message; resolves its conversation and the AI reply once its first attempt failed. */
  async function replyFailingOnce(): Promise<{ conversationId: string; replyId: string }> {
    const { conversationId } = await customerWrites(backend.server.url, acme);
    const replies = backend.server.db.getRepository(ScheduledReplyEntity);
    const reply = await waitFor(() => replies.findOneBy({ conversationId }), (row) => row !== null && row.attempts >= 1, 'the first attempt to fail');
    expect(reply).toMatchObject({ status: 'sending', attempts: 1 });
    return { conversationId, replyId: reply!.id };
  }

  const armedDeliverJobs = async (replyId: string) =>
    Number((await backend.server.db.query('SELECT COUNT(*) AS n FROM jobs WHERE ref_key = ? AND (next_run_at IS NOT NULL OR locked_at IS NOT NULL)', [`reply_delivery:${replyId}`]))[0].n);

  it('taken over after its first attempt failed: the next retry does not deliver it, it ends failed with the reason on the banner', async () => {
    outage = true;
    const { conversationId, replyId } = await replyFailingOnce();
    await sam.conversations.takeOver.mutate({ id: conversationId });
    // The connector is back before the retry (2 s after the failure): only the re-check can hold the reply back.
    outage = false;
    const reply = await waitFor(() => backend.server.db.getRepository(ScheduledReplyEntity).findOneByOrFail({ id: replyId }), (row) => row.status !== 'sending', 'the retry', { timeoutMs: 30_000 });
    expect(reply).toMatchObject({ status: 'failed', attempts: 1, endReason: RETRY_STOPPED_BECAUSE.taken_over, lastError: RETRY_STOPPED_BECAUSE.taken_over });
    expect(delivered.filter((key) => key === replyId)).toEqual([]);
    expect(receiver.requests.filter((request) => request.key === replyId)).toHaveLength(1);

    const view = await sam.conversations.get.query({ id: conversationId });
    expect(view.failedReply).toMatchObject({ id: replyId, error: 'The connector could not be reached, and the conversation was taken over since: retries stopped', attempts: 1 });
    const { events, messages } = await storedTimeline(backend.server.db, conversationId);
    expect(messages.filter((message) => message.author === 'ai')).toEqual([]);
    const failed = events.filter((event) => event.type === 'reply.failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.after).toMatchObject({ replyId, status: 'failed', endReason: RETRY_STOPPED_BECAUSE.taken_over, attempts: 1 });
    expect(String(failed[0]!.after?.deliveryError)).toMatch(/500/);
    expect(events.map((event) => event.type)).not.toContain('message.sent');
    expect(await armedDeliverJobs(replyId)).toBe(0);
  }, 60_000);

  it('nobody intervenes and the connector recovers after ~20 s: delivered once, by a later retry', async () => {
    outage = true;
    const started = Date.now();
    const { conversationId, replyId } = await replyFailingOnce();
    const recovery = setTimeout(() => (outage = false), 20_000 - (Date.now() - started));
    try {
      const reply = await waitFor(() => backend.server.db.getRepository(ScheduledReplyEntity).findOneByOrFail({ id: replyId }), (row) => row.status !== 'sending', 'the delivery after the outage', { timeoutMs: 60_000, intervalMs: 250 });
      // Attempts at about 0, 2, 6, 14 s fail; the one at about 30 s goes out.
      expect(reply).toMatchObject({ status: 'sent', lastError: null });
      expect(reply.attempts).toBeGreaterThanOrEqual(4);
    } finally {
      clearTimeout(recovery);
      outage = false;
    }
    expect(delivered.filter((key) => key === replyId)).toEqual([replyId]);
    const { events, messages } = await storedTimeline(backend.server.db, conversationId);
    expect(messages.filter((message) => message.author === 'ai')).toHaveLength(1);
    expect(events.filter((event) => event.type === 'reply.sent')).toHaveLength(1);
    expect(events.filter((event) => event.type === 'reply.retry_scheduled').length).toBeGreaterThanOrEqual(3);
    expect(await armedDeliverJobs(replyId)).toBe(0);
  }, 90_000);
});
