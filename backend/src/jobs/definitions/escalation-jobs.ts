// Registers the escalation jobs' handlers: SLA timers and coalesced re-escalated notifications (names: ./job-names.ts).
import type { Services } from '../../services/index.js';
import type { JobEngine } from '../job-engine.js';
import { ESCALATION_FLUSH_JOB, SLA_CHECK_JOB, ZEscalationFlushPayload, ZSlaCheckPayload } from './job-names.js';

export function registerEscalationJobs(engine: JobEngine, services: Services): void {
  engine.define({
    name: SLA_CHECK_JOB,
    schema: ZSlaCheckPayload,
    async handle(payload) {
      await services.sla.checkResponse(payload);
    },
  });
  engine.define({
    name: ESCALATION_FLUSH_JOB,
    schema: ZEscalationFlushPayload,
    async handle(payload) {
      await services.escalations.flushNotifications(payload);
    },
  });
}
