// Escalations (SPEC §5): open (manual, API, rules, SLA, guardrails) with cooldown and bypass,
// re-escalated activity, resolve with a reason, automatic resolution, the coalesced notifications.
import { randomUUID } from 'node:crypto';
import type { Principal } from '../../auth/principal.js';
import type { OpenEscalationItem } from '../../../../shared/conversation-list.js';
import type { TenantSettings } from '../../../../shared/settings.js';
import { LeadEntity, type LeadRow } from '../../db/entities/conversation.entities.js';
import { EscalationEntity, type EscalationRow } from '../../db/entities/escalation.entities.js';
import { formatTenantTime } from '../../domain/business-hours.js';
import { DomainError } from '../../domain/errors.js';
import {
  decideActivity,
  decideEscalate,
  decideNotificationFlush,
  decideResolve,
  parseResolveReason,
  type EscalateRequest,
  type ResolutionSource,
  type ResolveReason,
  type Resolver,
} from '../../domain/escalation.js';
import type { EscalationFlushPayload } from './escalations.jobs.js';
import type { Scheduler } from '../../jobs/scheduler.js';
import { applyEscalationEffects, writeEscalationState, type EscalationContext } from './escalation-effects.js';
import {
  conversationOfLead,
  countEscalations,
  escalationStateOf,
  escalationView,
  findEscalationTeam,
  lockEscalation,
  lockOpenEscalation,
  findTeamOrFail,
  isTeamMember,
  loadEscalationView,
  lockLead,
  resolverOf,
  type EscalationView,
} from './escalation-store.js';
import { lockConversation } from '../conversations/conversation-store.js';
import { readOpenEscalations, redactForHipaa, type OpenEscalationQuery } from './open-escalation-list.js';
import { readTenantSettings } from '../../platform/tenant-settings.js';
import { withTransaction, type Infrastructure, type UnitOfWork } from '../../platform/unit-of-work.js';

export interface EscalationConfig {
  /** Cooldown after a noisy resolution (BATON_ENV: production 7,200 s, otherwise 180 s; SPEC §5.8). */
  cooldownSeconds: number;
}

/** The conversation-control operation a `handled` resolution needs. */
export interface TakeoverReleaser {
  releaseWithin(uow: UnitOfWork, tenantId: string, conversationId: string, source: 'handled', actor: string): Promise<boolean>;
}

/** Where an escalation change happens: a locked lead, the conversation it concerns, the settings. */
export interface LeadScope {
  tenantId: string;
  lead: LeadRow;
  conversationId: string | null;
  settings: TenantSettings;
  actor: string;
}

export type EscalateOutcome =
  | { outcome: 'opened' | 're_escalated'; escalation: EscalationView }
  | { outcome: 'suppressed'; cooldownUntil: string };

export interface OpenEscalationCommand {
  leadId: string;
  teamId: string;
  reason: string;
  reasonCode?: string;
  bypassCooldown?: boolean;
  conversationId?: string;
}

export function createEscalationsService(infra: Infrastructure, jobs: Scheduler, config: EscalationConfig, takeovers: TakeoverReleaser) {
  const contextOf = (uow: UnitOfWork, scope: LeadScope, row: EscalationRow): EscalationContext => ({
    tenantId: scope.tenantId,
    lead: scope.lead,
    row,
    settings: scope.settings,
    actor: scope.actor,
    release: (conversationId) => takeovers.releaseWithin(uow, scope.tenantId, conversationId, 'handled', scope.actor),
  });

  /** New activity on the open escalation: counted, notified at most once per window, moved to this conversation. */
  async function recordActivity(uow: UnitOfWork, scope: LeadScope, open: EscalationRow): Promise<EscalateOutcome> {
    const decision = decideActivity(escalationStateOf(open), scope.settings.reEscalationCoalesceSeconds, uow.now);
    let row = await writeEscalationState(uow, open, decision.next);
    if (scope.conversationId && scope.conversationId !== row.conversationId) {
      await uow.manager.getRepository(EscalationEntity).update({ id: row.id, tenantId: row.tenantId }, { conversationId: scope.conversationId });
      row = { ...row, conversationId: scope.conversationId };
    }
    await uow.record({ type: 'escalation.re_escalated', actor: scope.actor, conversationId: row.conversationId, leadId: row.leadId, after: { escalationId: row.id, activityCount: row.activityCount, lastActivityAt: uow.now.toISOString() } });
    await applyEscalationEffects(uow, jobs, contextOf(uow, scope, row), row, decision.effects);
    return { outcome: 're_escalated', escalation: await loadEscalationView(uow.manager, row, scope.settings.hipaaMode) };
  }

  /**
   * An escalate request on a locked lead, in the caller's transaction: re-escalated activity when
   * one is open, else opened (or suppressed by the lead's cooldown, with a system note).
   */
  async function escalateWithin(uow: UnitOfWork, scope: LeadScope, request: EscalateRequest): Promise<EscalateOutcome> {
    const open = await lockOpenEscalation(uow.manager, scope.tenantId, scope.lead.id);
    if (open) return recordActivity(uow, scope, open);
    const previousCycles = await countEscalations(uow.manager, scope.tenantId, scope.lead.id);
    const decision = decideEscalate({ open: null, previousCycles, cooldownUntil: scope.lead.cooldownUntil, coalesceSeconds: scope.settings.reEscalationCoalesceSeconds }, request, uow.now);
    if (decision.outcome === 'suppressed') {
      const until = formatTenantTime(decision.cooldownUntil, scope.settings.businessHours.timeZone);
      await uow.record({
        type: 'escalation.suppressed',
        actor: scope.actor,
        conversationId: scope.conversationId,
        leadId: scope.lead.id,
        after: { trigger: request.trigger, reasonCode: request.reasonCode, cooldownUntil: decision.cooldownUntil.toISOString(), systemNote: `Escalation suppressed: escalations are paused until ${until}` },
      });
      return { outcome: 'suppressed', cooldownUntil: decision.cooldownUntil.toISOString() };
    }
    const state = decision.next;
    const row: EscalationRow = {
      ...state,
      id: randomUUID(), tenantId: scope.tenantId, leadId: scope.lead.id, conversationId: scope.conversationId, openLeadId: scope.lead.id,
      reason: request.reason, reasonCode: request.reasonCode, trigger: request.trigger, status: 'open',
    };
    await uow.manager.getRepository(EscalationEntity).insert(row);
    const team = await findEscalationTeam(uow.manager, row);
    // The event keeps the facts (team, cycle) whatever the HIPAA mode: readers redact (issue 11 item 5).
    const { conversationId: _conversation, leadId: _lead, ...facts } = escalationView(row, team, false);
    await uow.record({ type: 'escalation.opened', actor: scope.actor, conversationId: row.conversationId, leadId: row.leadId, after: { escalationId: row.id, ...facts, bypassCooldown: request.bypassCooldown } });
    await applyEscalationEffects(uow, jobs, contextOf(uow, scope, row), row, decision.effects);
    return { outcome: 'opened', escalation: escalationView(row, team, scope.settings.hipaaMode) };
  }

  /** Resolves the open escalation (or the one given), recording who, why and how (SPEC §5.6–§5.8). */
  async function resolveWithin(uow: UnitOfWork, scope: LeadScope, row: EscalationRow, command: { resolver: Resolver; reason: ResolveReason; note: string | null; source: ResolutionSource }): Promise<EscalationView> {
    const hipaa = scope.settings.hipaaMode;
    const team = hipaa ? null : await findEscalationTeam(uow.manager, row);
    const describe = (at: Date) => formatTenantTime(at, scope.settings.businessHours.timeZone);
    const decision = decideResolve(escalationStateOf(row), { ...command, cooldownSeconds: config.cooldownSeconds, teamName: team?.name ?? null }, uow.now, describe);
    const resolved = await writeEscalationState(uow, row, decision.next);
    await uow.record({
      type: 'escalation.resolved',
      actor: command.resolver.actor,
      conversationId: resolved.conversationId,
      leadId: resolved.leadId,
      before: { escalationId: row.id, status: 'open' },
      after: { escalationId: row.id, status: 'resolved', reason: command.reason, note: resolved.resolutionNote, source: command.source, resolvedByName: command.resolver.name },
    });
    await applyEscalationEffects(uow, jobs, contextOf(uow, scope, resolved), resolved, decision.effects);
    return loadEscalationView(uow.manager, resolved, hipaa);
  }

  /** Locked, as last committed (call it after the lead's lock: lock order conversation, lead, escalation). */
  async function lockEscalationOrFail(uow: UnitOfWork, tenantId: string, id: string): Promise<EscalationRow> {
    const row = await lockEscalation(uow.manager, tenantId, id);
    if (!row) throw new DomainError('NOT_FOUND', 'Escalation not found', 'id');
    return row;
  }

  return {
    escalateWithin,

    /** A customer message on a lead: activity on its open escalation, if any (SPEC §5.10). */
    async customerActivityWithin(uow: UnitOfWork, scope: LeadScope): Promise<EscalateOutcome | null> {
      const open = await lockOpenEscalation(uow.manager, scope.tenantId, scope.lead.id);
      return open ? recordActivity(uow, scope, open) : null;
    },

    /**
     * Automatic resolution (SPEC §5.7): by a team member's reply, or a completed callback task.
     * Returns null when nothing is open. Never releases a takeover.
     */
    async resolveAutomaticallyWithin(uow: UnitOfWork, scope: LeadScope, command: { resolver: Resolver; reason: ResolveReason; note: string | null; source: 'reply' | 'task' }): Promise<EscalationView | null> {
      const open = await lockOpenEscalation(uow.manager, scope.tenantId, scope.lead.id);
      return open ? resolveWithin(uow, scope, open, command) : null;
    },

    /** escalations.open: a manual (agent) or API (integration) escalation of a lead to a team. */
    async open(principal: Principal, command: OpenEscalationCommand): Promise<EscalateOutcome> {
      return withTransaction(infra, principal.tenantId, async (uow) => {
        await findTeamOrFail(uow.manager, principal.tenantId, command.teamId);
        const lead = await lockLead(uow.manager, principal.tenantId, command.leadId);
        const conversationId = await conversationOfLead(uow.manager, principal.tenantId, lead.id, command.conversationId);
        const settings = await readTenantSettings(uow.manager, principal.tenantId);
        const trigger = principal.via === 'api_key' && !principal.agentId ? 'api' : 'manual';
        const request: EscalateRequest = { teamId: command.teamId, reason: command.reason, reasonCode: command.reasonCode ?? null, trigger, bypassCooldown: command.bypassCooldown ?? false };
        return escalateWithin(uow, { tenantId: principal.tenantId, lead, conversationId, settings, actor: principal.actor }, request);
      });
    },

    /** escalations.resolve: members of the target team, admins, superusers, admin API keys (SPEC §5.5). */
    async resolve(principal: Principal, command: { id: string; reason: string; note?: string | null }): Promise<EscalationView> {
      const reason = parseResolveReason(command.reason);
      return withTransaction(infra, principal.tenantId, async (uow) => {
        const found = await uow.manager.getRepository(EscalationEntity).findOneBy({ id: command.id, tenantId: principal.tenantId });
        if (!found) throw new DomainError('NOT_FOUND', 'Escalation not found', 'id');
        // Lock order everywhere: conversation, then lead (a `handled` release locks the conversation).
        if (found.conversationId) await lockConversation(uow.manager, principal.tenantId, found.conversationId);
        const lead = await lockLead(uow.manager, principal.tenantId, found.leadId);
        const row = await lockEscalationOrFail(uow, principal.tenantId, command.id);
        const settings = await readTenantSettings(uow.manager, principal.tenantId);
        const scope: LeadScope = { tenantId: principal.tenantId, lead, conversationId: row.conversationId, settings, actor: principal.actor };
        return resolveWithin(uow, scope, row, { resolver: resolverOf(principal, await isTeamMember(uow.manager, principal.tenantId, row.teamId, principal.agentId)), reason, note: command.note ?? null, source: 'manual' });
      });
    },

    /** The flush job at the end of a coalescing window (SPEC §5.10); does nothing if the world moved on. */
    async flushNotifications(payload: EscalationFlushPayload): Promise<void> {
      await withTransaction(infra, payload.tenantId, async (uow) => {
        const found = await uow.manager.getRepository(EscalationEntity).findOneBy({ id: payload.escalationId, tenantId: payload.tenantId });
        if (!found || found.status !== 'open') return;
        const lead = await lockLead(uow.manager, payload.tenantId, found.leadId);
        const row = await lockEscalationOrFail(uow, payload.tenantId, found.id);
        if (row.status !== 'open') return;
        const settings = await readTenantSettings(uow.manager, payload.tenantId);
        const decision = decideNotificationFlush(escalationStateOf(row), settings.reEscalationCoalesceSeconds, uow.now);
        if (decision.effects.length === 0) return;
        const written = await writeEscalationState(uow, row, decision.next);
        const scope: LeadScope = { tenantId: payload.tenantId, lead, conversationId: row.conversationId, settings, actor: 'system' };
        await applyEscalationEffects(uow, jobs, contextOf(uow, scope, written), written, decision.effects);
      });
    },

    async get(principal: Principal, id: string): Promise<EscalationView> {
      const row = await infra.db.getRepository(EscalationEntity).findOneBy({ id, tenantId: principal.tenantId });
      if (!row) throw new DomainError('NOT_FOUND', 'Escalation not found', 'id');
      const settings = await readTenantSettings(infra.db.manager, principal.tenantId);
      return loadEscalationView(infra.db.manager, row, settings.hipaaMode);
    },

    /** A lead's escalations, newest first (the open one, if any, is first). */
    async forLead(principal: Principal, leadId: string): Promise<EscalationView[]> {
      if (!(await infra.db.getRepository(LeadEntity).existsBy({ id: leadId, tenantId: principal.tenantId }))) throw new DomainError('NOT_FOUND', 'Lead not found', 'leadId');
      const rows = await infra.db.getRepository(EscalationEntity).find({ where: { tenantId: principal.tenantId, leadId }, order: { openedAt: 'DESC' }, take: 50 });
      const settings = await readTenantSettings(infra.db.manager, principal.tenantId);
      return Promise.all(rows.map((row) => loadEscalationView(infra.db.manager, row, settings.hipaaMode)));
    },

    /** escalations.listOpen (issue 10): open escalations newest first, one query (the settings read alongside for HIPAA mode). */
    async listOpen(principal: Principal, query: OpenEscalationQuery): Promise<OpenEscalationItem[]> {
      const manager = infra.db.manager;
      const [settings, items] = await Promise.all([readTenantSettings(manager, principal.tenantId), readOpenEscalations(manager, principal, query)]);
      return settings.hipaaMode ? items.map(redactForHipaa) : items;
    },
  };
}

export type EscalationsService = ReturnType<typeof createEscalationsService>;
