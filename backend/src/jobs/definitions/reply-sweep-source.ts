// The sweep's view of scheduled replies: a pending reply must always have a send job.
import { ScheduledReplyEntity } from '../../db/entities/conversation.entities.js';
import type { Infrastructure } from '../../services/unit-of-work.js';
import type { SweepSource } from '../sweep.js';
import { REPLY_SEND_JOB, refs } from './job-names.js';

export function pendingRepliesSweepSource(infra: Infrastructure): SweepSource {
  return {
    name: 'pending scheduled replies',
    async findNeeds(limit) {
      const pending = await infra.db.getRepository(ScheduledReplyEntity).find({ where: { status: 'pending' }, order: { dueAt: 'ASC' }, take: limit });
      return pending.map((reply) => ({
        ref: refs.reply(reply.id),
        name: REPLY_SEND_JOB,
        runAt: reply.dueAt,
        payload: { dueAt: reply.dueAt.toISOString(), tenantId: reply.tenantId, replyId: reply.id },
      }));
    },
  };
}
