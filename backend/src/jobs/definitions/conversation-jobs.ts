// Registers the conversation jobs' handlers on the engine (names and payloads: ./job-names.ts).
import type { Services } from '../../services/index.js';
import type { JobEngine } from '../job-engine.js';
import { AI_DRAFT_JOB, AUTO_RELEASE_JOB, REPLY_SEND_JOB, ZAiDraftPayload, ZAutoReleasePayload, ZReplySendPayload } from './job-names.js';

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
  });
  engine.define({
    name: REPLY_SEND_JOB,
    schema: ZReplySendPayload,
    async handle(payload) {
      await services.replies.sendDue(payload);
    },
  });
}
