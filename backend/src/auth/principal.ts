// Who is calling: the authenticated principal every tenant-scoped procedure receives.
import type { AgentRole } from '../db/entities/tenancy.entities.js';

export interface Principal {
  tenantId: string;
  tenantSlug: string;
  /** How the caller proved who they are. */
  via: 'api_key' | 'jwt' | 'dev_token';
  /** The agent acting; null for an integration API key acting under its own name. */
  agentId: string | null;
  /** The API key used; null for tokens. */
  apiKeyId: string | null;
  role: AgentRole;
  /** Identity-provider groups (from the configured groups claim); empty for keys and dev tokens. */
  groups: string[];
  /** A readable name for the timeline and error messages. */
  displayName: string;
  /** The timeline's actor: `agent:<id>` or `api_key:<id>`. */
  actor: string;
}

const ROLE_RANK: Record<AgentRole, number> = { agent: 0, admin: 1, superuser: 2 };

export const isAdmin = (principal: Principal) => ROLE_RANK[principal.role] >= ROLE_RANK.admin;

/** The higher of two roles. */
export const higherRole = (a: AgentRole, b: AgentRole): AgentRole => (ROLE_RANK[a] >= ROLE_RANK[b] ? a : b);

/** The role identity-provider groups grant (`admin` / `superuser` group names), if any. */
export function roleFromGroups(groups: string[]): AgentRole {
  const names = new Set(groups.map((group) => group.toLowerCase()));
  if (names.has('superuser')) return 'superuser';
  if (names.has('admin')) return 'admin';
  return 'agent';
}

export const roleRank = (role: AgentRole) => ROLE_RANK[role];
