// Conversation control (SPEC §2): take over, release (manual, by job), and reading conversations.
import type { Principal } from '../../auth/principal.js';
import type { ConversationListPage } from '../../../../shared/conversation-list.js';
import type { TimelinePageDto } from '../../../../shared/conversation-view.js';
import { IsNull } from 'typeorm';
import { ConversationRefEntity, type ConversationRow } from '../../db/entities/conversation.entities.js';
import { AgentEntity } from '../../db/entities/tenancy.entities.js';
import { autoReleaseAt } from '../../domain/business-hours.js';
import { DomainError } from '../../domain/errors.js';
import { decideRelease, decideRuleHold, decideTakeOver, holderChangedError, holderDiffers, type AgentTakeoverSource } from '../../domain/takeover.js';
import type { AutoReleasePayload } from './conversations.jobs.js';
import type { Scheduler } from '../../jobs/scheduler.js';
import { readConversationList, type ConversationListQuery } from './conversation-list.js';
import { findFirstRef } from './helpdesk-location.js';
import { findOneForUpdate } from '../../platform/row-lock.js';
import { findByExternalRef, findConversationOrFail, lockConversation } from './conversation-store.js';
import { conversationView, type ConversationView } from './conversation-view.js';
import { applyTakeoverDecision, takeoverStateOf } from './takeover-effects.js';
import { readTenantSettings } from '../../platform/tenant-settings.js';
import { readTimelinePage } from './timeline-page.js';
import { withTransaction, type Infrastructure, type UnitOfWork } from '../../platform/unit-of-work.js';
import type { TenantSettings } from '../../../../shared/settings.js';

export interface TakeOverCommand {
  id: string;
  source?: Extract<AgentTakeoverSource, 'manual' | 'popup' | 'api'>;
  /** For integration API keys (no agent of their own): the agent who takes over. */
  agentId?: string;
  /**
   * Take over only if this agent still holds it (null: only if nobody does) — the transfer
   * confirmation cannot race (issue 9). Absent: take over whoever holds it.
   */
  expectedHolderId?: string | null;
}

export interface TimelineQuery {
  id: string;
  /** `nextCursor` of the previous page; absent: the newest entries. */
  cursor?: string | null;
  limit: number;
}

export function createConversationsService(infra: Infrastructure, jobs: Scheduler) {
  /** The agent acting: the caller's own, or (integration keys only) one named in the input. */
  async function actingAgentId(principal: Principal, requested: string | undefined): Promise<string> {
    if (principal.agentId) {
      if (requested && requested !== principal.agentId) throw new DomainError('FORBIDDEN', 'You can only take over for yourself', 'agentId');
      return principal.agentId;
    }
    if (!requested) throw new DomainError('BAD_REQUEST', 'An integration API key must name the agent who takes over', 'agentId');
    const agent = await infra.db.getRepository(AgentEntity).findOneBy({ id: requested, tenantId: principal.tenantId, active: true });
    if (!agent) throw new DomainError('NOT_FOUND', 'Agent not found', 'agentId');
    return agent.id;
  }

  /** The CONFLICT naming who holds the conversation now (nothing has been changed). */
  async function holderChanged(uow: UnitOfWork, principal: Principal, conversation: ConversationRow) {
    const holderId = conversation.heldByAgentId;
    const holder = holderId ? await uow.manager.getRepository(AgentEntity).findOneBy({ id: holderId, tenantId: principal.tenantId }) : null;
    return holderChangedError(holderId ? { name: holder?.name ?? 'Another agent' } : null, takeoverStateOf(conversation));
  }

  const view = async (principal: Principal, conversationId: string): Promise<ConversationView> => {
    const manager = infra.db.manager;
    const [conversation, settings] = await Promise.all([findConversationOrFail(manager, principal.tenantId, conversationId), readTenantSettings(manager, principal.tenantId)]);
    const self = principal.agentId ? { id: principal.agentId, name: principal.displayName } : undefined;
    return conversationView(manager, conversation, settings, infra.clock.now(), principal, self);
  };

  return {
    get: (principal: Principal, id: string) => view(principal, id),

    async byExternalRef(principal: Principal, input: { connector: string; externalId: string }): Promise<ConversationView> {
      const conversation = await findByExternalRef(infra.db.manager, principal.tenantId, input.connector, input.externalId);
      if (!conversation) throw new DomainError('NOT_FOUND', 'No conversation for this ticket yet', 'externalId');
      return view(principal, conversation.id);
    },

    /** conversations.list (issue 10): a page of the tenant's conversations, newest activity first. */
    async list(principal: Principal, query: ConversationListQuery): Promise<ConversationListPage> {
      const manager = infra.db.manager;
      const settings = await readTenantSettings(manager, principal.tenantId);
      return readConversationList(manager, principal, query, settings.hipaaMode, infra.clock.now());
    },

    /**
     * Records the helpdesk thread page an extension shows the conversation on (issue 10): the first
     * showing wins; later calls change nothing and answer the recorded URL with `recorded: false`.
     */
    async rememberHelpdeskUrl(principal: Principal, input: { id: string; url: string }): Promise<{ recorded: boolean; helpdeskUrl: string | null }> {
      return withTransaction(infra, principal.tenantId, async (uow) => {
        const conversation = await findConversationOrFail(uow.manager, principal.tenantId, input.id);
        const ref = await findFirstRef(uow.manager, principal.tenantId, conversation.id);
        if (!ref) throw new DomainError('PRECONDITION_FAILED', 'This conversation has no helpdesk reference to keep the page on', 'id');
        if (ref.helpdeskUrl) return { recorded: false, helpdeskUrl: ref.helpdeskUrl };
        // Conditional on none being recorded: of two first showings at once, one wins.
        const updated = await uow.manager.getRepository(ConversationRefEntity).update({ id: ref.id, tenantId: principal.tenantId, helpdeskUrl: IsNull() }, { helpdeskUrl: input.url });
        if (!updated.affected) {
          const winner = await findOneForUpdate(uow.manager, ConversationRefEntity, { id: ref.id, tenantId: principal.tenantId });
          return { recorded: false, helpdeskUrl: winner?.helpdeskUrl ?? null };
        }
        await uow.record({
          type: 'conversation.helpdesk_url_recorded',
          actor: principal.actor,
          conversationId: conversation.id,
          leadId: conversation.leadId,
          before: { helpdeskUrl: null },
          after: { helpdeskUrl: input.url, connector: ref.connector, externalId: ref.externalId },
        });
        return { recorded: true, helpdeskUrl: input.url };
      });
    },

    /** The conversation's timeline: its events and messages, newest first, a page at a time (SPEC §6, issue 9). */
    async timeline(principal: Principal, query: TimelineQuery): Promise<TimelinePageDto> {
      const manager = infra.db.manager;
      const [, settings] = await Promise.all([findConversationOrFail(manager, principal.tenantId, query.id), readTenantSettings(manager, principal.tenantId)]);
      return readTimelinePage(manager, { tenantId: principal.tenantId, conversationId: query.id, cursor: query.cursor ?? null, limit: query.limit }, settings);
    },

    /** SPEC §2.1: pending AI replies are cancelled in the same transaction; idempotent; transfers. */
    async takeOver(principal: Principal, command: TakeOverCommand): Promise<ConversationView> {
      const agentId = await actingAgentId(principal, command.agentId);
      return withTransaction(infra, principal.tenantId, async (uow) => {
        const conversation = await lockConversation(uow.manager, principal.tenantId, command.id);
        // Checked under the row lock: the holder the agent confirmed against is the one replaced.
        if (holderDiffers(takeoverStateOf(conversation), command.expectedHolderId, agentId)) throw await holderChanged(uow, principal, conversation);
        const settings = await readTenantSettings(uow.manager, principal.tenantId);
        const decision = decideTakeOver(
          takeoverStateOf(conversation),
          { agentId, source: command.source ?? 'manual', autoReleaseAt: autoReleaseAt(settings.businessHours, uow.now, settings.afterHoursReleaseMinutes) },
          uow.now,
        );
        const after = await applyTakeoverDecision(uow, jobs, conversation, decision, principal.actor);
        const knownHolder = principal.agentId === agentId ? { id: agentId, name: principal.displayName } : undefined;
        return conversationView(uow.manager, after, settings, uow.now, principal, knownHolder);
      });
    },

    /** SPEC §2.3: idempotent; sends nothing by itself (the AI waits for the next customer message). */
    async release(principal: Principal, command: { id: string; source?: 'manual' | 'popup' | 'api' }): Promise<ConversationView> {
      return withTransaction(infra, principal.tenantId, async (uow) => {
        const conversation = await lockConversation(uow.manager, principal.tenantId, command.id);
        const decision = decideRelease(takeoverStateOf(conversation), { source: command.source ?? 'manual' }, uow.now);
        const after = await applyTakeoverDecision(uow, jobs, conversation, decision, principal.actor);
        return conversationView(uow.manager, after, await readTenantSettings(uow.manager, principal.tenantId), uow.now, principal);
      });
    },

    /** Releases a conversation in the caller's transaction (a `handled` resolution, SPEC §5.6); a no-op when not taken over. */
    async releaseWithin(uow: UnitOfWork, tenantId: string, conversationId: string, source: 'handled', actor: string): Promise<boolean> {
      const conversation = await lockConversation(uow.manager, tenantId, conversationId);
      const decision = decideRelease(takeoverStateOf(conversation), { source }, uow.now);
      await applyTakeoverDecision(uow, jobs, conversation, decision, actor);
      return decision.changed;
    },

    /** A routing rule's `takeover_hold` (SPEC §5.3): the AI stays quiet with no holder until the team picks it up. */
    async holdByRuleWithin(uow: UnitOfWork, tenantId: string, conversationId: string, settings: TenantSettings): Promise<boolean> {
      const conversation = await lockConversation(uow.manager, tenantId, conversationId);
      const decision = decideRuleHold(takeoverStateOf(conversation), { autoReleaseAt: autoReleaseAt(settings.businessHours, uow.now, settings.afterHoursReleaseMinutes) }, uow.now);
      await applyTakeoverDecision(uow, jobs, conversation, decision, 'system');
      return decision.changed;
    },

    /** The auto-release job: releases only the takeover it was armed for, once it is due. */
    async autoRelease(payload: AutoReleasePayload): Promise<boolean> {
      return withTransaction(infra, payload.tenantId, async (uow) => {
        const conversation = await lockConversation(uow.manager, payload.tenantId, payload.conversationId).catch(() => null);
        if (!conversation) return false;
        const decision = decideRelease(takeoverStateOf(conversation), { source: 'auto', expectedTakenOverAt: new Date(payload.takenOverAt) }, uow.now);
        await applyTakeoverDecision(uow, jobs, conversation, decision, 'system');
        return decision.changed;
      });
    },
  };
}
