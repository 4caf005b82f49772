// Delivery of an agent message sent through Baton (SPEC §2.2, §7): the message row commits with its
// takeover as `pending` and arms its deliver job; the connector gets the message id as idempotency
// key after commit; the acknowledgement marks it `delivered` once, or the last failure `failed`.
import { asConnectorChoice, type Connector } from '../../connectors/connector.js';
import { MessageEntity } from '../../db/entities/conversation.entities.js';
import { deliveryHandoverAt, deliveryJobLockLifetimeMs, deliveryJobRetryDelayMs, nextDeliveryDelayMs, type DeliveryPolicy } from '../../domain/delivery-policy.js';
import { armMessageDelivery, cancelMessageDelivery, type MessageDeliverPayload } from './replies.jobs.js';
import type { JobHandling, Scheduler } from '../../jobs/scheduler.js';
import { createOutboundDelivery, loadOutboundAddressing, type DeliveryTarget } from './outbound-delivery.js';
import { withTransaction, type Infrastructure, type UnitOfWork } from '../../platform/unit-of-work.js';

export function createMessageDelivery(infra: Infrastructure, jobs: Scheduler, connector: Connector, policy: DeliveryPolicy) {
  /** The tenant's connectors when `connector` is the registry; else that one connector for every message. */
  const connectors = asConnectorChoice(connector);
  async function armJob(uow: UnitOfWork, tenantId: string, messageId: string, at: Date): Promise<void> {
    const job = await armMessageDelivery(jobs, uow.manager, at, { tenantId, messageId });
    uow.announce(job);
  }

  /** `pending → failed`, on the timeline with the error. `keepJob`: the deliver job is the caller. */
  async function markFailed(tenantId: string, messageId: string, error: string, keepJob: boolean): Promise<void> {
    await withTransaction(infra, tenantId, async (uow) => {
      const message = await uow.manager.getRepository(MessageEntity).findOneBy({ id: messageId, tenantId });
      const result = await uow.manager.getRepository(MessageEntity).update({ id: messageId, tenantId, deliveryStatus: 'pending' }, { deliveryStatus: 'failed' });
      if (!message || !result.affected) return;
      if (!keepJob) await cancelMessageDelivery(jobs, uow.manager, messageId);
      await uow.record({ type: 'message.delivery_failed', actor: 'system', conversationId: message.conversationId, after: { messageId, author: message.author, agentId: message.agentId, channel: message.channel, error } });
    });
  }

  const target: DeliveryTarget = {
    kind: 'agent message',
    async load(tenantId, messageId) {
      const message = await infra.db.getRepository(MessageEntity).findOneBy({ id: messageId, tenantId });
      if (message?.deliveryStatus !== 'pending' || message.author !== 'agent') return null;
      const { conversationId, channel, body, agentId } = message;
      const addressing = await loadOutboundAddressing(infra.db.manager, tenantId, conversationId);
      return { tenantId, conversationId, channel, body, author: 'agent', agentId, idempotencyKey: message.id, ...addressing };
    },
    async acknowledge(tenantId, messageId, { removeJob }) {
      // `message.sent` went to the timeline with the message itself; this only settles its delivery.
      await withTransaction(infra, tenantId, async (uow) => {
        const result = await uow.manager.getRepository(MessageEntity).update({ id: messageId, tenantId, deliveryStatus: 'pending' }, { deliveryStatus: 'delivered' });
        if (result.affected && removeJob) await cancelMessageDelivery(jobs, uow.manager, messageId);
      });
    },
    async recordFailure(tenantId, messageId, error, { moveJob }) {
      // Attempts are the deliver job's own count; only the first failure, right after the commit, moves the job.
      if (!moveJob) return 'retry';
      const delayMs = nextDeliveryDelayMs(policy, 1);
      if (delayMs === null) {
        await markFailed(tenantId, messageId, error, false);
        return 'failed';
      }
      await withTransaction(infra, tenantId, (uow) => armJob(uow, tenantId, messageId, new Date(uow.now.getTime() + delayMs)));
      return 'retry';
    },
  };
  const delivery = createOutboundDelivery(connectors, infra.log, target);

  return {
    /** In the message's transaction: the deliver job, first due once the attempt made right after the commit must have ended. */
    async armDeliveryJob(uow: UnitOfWork, tenantId: string, messageId: string): Promise<void> {
      // The message row was inserted in this transaction: its conversation and channel pick the connector.
      const message = await uow.manager.getRepository(MessageEntity).findOneByOrFail({ id: messageId, tenantId });
      const timeoutMs = await connectors.timeoutMsFor(uow.manager, tenantId, message.conversationId, message.channel);
      await armJob(uow, tenantId, messageId, deliveryHandoverAt(timeoutMs, uow.now));
    },
    /** After the message committed: delivers at once in this process (never throws). */
    deliverNow: (tenantId: string, messageId: string) => delivery.deliverNow(tenantId, messageId),
    /** The `message.deliver` job's definition but its name and schema (bound in server.ts). */
    job: {
      handle: (payload: MessageDeliverPayload) => delivery.deliverByJob(payload.tenantId, payload.messageId),
      retryDelayMs: (jobFailures: number) => deliveryJobRetryDelayMs(policy, jobFailures),
      lockLifetimeMs: deliveryJobLockLifetimeMs(connectors.maxTimeoutMs),
      onRetriesExhausted: (payload: MessageDeliverPayload, error: string) => markFailed(payload.tenantId, payload.messageId, error, true),
    } satisfies JobHandling<MessageDeliverPayload>,
  };
}
