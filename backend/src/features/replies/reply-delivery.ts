// Delivery of an AI reply past its cut-off (SPEC §3.4, README "point of no return"): the reply's
// deliver job is armed with the cut-off; the connector gets the reply id as idempotency key; the
// acknowledgement moves it `sending → sent` with its message row and `message.sent`, once.
import { randomUUID } from 'node:crypto';
import { asConnectorChoice, type Connector, type OutboundMessage } from '../../connectors/connector.js';
import { MessageEntity, ScheduledReplyEntity, type ScheduledReplyRow } from '../../db/entities/conversation.entities.js';
import { deliveryHandoverAt, deliveryJobLockLifetimeMs, deliveryJobRetryDelayMs, nextDeliveryDelayMs, type DeliveryPolicy } from '../../domain/delivery-policy.js';
import { decideDelivered, decideDeliveryFailed } from '../../domain/scheduled-reply.js';
import { decideDeliveryRetry } from '../../domain/reply-retry.js';
import { armReplyDelivery, cancelReplyDelivery, type ReplyDeliverPayload } from './replies.jobs.js';
import type { JobHandling, Scheduler } from '../../jobs/scheduler.js';
import { createOutboundDelivery, loadOutboundAddressing, outboundRecordId, type DeliveryTarget, type FailureOutcome, type OutboundAddressing } from './outbound-delivery.js';
import { applyReplyDecision } from './reply-effects.js';
import { lockReply } from './replies-store.js';
import { readSafetyRail } from './reply-safety-rail.js';
import { withTransaction, type Infrastructure, type UnitOfWork } from '../../platform/unit-of-work.js';

const authorOf = (reply: ScheduledReplyRow) => (reply.editedByAgentId ? 'agent' : 'ai');

const outboundOf = (reply: ScheduledReplyRow, addressing: OutboundAddressing): OutboundMessage => ({
  tenantId: reply.tenantId,
  conversationId: reply.conversationId,
  channel: reply.channel,
  body: reply.body,
  author: authorOf(reply),
  agentId: reply.editedByAgentId,
  idempotencyKey: reply.id,
  ...addressing,
});

export function createReplyDelivery(infra: Infrastructure, jobs: Scheduler, connector: Connector, policy: DeliveryPolicy) {
  /** The tenant's connectors when `connector` is the registry; else that one connector for every reply. */
  const connectors = asConnectorChoice(connector);
  const replies = () => infra.db.getRepository(ScheduledReplyEntity);

  async function armJob(uow: UnitOfWork, reply: ScheduledReplyRow, at: Date): Promise<void> {
    const job = await armReplyDelivery(jobs, uow.manager, at, { tenantId: reply.tenantId, replyId: reply.id });
    uow.announce(job);
  }

  /** Moves a `sending` reply to `failed` (or records a retry) with the attempt count and the error; the job-run path keeps its own job. */
  async function fail(tenantId: string, replyId: string, error: string, retry: { moveJob: boolean; insideJob: boolean; countAttempt: boolean }): Promise<FailureOutcome> {
    return withTransaction(infra, tenantId, async (uow) => {
      const { reply } = await lockReply(uow, tenantId, replyId);
      if (reply.status !== 'sending') return 'gone';
      const attempts = reply.attempts + (retry.countAttempt ? 1 : 0);
      const delayMs = retry.countAttempt ? nextDeliveryDelayMs(policy, attempts) : null;
      const retryAt = delayMs === null ? null : new Date(uow.now.getTime() + delayMs);
      const decision = decideDeliveryFailed(reply, { error, attempts, retryAt }, uow.now);
      await applyReplyDecision(uow, jobs, reply, decision, { actor: 'system', conflictIsError: true, keepDeliveryJob: retry.insideJob, alsoSet: { attempts, lastError: error } });
      if (retryAt && retry.moveJob) await armJob(uow, reply, retryAt);
      return retryAt ? 'retry' : 'failed';
    });
  }

  /**
   * Before a retry of an AI reply (issue 14): under the conversation's lock — the one a takeover and an
   * agent's message take — re-checks takeover and the safety rail, and ends the reply `failed` with the
   * reason if either says no. True when it ended (nothing is delivered). A takeover committed after
   * this check finds the attempt already on its way, as at the cut-off.
   */
  async function stoppedBeforeRetry(tenantId: string, replyId: string, insideJob: boolean): Promise<boolean> {
    return withTransaction(infra, tenantId, async (uow) => {
      const { reply, conversation } = await lockReply(uow, tenantId, replyId);
      if (reply.status !== 'sending') return true;
      const decision = decideDeliveryRetry(reply, { attempts: reply.attempts, lastError: reply.lastError, rail: await readSafetyRail(uow, reply, conversation) }, uow.now);
      if (!decision.changed) return false;
      // The reason is the banner's error (failedReply.error reads lastError); the connector's error stays on the timeline.
      // Not applied: another attempt ended it meanwhile; nothing to deliver either way.
      await applyReplyDecision(uow, jobs, reply, decision, { actor: 'system', conflictIsError: false, keepDeliveryJob: insideJob, alsoSet: { lastError: decision.next.endReason } });
      return true;
    });
  }

  const target: DeliveryTarget = {
    kind: 'reply',
    async load(tenantId, replyId, { removeJob }) {
      const reply = await replies().findOneBy({ id: replyId, tenantId });
      if (reply?.status !== 'sending') return null;
      if (reply.attempts > 0 && authorOf(reply) === 'ai' && (await stoppedBeforeRetry(tenantId, replyId, !removeJob))) return null;
      return outboundOf(reply, await loadOutboundAddressing(infra.db.manager, tenantId, reply.conversationId));
    },
    async acknowledge(tenantId, replyId, { removeJob, message }) {
      await withTransaction(infra, tenantId, async (uow) => {
        const { reply, conversation } = await lockReply(uow, tenantId, replyId, message.conversationId);
        if (reply.status !== 'sending') return; // another attempt acknowledged it first
        const messageId = randomUUID();
        const author = authorOf(reply);
        await uow.manager.getRepository(MessageEntity).insert({
          id: messageId,
          tenantId,
          conversationId: reply.conversationId,
          author,
          agentId: reply.editedByAgentId,
          channel: reply.channel,
          body: reply.body,
          externalMessageId: outboundRecordId(reply.id),
          deliveryStatus: 'delivered',
          createdAt: uow.now,
        });
        const delivered = { sentMessageId: messageId, attempts: reply.attempts + 1, lastError: null };
        await applyReplyDecision(uow, jobs, reply, decideDelivered(reply, uow.now), { actor: 'system', conflictIsError: true, alsoSet: delivered });
        await uow.record({ type: 'message.sent', actor: 'system', conversationId: reply.conversationId, leadId: conversation.leadId, after: { messageId, replyId: reply.id, author, channel: reply.channel, body: reply.body } });
        if (removeJob) await cancelReplyDelivery(jobs, uow.manager, reply.id);
      });
    },
    recordFailure: (tenantId, replyId, error, { moveJob }) => fail(tenantId, replyId, error, { moveJob, insideJob: !moveJob, countAttempt: true }),
  };
  const delivery = createOutboundDelivery(connectors, infra.log, target);

  return {
    /** In the cut-off's transaction: the deliver job, first due once the attempt made right after the commit must have ended. */
    async armDeliveryJob(uow: UnitOfWork, reply: ScheduledReplyRow): Promise<void> {
      const timeoutMs = await connectors.timeoutMsFor(uow.manager, reply.tenantId, reply.conversationId, reply.channel);
      await armJob(uow, reply, deliveryHandoverAt(timeoutMs, uow.now));
    },
    /** After the cut-off committed: delivers at once in this process (never throws). */
    deliverNow: (tenantId: string, replyId: string) => delivery.deliverNow(tenantId, replyId),
    /** The `reply.deliver` job's definition but its name and schema (bound in server.ts). */
    job: {
      handle: (payload: ReplyDeliverPayload) => delivery.deliverByJob(payload.tenantId, payload.replyId),
      retryDelayMs: (jobFailures: number) => deliveryJobRetryDelayMs(policy, jobFailures),
      lockLifetimeMs: deliveryJobLockLifetimeMs(connectors.maxTimeoutMs),
      /** The engine gave up before the reply's own count did (failures it could not record): `failed`, with the error. */
      async onRetriesExhausted(payload: ReplyDeliverPayload, error: string): Promise<void> {
        await fail(payload.tenantId, payload.replyId, error, { moveJob: false, insideJob: true, countAttempt: false });
      },
    } satisfies JobHandling<ReplyDeliverPayload>,
  };
}

export type ReplyDelivery = ReturnType<typeof createReplyDelivery>;
