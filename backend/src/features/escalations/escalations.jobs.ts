// The escalations feature's jobs: SLA timers (SPEC §5.2) and coalesced re-escalated notifications
// (SPEC §5.10) — names, payloads, references and scheduling helpers. Handlers are bound in server.ts.
import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import type { ScheduledJob, Scheduler } from '../../jobs/scheduler.js';

export const ESCALATION_FLUSH_JOB = 'escalation.notify_flush';
export const SLA_CHECK_JOB = 'sla.check';

const base = { dueAt: z.string(), ref: z.string(), tenantId: z.uuid() };

/** Send the re-escalated notification coalesced in a window, at the window's end (SPEC §5.10). */
export const ZEscalationFlushPayload = z.object({ ...base, escalationId: z.uuid() });
export type EscalationFlushPayload = z.infer<typeof ZEscalationFlushPayload>;

/** Check, slaResponseMinutes after a customer message, that someone answered it (SPEC §5.2). */
export const ZSlaCheckPayload = z.object({ ...base, conversationId: z.uuid(), messageId: z.uuid() });
export type SlaCheckPayload = z.infer<typeof ZSlaCheckPayload>;

export const refs = {
  escalationFlush: (escalationId: string) => `escalation_flush:${escalationId}`,
  sla: (messageId: string) => `sla:${messageId}`,
};

/** One flush per window: re-arming replaces the one armed by earlier activity. */
export function scheduleEscalationFlush(scheduler: Scheduler, manager: EntityManager, at: Date, escalation: { tenantId: string; escalationId: string }): Promise<ScheduledJob> {
  return scheduler.replaceInTransaction(manager, ESCALATION_FLUSH_JOB, at, { dueAt: at.toISOString(), ref: refs.escalationFlush(escalation.escalationId), ...escalation });
}

/** The SLA check of one customer message, due at `at`. */
export function scheduleSlaCheck(scheduler: Scheduler, manager: EntityManager, at: Date, check: { tenantId: string; conversationId: string; messageId: string }): Promise<ScheduledJob> {
  return scheduler.scheduleInTransaction(manager, SLA_CHECK_JOB, at, { dueAt: at.toISOString(), ref: refs.sla(check.messageId), ...check });
}
