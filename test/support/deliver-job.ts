// A job like the real send job of the next issue: deliver a pending scheduled reply exactly once,
// guarded by the reply's status. Used by the job-engine tests in-process and in worker processes.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ScheduledReplyEntity, MessageEntity } from '../../backend/src/db/entities/conversation.entities.js';
import { applyGuardedEffect } from '../../backend/src/jobs/guarded-effect.js';
import type { JobEngine } from '../../backend/src/jobs/job-engine.js';
import type { Infrastructure } from '../../backend/src/platform/unit-of-work.js';

export const DELIVER_JOB = 'test.deliver';
export const TENANT_ID = '00000000-0000-4000-8000-000000000001';

export const ZDeliverPayload = z.object({ dueAt: z.string(), ref: z.string(), replyId: z.uuid() });
export type DeliverPayload = z.infer<typeof ZDeliverPayload>;

export interface DeliverJobOptions {
  /** Called when a run starts (before the guard), to count restarts. */
  onStart?(replyId: string): void;
  /** Simulated delivery time. */
  workMs?: number;
  /** Throws on the first N attempts of every reply (to exercise retries). */
  failFirstAttempts?: number;
  /** Replies whose delivery never finishes (to exercise the lock lifetime). */
  hangReplyIds?: Set<string>;
  lockLifetimeMs?: number;
  retryDelayMs?: (attempt: number) => number | null;
}

export function defineDeliverJob(engine: JobEngine, infra: Infrastructure, options: DeliverJobOptions = {}): void {
  const attempts = new Map<string, number>();
  engine.define<DeliverPayload>({
    name: DELIVER_JOB,
    schema: ZDeliverPayload,
    lockLifetimeMs: options.lockLifetimeMs,
    retryDelayMs: options.retryDelayMs,
    async handle(payload) {
      options.onStart?.(payload.replyId);
      const attempt = (attempts.get(payload.replyId) ?? 0) + 1;
      attempts.set(payload.replyId, attempt);
      if (options.hangReplyIds?.has(payload.replyId)) await new Promise(() => undefined);
      if (attempt <= (options.failFirstAttempts ?? 0)) throw new Error(`gateway unavailable (attempt ${attempt})`);
      await applyGuardedEffect(infra, { entity: ScheduledReplyEntity, id: payload.replyId, tenantId: TENANT_ID, from: 'pending', to: 'sent' }, async (uow) => {
        if (options.workMs) await new Promise((resolve) => setTimeout(resolve, options.workMs));
        // The effect: the outbound message (not unique on purpose, so a double delivery would show).
        await uow.manager.getRepository(MessageEntity).insert({
          id: randomUUID(),
          tenantId: TENANT_ID,
          conversationId: payload.replyId,
          author: 'ai',
          agentId: null,
          channel: 'sms',
          body: `reply ${payload.replyId}`,
          externalMessageId: null,
          deliveryStatus: 'delivered',
          createdAt: uow.now,
        });
      });
    },
  });
}

/** Creates `count` pending replies, each with its send job in the same transaction. */
export async function schedulePendingReplies(engine: JobEngine, infra: Infrastructure, dueTimes: Date[]): Promise<string[]> {
  const ids: string[] = [];
  for (const dueAt of dueTimes) {
    const replyId = randomUUID();
    ids.push(replyId);
    await infra.db.transaction(async (manager) => {
      await manager.getRepository(ScheduledReplyEntity).insert({
        id: replyId,
        tenantId: TENANT_ID,
        conversationId: replyId,
        inReplyToMessageId: randomUUID(),
        channel: 'sms',
        body: 'hello',
        status: 'pending',
        dueAt,
        endReason: null,
        editedByAgentId: null,
        sentMessageId: null,
        attempts: 0,
        lastError: null,
        createdAt: new Date(),
        updatedAt: new Date(),
      });
      await engine.scheduleInTransaction(manager, DELIVER_JOB, dueAt, { dueAt: dueAt.toISOString(), ref: `scheduled_reply:${replyId}`, replyId });
    });
  }
  return ids;
}

/** How many times each reply was delivered (a message per delivery). */
export async function deliveriesByReply(infra: Infrastructure): Promise<Map<string, number>> {
  const rows: { conversation_id: string; deliveries: number | string }[] = await infra.db.query(
    'SELECT conversation_id, COUNT(*) AS deliveries FROM messages GROUP BY conversation_id',
  );
  return new Map(rows.map((row) => [row.conversation_id, Number(row.deliveries)]));
}
