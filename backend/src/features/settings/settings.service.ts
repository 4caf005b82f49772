// settings.get / settings.update (admin): validated, versioned (an update names the version it
// edits, so two admins never overwrite each other silently), on the timeline; changing business
// hours or the zone re-computes autoReleaseAt of every active takeover (SPEC §2.4).
import { IsNull, Not } from 'typeorm';
import type { Principal } from '../../auth/principal.js';
import { ZTenantSettings, publicSettings, type SettingsUpdateInput, type TenantSettings, type VersionedPublicSettings } from '../../../../shared/settings.js';
import { isAdmin } from '../../auth/principal.js';
import { isUniqueViolation } from '../../db/errors.js';
import { ConversationEntity } from '../../db/entities/conversation.entities.js';
import { SettingsEntity } from '../../db/entities/tenancy.entities.js';
import { autoReleaseAt } from '../../domain/business-hours.js';
import { DomainError } from '../../domain/errors.js';
import { cancelAutoRelease, scheduleAutoRelease } from '../conversations/conversations.jobs.js';
import type { Scheduler } from '../../jobs/scheduler.js';
import { readVersionedSettings } from '../../platform/tenant-settings.js';
import { findTeamOrFail } from '../escalations/escalation-store.js';
import { withTransaction, type Infrastructure, type UnitOfWork } from '../../platform/unit-of-work.js';
import { patchConnectors } from './connector-settings-patch.js';

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function createSettingsService(infra: Infrastructure, jobs: Scheduler) {
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
      await cancelAutoRelease(jobs, uow.manager, conversation.id);
      const job = await scheduleAutoRelease(jobs, uow.manager, next, { tenantId, conversationId: conversation.id, takenOverAt: conversation.takenOverAt.toISOString() });
      uow.announce(job);
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

  /** Writes the new document only if the stored version is still `expectedVersion` (race-free: a conditional update, or an insert a concurrent insert makes fail). */
  async function writeIfUnchanged(uow: UnitOfWork, tenantId: string, expectedVersion: number, values: TenantSettings): Promise<number> {
    const repository = uow.manager.getRepository(SettingsEntity);
    const version = expectedVersion + 1;
    if (expectedVersion === 0) {
      try {
        await repository.insert({ tenantId, values: values as never, version, updatedAt: uow.now });
      } catch (error) {
        if (isUniqueViolation(error)) throw settingsChangedMeanwhile();
        throw error;
      }
      return version;
    }
    const updated = await repository.update({ tenantId, version: expectedVersion }, { values: values as never, version, updatedAt: uow.now });
    if (!updated.affected) throw settingsChangedMeanwhile();
    return version;
  }

  return {
    /** Any agent: the public settings (no AI key), their version, and whether the caller may change them. */
    async get(principal: Principal): Promise<VersionedPublicSettings> {
      const { settings, version } = await readVersionedSettings(infra.db.manager, principal.tenantId);
      return { ...publicSettings(settings), version, canEdit: isAdmin(principal) };
    },

    /**
     * Applies `patch` when the stored version is still `expectedVersion` (else CONFLICT, nothing
     * changed). Answers the settings as saved with their new version (unchanged when the patch changed nothing).
     */
    async update(principal: Principal, input: SettingsUpdateInput): Promise<VersionedPublicSettings & { rescheduledTakeovers: number }> {
      const { expectedVersion, ...patch } = input;
      return withTransaction(infra, principal.tenantId, async (uow) => {
        const { settings: before, version } = await readVersionedSettings(uow.manager, principal.tenantId);
        if (version !== expectedVersion) throw settingsChangedMeanwhile();
        const { ai: aiPatch, connectors: connectorsPatch, ...rest } = patch;
        const ai = aiPatch ? { ...before.ai, ...Object.fromEntries(Object.entries(aiPatch).filter(([, value]) => value !== undefined)) } : before.ai;
        // Connector secrets left out of the patch are kept (write-only, like the AI key).
        const connectors = patchConnectors(before.connectors, connectorsPatch);
        const parsed = ZTenantSettings.safeParse({ ...before, ...Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined)), ai, connectors });
        if (!parsed.success) {
          const issue = parsed.error.issues[0]!;
          const field = issue.path.join('.');
          throw new DomainError('BAD_REQUEST', messageNamingField(field, issue.message), field || undefined);
        }
        const after = parsed.data;
        if (patch.escalationTeamId) await findTeamOrFail(uow.manager, principal.tenantId, patch.escalationTeamId, 'escalationTeamId');
        const changedKeys = (Object.keys(after) as (keyof TenantSettings)[]).filter((key) => !sameJson(before[key], after[key]));
        const canEdit = isAdmin(principal);
        if (changedKeys.length === 0) return { ...publicSettings(after), version, canEdit, rescheduledTakeovers: 0 };
        const newVersion = await writeIfUnchanged(uow, principal.tenantId, expectedVersion, after);
        await uow.record({
          type: 'settings.changed',
          actor: principal.actor,
          // The AI key and the connectors' secrets never reach the timeline.
          before: { ...Object.fromEntries(changedKeys.map((key) => [key, publicSettings(before)[key]])), version },
          after: { ...Object.fromEntries(changedKeys.map((key) => [key, publicSettings(after)[key]])), version: newVersion },
        });
        const affectsRelease = changedKeys.includes('businessHours') || changedKeys.includes('afterHoursReleaseMinutes');
        const rescheduledTakeovers = affectsRelease ? await recomputeAutoReleases(uow, principal.tenantId, after) : 0;
        return { ...publicSettings(after), version: newVersion, canEdit, rescheduledTakeovers };
      });
    },
  };
}

/** The CONFLICT an admin sees when someone else saved first (the form offers to reload). */
const settingsChangedMeanwhile = () =>
  new DomainError('CONFLICT', 'Another admin changed these settings since you opened them; reload to see their changes', 'expectedVersion');

/** `ai.url: must be…`, unless the message already starts with the field's own name (`url is required…`). */
function messageNamingField(field: string, message: string): string {
  const name = field.split('.').pop() ?? '';
  return !field || message.startsWith(name) ? message : `${field}: ${message}`;
}
