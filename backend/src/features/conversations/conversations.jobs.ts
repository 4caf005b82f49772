// The conversations feature's job: a takeover's auto-release (SPEC §2) — name, payload, reference and
// scheduling helpers. Its handler is bound in server.ts.
import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import type { ScheduledJob, Scheduler } from '../../jobs/scheduler.js';

export const AUTO_RELEASE_JOB = 'takeover.auto_release';

/** Release one takeover at its autoReleaseAt; `takenOverAt` identifies the takeover it was armed for. */
export const ZAutoReleasePayload = z.object({ dueAt: z.string(), ref: z.string(), tenantId: z.uuid(), conversationId: z.uuid(), takenOverAt: z.string() });
export type AutoReleasePayload = z.infer<typeof ZAutoReleasePayload>;

export const refs = {
  autoRelease: (conversationId: string) => `auto_release:${conversationId}`,
};

/** Arms the release of the takeover that began at `takenOverAt`, due at `at`. */
export function scheduleAutoRelease(scheduler: Scheduler, manager: EntityManager, at: Date, takeover: { tenantId: string; conversationId: string; takenOverAt: string }): Promise<ScheduledJob> {
  return scheduler.scheduleInTransaction(manager, AUTO_RELEASE_JOB, at, { dueAt: at.toISOString(), ref: refs.autoRelease(takeover.conversationId), ...takeover });
}

export const cancelAutoRelease = (scheduler: Scheduler, manager: EntityManager, conversationId: string) => scheduler.cancelByRef(refs.autoRelease(conversationId), manager);
