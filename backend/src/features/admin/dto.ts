// What admin procedures return: plain JSON (ISO dates), never a hash or a secret.
import type { AgentRow, ApiKeyRow, TeamRow } from '../../db/entities/tenancy.entities.js';

export const agentDto = (agent: AgentRow, teamIds: string[]) => ({
  id: agent.id,
  email: agent.email,
  name: agent.name,
  role: agent.role,
  active: agent.active,
  linkedToIdentityProvider: agent.externalSubject !== null,
  teamIds,
  createdAt: agent.createdAt.toISOString(),
});
export type AgentDto = ReturnType<typeof agentDto>;

export const teamDto = (team: TeamRow, memberIds: string[]) => ({
  id: team.id,
  name: team.name,
  memberIds,
  createdAt: team.createdAt.toISOString(),
});
export type TeamDto = ReturnType<typeof teamDto>;

export const apiKeyDto = (key: ApiKeyRow) => ({
  id: key.id,
  name: key.name,
  role: key.role,
  agentId: key.agentId,
  prefix: key.prefix,
  createdAt: key.createdAt.toISOString(),
  lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
  revokedAt: key.revokedAt?.toISOString() ?? null,
});
export type ApiKeyDto = ReturnType<typeof apiKeyDto>;
