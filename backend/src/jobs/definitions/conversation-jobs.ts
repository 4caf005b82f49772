// Registers the conversation jobs' handlers on the engine (names and payloads: ./job-names.ts).
import type { Services } from '../../services/index.js';
import type { JobEngine } from '../job-engine.js';
import {
  AI_DRAFT_JOB,
  AUTO_RELEASE_JOB,
  MESSAGE_DELIVER_JOB,
  REPLY_DELIVER_JOB,
  REPLY_SEND_JOB,
  ZAiDraftPayload,
  ZAutoReleasePayload,
  ZMessageDeliverPayload,
  ZReplyDeliverPayload,
  ZReplySendPayload,
} from './job-names.js';

/** A draft is retried after 2 s, 5 s and 10 s, then recorded as failed: a customer is waiting. */
export const DRAFT_RETRY_DELAYS_MS = [2000, 5000, 10_000] as const;
const draftRetryDelayMs = (attempt: number): number | null => DRAFT_RETRY_DELAYS_MS[attempt - 1] ?? null;

export function registerConversationJobs(engine: JobEngine, services: Services): void {
  engine.define({
    name: AUTO_RELEASE_JOB,
    schema: ZAutoReleasePayload,
    async handle(payload) {
      await services.conversations.autoRelease(payload);
    },
  });
  engine.define({
    name: AI_DRAFT_JOB,
    schema: ZAiDraftPayload,
    async handle(payload) {
      await services.drafting.draftReply(payload);
    },
    retryDelayMs: draftRetryDelayMs,
    // The customer is waiting: once the AI stays down, agents see it on the banner (issue 11 item 7).
    onRetriesExhausted: (payload, error, attempts) => services.drafting.recordDraftFailure(payload, error, attempts),
  });
  engine.define({
    name: REPLY_SEND_JOB,
    schema: ZReplySendPayload,
    async handle(payload) {
      await services.replies.sendDue(payload);
    },
  });
  // Deliveries after commit (issue 11 item 2): retried with the delivery backoff, then `failed`.
  engine.define({ name: REPLY_DELIVER_JOB, schema: ZReplyDeliverPayload, ...services.replies.deliveryJob });
  engine.define({ name: MESSAGE_DELIVER_JOB, schema: ZMessageDeliverPayload, ...services.messages.deliveryJob });
}

