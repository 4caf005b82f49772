// Admin use cases for teams and membership (who may resolve a team's escalations, SPEC §5.5).
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Principal } from '../../auth/principal.js';
import { AgentEntity, TeamEntity, TeamMemberEntity, type TeamRow } from '../../db/entities/tenancy.entities.js';
import { DomainError } from '../../domain/errors.js';
import { withTransaction, type Infrastructure } from '../../platform/unit-of-work.js';
import { teamDto, type TeamDto } from './dto.js';

export interface MembershipCommand {
  teamId: string;
  agentId: string;
}

async function findTeam(manager: EntityManager, tenantId: string, teamId: string): Promise<TeamRow> {
  const team = await manager.getRepository(TeamEntity).findOneBy({ id: teamId, tenantId });
  if (!team) throw new DomainError('NOT_FOUND', 'Team not found', 'teamId');
  return team;
}

async function memberIdsOf(manager: EntityManager, tenantId: string, teamId: string): Promise<string[]> {
  return (await manager.getRepository(TeamMemberEntity).findBy({ tenantId, teamId })).map((row) => row.agentId);
}

export function createTeamsService(infra: Infrastructure) {
  return {
    async create(principal: Principal, command: { name: string }): Promise<TeamDto> {
      const name = command.name.trim();
      return withTransaction(infra, principal.tenantId, async (uow) => {
        const repository = uow.manager.getRepository(TeamEntity);
        if (await repository.existsBy({ tenantId: principal.tenantId, name })) {
          throw new DomainError('CONFLICT', `A team named "${name}" already exists`, 'name');
        }
        const team: TeamRow = { id: randomUUID(), tenantId: principal.tenantId, name, createdAt: uow.now };
        await repository.insert(team);
        await uow.record({ type: 'team.created', actor: principal.actor, after: { id: team.id, name } });
        return teamDto(team, []);
      });
    },

    async list(principal: Principal): Promise<TeamDto[]> {
      const [teams, memberships] = await Promise.all([
        infra.db.getRepository(TeamEntity).find({ where: { tenantId: principal.tenantId }, order: { name: 'ASC' } }),
        infra.db.getRepository(TeamMemberEntity).findBy({ tenantId: principal.tenantId }),
      ]);
      return teams.map((team) => teamDto(team, memberships.filter((row) => row.teamId === team.id).map((row) => row.agentId)));
    },

    /** Idempotent: adding a member twice changes nothing and records one event. */
    async addMember(principal: Principal, command: MembershipCommand): Promise<TeamDto> {
      return withTransaction(infra, principal.tenantId, async (uow) => {
        const team = await findTeam(uow.manager, principal.tenantId, command.teamId);
        const agent = await uow.manager.getRepository(AgentEntity).findOneBy({ id: command.agentId, tenantId: principal.tenantId });
        if (!agent) throw new DomainError('NOT_FOUND', 'Agent not found', 'agentId');
        const memberships = uow.manager.getRepository(TeamMemberEntity);
        if (!(await memberships.existsBy({ teamId: team.id, agentId: agent.id }))) {
          await memberships.insert({ teamId: team.id, agentId: agent.id, tenantId: principal.tenantId, createdAt: uow.now });
          await uow.record({ type: 'team.member_added', actor: principal.actor, after: { teamId: team.id, agentId: agent.id } });
        }
        return teamDto(team, await memberIdsOf(uow.manager, principal.tenantId, team.id));
      });
    },

    /** Idempotent: removing a non-member changes nothing. */
    async removeMember(principal: Principal, command: MembershipCommand): Promise<TeamDto> {
      return withTransaction(infra, principal.tenantId, async (uow) => {
        const team = await findTeam(uow.manager, principal.tenantId, command.teamId);
        const result = await uow.manager
          .getRepository(TeamMemberEntity)
          .delete({ teamId: team.id, agentId: command.agentId, tenantId: principal.tenantId });
        if (result.affected) {
          await uow.record({ type: 'team.member_removed', actor: principal.actor, before: { teamId: team.id, agentId: command.agentId } });
        }
        return teamDto(team, await memberIdsOf(uow.manager, principal.tenantId, team.id));
      });
    },
  };
}
