// settings.get / settings.update (admin): validated, versioned, on the timeline; changing business
// hours or the zone re-computes autoReleaseAt of every active takeover (SPEC §2.4).
import { IsNull, Not } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { ZTenantSettings, publicSettings, type PublicTenantSettings, type SettingsUpdate, type TenantSettings } from '../../../shared/settings.js';
import { ConversationEntity } from '../db/entities/conversation.entities.js';
import { SettingsEntity } from '../db/entities/tenancy.entities.js';
import { autoReleaseAt } from '../domain/business-hours.js';
import { DomainError } from '../domain/errors.js';
import { AUTO_RELEASE_JOB, refs } from '../jobs/definitions/job-names.js';
import type { JobEngine } from '../jobs/job-engine.js';
import { readTenantSettings } from './tenant-settings.js';
import { findTeamOrFail } from './escalation-store.js';
import { withTransaction, type Infrastructure, type UnitOfWork } from './unit-of-work.js';

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function createSettingsService(infra: Infrastructure, jobs: JobEngine) {
  /**
   * Active takeovers get a new autoReleaseAt, computed as at their takeover time under the new
   * hours, and a new auto-release job (the old one is removed in the same transaction).
   */
  async function recomputeAutoReleases(uow: UnitOfWork, tenantId: string, settings: TenantSettings): Promise<number> {
    const active = await uow.manager.getRepository(ConversationEntity).findBy({ tenantId, takeoverSource: Not(IsNull()) });
    let changed = 0;
    for (const conversation of active) {
      if (!conversation.takenOverAt) continue;
      const next = autoReleaseAt(settings.businessHours, conversation.takenOverAt, settings.afterHoursReleaseMinutes);
      if (conversation.autoReleaseAt?.getTime() === next.getTime()) continue;
      // Conditional on the version read: a takeover released or changed meanwhile is left alone.
      const updated = await uow.manager.getRepository(ConversationEntity).update({ id: conversation.id, tenantId, version: conversation.version }, { autoReleaseAt: next, version: conversation.version + 1, updatedAt: uow.now });
      if (!updated.affected) continue;
      await jobs.cancelByRef(refs.autoRelease(conversation.id), uow.manager);
      const job = await jobs.scheduleInTransaction(uow.manager, AUTO_RELEASE_JOB, next, {
        dueAt: next.toISOString(),
        ref: refs.autoRelease(conversation.id),
        tenantId,
        conversationId: conversation.id,
        takenOverAt: conversation.takenOverAt.toISOString(),
      });
      uow.afterCommit(job.announce);
      await uow.record({
        type: 'takeover.auto_release_rescheduled',
        actor: 'system',
        conversationId: conversation.id,
        leadId: conversation.leadId,
        before: { autoReleaseAt: conversation.autoReleaseAt?.toISOString() ?? null },
        after: { autoReleaseAt: next.toISOString() },
      });
      changed += 1;
    }
    return changed;
  }

  return {
    get: async (principal: Principal) => publicSettings(await readTenantSettings(infra.db.manager, principal.tenantId)),

    async update(principal: Principal, patch: SettingsUpdate): Promise<PublicTenantSettings & { rescheduledTakeovers: number }> {
      return withTransaction(infra, principal.tenantId, async (uow) => {
        const before = await readTenantSettings(uow.manager, principal.tenantId);
        const { ai: aiPatch, ...rest } = patch;
        const ai = aiPatch ? { ...before.ai, ...Object.fromEntries(Object.entries(aiPatch).filter(([, value]) => value !== undefined)) } : before.ai;
        const parsed = ZTenantSettings.safeParse({ ...before, ...Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined)), ai });
        if (!parsed.success) {
          const issue = parsed.error.issues[0]!;
          throw new DomainError('BAD_REQUEST', issue.message, issue.path.join('.'));
        }
        const after = parsed.data;
        if (patch.escalationTeamId) await findTeamOrFail(uow.manager, principal.tenantId, patch.escalationTeamId, 'escalationTeamId');
        const changedKeys = (Object.keys(after) as (keyof TenantSettings)[]).filter((key) => !sameJson(before[key], after[key]));
        if (changedKeys.length === 0) return { ...publicSettings(after), rescheduledTakeovers: 0 };
        const repository = uow.manager.getRepository(SettingsEntity);
        const row = await repository.findOneBy({ tenantId: principal.tenantId });
        if (row) await repository.update({ tenantId: principal.tenantId }, { values: after as never, version: row.version + 1, updatedAt: uow.now });
        else await repository.insert({ tenantId: principal.tenantId, values: after as never, version: 1, updatedAt: uow.now });
        await uow.record({
          type: 'settings.changed',
          actor: principal.actor,
          // The AI key never reaches the timeline.
          before: Object.fromEntries(changedKeys.map((key) => [key, publicSettings(before)[key]])),
          after: Object.fromEntries(changedKeys.map((key) => [key, publicSettings(after)[key]])),
        });
        const affectsRelease = changedKeys.includes('businessHours') || changedKeys.includes('afterHoursReleaseMinutes');
        const rescheduledTakeovers = affectsRelease ? await recomputeAutoReleases(uow, principal.tenantId, after) : 0;
        return { ...publicSettings(after), rescheduledTakeovers };
      });
    },
  };
}
