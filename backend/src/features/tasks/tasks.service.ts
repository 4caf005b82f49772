// Callback tasks for a lead (SPEC §5.7): created by agents, completed with a disposition and/or a
// resolution reason — which resolves the lead's open escalation automatically when it says so.
import { randomUUID } from 'node:crypto';
import type { Principal } from '../../auth/principal.js';
import { TaskEntity, type TaskRow } from '../../db/entities/escalation.entities.js';
import { AgentEntity, TeamEntity } from '../../db/entities/tenancy.entities.js';
import { formatTenantTime } from '../../domain/business-hours.js';
import { DomainError } from '../../domain/errors.js';
import { mayResolve, resolutionByTask, resolvePermissionMessage, validateResolutionNote, type ResolveReason, type TaskDisposition } from '../../domain/escalation.js';
import { lockConversation } from '../conversations/conversation-store.js';
import { findOpenEscalation, isTeamMember, lockLead, lockOpenEscalation, resolverOf } from '../escalations/escalation-store.js';
import { findLocked } from '../../platform/row-lock.js';
import type { EscalationsService } from '../escalations/escalations.service.js';
import { readTenantSettings } from '../../platform/tenant-settings.js';
import { withTransaction, type Infrastructure } from '../../platform/unit-of-work.js';

export interface CreateTaskCommand {
  leadId: string;
  title: string;
  dueAt?: Date;
  assignedAgentId?: string;
}

export interface CompleteTaskCommand {
  id: string;
  disposition?: TaskDisposition;
  resolutionReason?: ResolveReason;
  note?: string;
}

const taskDto = (task: TaskRow) => ({
  id: task.id,
  leadId: task.leadId,
  title: task.title,
  dueAt: task.dueAt?.toISOString() ?? null,
  assignedAgentId: task.assignedAgentId,
  status: task.status,
  disposition: task.disposition,
  resolutionReason: task.resolutionReason,
  resolutionNote: task.resolutionNote,
  completedBy: task.completedBy,
  completedAt: task.completedAt?.toISOString() ?? null,
  createdAt: task.createdAt.toISOString(),
});
export type TaskDto = ReturnType<typeof taskDto>;

export function createTasksService(infra: Infrastructure, escalations: EscalationsService) {
  return {
    async create(principal: Principal, command: CreateTaskCommand): Promise<TaskDto> {
      return withTransaction(infra, principal.tenantId, async (uow) => {
        const lead = await lockLead(uow.manager, principal.tenantId, command.leadId);
        if (command.assignedAgentId && !(await uow.manager.getRepository(AgentEntity).existsBy({ id: command.assignedAgentId, tenantId: principal.tenantId, active: true }))) {
          throw new DomainError('NOT_FOUND', 'Agent not found', 'assignedAgentId');
        }
        const task: TaskRow = {
          id: randomUUID(), tenantId: principal.tenantId, leadId: lead.id, title: command.title.trim(), dueAt: command.dueAt ?? null, assignedAgentId: command.assignedAgentId ?? null,
          status: 'open', disposition: null, resolutionReason: null, resolutionNote: null, createdBy: principal.actor, completedBy: null, completedAt: null, createdAt: uow.now,
        };
        await uow.manager.getRepository(TaskEntity).insert(task);
        await uow.record({ type: 'task.created', actor: principal.actor, leadId: lead.id, after: { taskId: task.id, title: task.title, dueAt: task.dueAt?.toISOString() ?? null, assignedAgentId: task.assignedAgentId } });
        return taskDto(task);
      });
    },

    /**
     * Completes a task. A resolution reason is an explicit resolution: it needs the right to resolve
     * (FORBIDDEN otherwise, nothing changed). A resolving disposition from someone without that
     * right completes the task and leaves the escalation open, like a non-member's reply.
     */
    async complete(principal: Principal, command: CompleteTaskCommand) {
      if (!command.disposition && !command.resolutionReason) throw new DomainError('BAD_REQUEST', 'Give a disposition, a resolution reason, or both', 'disposition');
      const note = command.resolutionReason ? validateResolutionNote(command.resolutionReason, command.note) : null;
      return withTransaction(infra, principal.tenantId, async (uow) => {
        const tasks = uow.manager.getRepository(TaskEntity);
        const found = await tasks.findOneBy({ id: command.id, tenantId: principal.tenantId });
        if (!found) throw new DomainError('NOT_FOUND', 'Task not found', 'id');
        const settings = await readTenantSettings(uow.manager, principal.tenantId);
        const open = await findOpenEscalation(uow.manager, principal.tenantId, found.leadId);
        // Lock order everywhere: conversation, then lead.
        if (open?.conversationId) await lockConversation(uow.manager, principal.tenantId, open.conversationId);
        const lead = await lockLead(uow.manager, principal.tenantId, found.leadId);
        const task = (await findLocked(uow.manager, TaskEntity, principal.tenantId, command.id))!;
        if (task.status === 'completed') {
          const when = task.completedAt ? ` at ${formatTenantTime(task.completedAt, settings.businessHours.timeZone)}` : '';
          throw new DomainError('CONFLICT', `This task was already completed${when}`);
        }
        const reason = resolutionByTask({ disposition: command.disposition ?? null, resolutionReason: command.resolutionReason ?? null });
        let escalation = null;
        const current = await lockOpenEscalation(uow.manager, principal.tenantId, lead.id);
        if (current && reason) {
          const resolver = resolverOf(principal, await isTeamMember(uow.manager, principal.tenantId, current.teamId, principal.agentId));
          if (mayResolve(resolver)) {
            const scope = { tenantId: principal.tenantId, lead, conversationId: current.conversationId, settings, actor: principal.actor };
            escalation = await escalations.resolveAutomaticallyWithin(uow, scope, { resolver, reason, note, source: 'task' });
          } else if (command.resolutionReason) {
            const team = settings.hipaaMode ? null : await uow.manager.getRepository(TeamEntity).findOneBy({ id: current.teamId, tenantId: principal.tenantId });
            throw new DomainError('FORBIDDEN', resolvePermissionMessage(team?.name ?? null), 'resolutionReason');
          }
        }
        const completed: TaskRow = { ...task, status: 'completed', disposition: command.disposition ?? null, resolutionReason: command.resolutionReason ?? null, resolutionNote: note, completedBy: principal.actor, completedAt: uow.now };
        const result = await tasks.update({ id: task.id, tenantId: principal.tenantId, status: 'open' }, { status: 'completed', disposition: completed.disposition, resolutionReason: completed.resolutionReason, resolutionNote: note, completedBy: principal.actor, completedAt: uow.now });
        if (!result.affected) throw new DomainError('CONFLICT', 'This task was completed at the same moment; reload to see it');
        await uow.record({ type: 'task.completed', actor: principal.actor, leadId: lead.id, conversationId: escalation?.conversationId ?? null, after: { taskId: task.id, disposition: completed.disposition, resolutionReason: completed.resolutionReason, resolvedEscalationId: escalation?.id ?? null } });
        return { task: taskDto(completed), resolvedEscalation: escalation };
      });
    },

    async list(principal: Principal, filter: { leadId?: string; status?: 'open' | 'completed'; limit: number }): Promise<TaskDto[]> {
      const rows = await infra.db.getRepository(TaskEntity).find({ where: { tenantId: principal.tenantId, ...(filter.leadId ? { leadId: filter.leadId } : {}), ...(filter.status ? { status: filter.status } : {}) }, order: { createdAt: 'DESC' }, take: filter.limit });
      return rows.map(taskDto);
    },
  };
}
