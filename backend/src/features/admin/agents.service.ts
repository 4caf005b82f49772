// Admin use cases for agents: create, list, update (role, name, active).
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Principal } from '../../auth/principal.js';
import { roleRank } from '../../auth/principal.js';
import { AgentEntity, TeamMemberEntity, type AgentRole, type AgentRow } from '../../db/entities/tenancy.entities.js';
import { DomainError } from '../../domain/errors.js';
import { withTransaction, type Infrastructure } from '../../platform/unit-of-work.js';
import { agentDto, type AgentDto } from './dto.js';

export interface CreateAgentCommand {
  email: string;
  name: string;
  role: AgentRole;
}

export interface UpdateAgentCommand {
  id: string;
  name?: string;
  role?: AgentRole;
  active?: boolean;
}

/** Only a superuser may create a superuser or change one (admins manage agents and admins). */
function assertMayAssignRole(principal: Principal, role: AgentRole): void {
  if (roleRank(role) > roleRank(principal.role)) {
    throw new DomainError('FORBIDDEN', `Only a superuser can grant the ${role} role`, 'role');
  }
}

async function teamIdsOf(manager: EntityManager, tenantId: string, agentId: string): Promise<string[]> {
  const rows = await manager.getRepository(TeamMemberEntity).findBy({ tenantId, agentId });
  return rows.map((row) => row.teamId);
}

export function createAgentsService(infra: Infrastructure) {
  return {
    async create(principal: Principal, command: CreateAgentCommand): Promise<AgentDto> {
      assertMayAssignRole(principal, command.role);
      const email = command.email.trim().toLowerCase();
      return withTransaction(infra, principal.tenantId, async (uow) => {
        const repository = uow.manager.getRepository(AgentEntity);
        if (await repository.existsBy({ tenantId: principal.tenantId, email })) {
          throw new DomainError('CONFLICT', `An agent with the email ${email} already exists`, 'email');
        }
        const agent: AgentRow = {
          id: randomUUID(),
          tenantId: principal.tenantId,
          email,
          name: command.name.trim(),
          role: command.role,
          externalSubject: null,
          active: true,
          createdAt: uow.now,
        };
        await repository.insert(agent);
        await uow.record({ type: 'agent.created', actor: principal.actor, after: { id: agent.id, email, name: agent.name, role: agent.role } });
        return agentDto(agent, []);
      });
    },

    async list(principal: Principal): Promise<AgentDto[]> {
      const [agents, memberships] = await Promise.all([
        infra.db.getRepository(AgentEntity).find({ where: { tenantId: principal.tenantId }, order: { name: 'ASC' } }),
        infra.db.getRepository(TeamMemberEntity).findBy({ tenantId: principal.tenantId }),
      ]);
      return agents.map((agent) =>
        agentDto(agent, memberships.filter((membership) => membership.agentId === agent.id).map((membership) => membership.teamId)),
      );
    },

    async update(principal: Principal, command: UpdateAgentCommand): Promise<AgentDto> {
      return withTransaction(infra, principal.tenantId, async (uow) => {
        const repository = uow.manager.getRepository(AgentEntity);
        const agent = await repository.findOneBy({ id: command.id, tenantId: principal.tenantId });
        if (!agent) throw new DomainError('NOT_FOUND', 'Agent not found', 'id');
        assertMayAssignRole(principal, agent.role);
        if (command.role) assertMayAssignRole(principal, command.role);
        if (agent.id === principal.agentId && ((command.role && command.role !== agent.role) || command.active === false)) {
          throw new DomainError('FORBIDDEN', 'You cannot change your own role or deactivate yourself; ask another admin', command.role ? 'role' : 'active');
        }
        const next: AgentRow = {
          ...agent,
          name: command.name?.trim() ?? agent.name,
          role: command.role ?? agent.role,
          active: command.active ?? agent.active,
        };
        const teamIds = await teamIdsOf(uow.manager, principal.tenantId, agent.id);
        if (next.name === agent.name && next.role === agent.role && next.active === agent.active) return agentDto(agent, teamIds);
        await repository.update({ id: agent.id, tenantId: principal.tenantId }, { name: next.name, role: next.role, active: next.active });
        uow.credentialsChanged();
        await uow.record({
          type: 'agent.updated',
          actor: principal.actor,
          before: { id: agent.id, name: agent.name, role: agent.role, active: agent.active },
          after: { id: agent.id, name: next.name, role: next.role, active: next.active },
        });
        return agentDto(next, teamIds);
      });
    },
  };
}
