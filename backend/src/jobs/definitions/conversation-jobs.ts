// Registers the conversation jobs' handlers on the engine (names and payloads: ./job-names.ts).
import type { Services } from '../../services/index.js';
import type { JobEngine } from '../job-engine.js';
import { AUTO_RELEASE_JOB, ZAutoReleasePayload } from './job-names.js';

export function registerConversationJobs(engine: JobEngine, services: Services): void {
  engine.define({
    name: AUTO_RELEASE_JOB,
    schema: ZAutoReleasePayload,
    async handle(payload) {
      await services.conversations.autoRelease(payload);
    },
  });
}
