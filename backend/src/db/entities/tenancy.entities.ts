// Tenants, their settings, teams, agents, team membership and API keys.
import { EntitySchema } from 'typeorm';
import {
  booleanColumn,
  instantColumn,
  jsonColumn,
  textColumn,
  uuidColumn,
  uuidPrimary,
} from './columns.js';

export const AGENT_ROLES = ['agent', 'admin', 'superuser'] as const;
export type AgentRole = (typeof AGENT_ROLES)[number];

export interface TenantRow {
  id: string;
  /** Stable public handle used in webhooks (`tenant` field) and URLs. */
  slug: string;
  name: string;
  /** HMAC key for signed webhooks; never returned after rotation. */
  webhookSecret: string;
  /** The secret before the last rotation, still accepted until previousWebhookSecretUntil; null: none. Never returned. */
  previousWebhookSecret: string | null;
  /** End of the previous secret's grace period; null when there is no previous secret. */
  previousWebhookSecretUntil: Date | null;
  createdAt: Date;
}

export const TenantEntity = new EntitySchema<TenantRow>({
  name: 'Tenant',
  tableName: 'tenants',
  columns: {
    id: uuidPrimary,
    slug: textColumn('slug', 64),
    name: textColumn('name', 200),
    webhookSecret: textColumn('webhook_secret', 128),
    previousWebhookSecret: textColumn('previous_webhook_secret', 128, true),
    previousWebhookSecretUntil: instantColumn('previous_webhook_secret_until', true),
    createdAt: instantColumn('created_at'),
  },
});

export interface SettingsRow {
  tenantId: string;
  /** The tenant's settings document (shape: shared/settings.ts); absent keys take defaults. */
  values: Record<string, unknown>;
  /** Optimistic version, bumped on every update. */
  version: number;
  updatedAt: Date;
}

export const SettingsEntity = new EntitySchema<SettingsRow>({
  name: 'Settings',
  tableName: 'settings',
  columns: {
    tenantId: { ...uuidColumn('tenant_id'), primary: true },
    values: jsonColumn('values'),
    version: { type: 'int', name: 'version' },
    updatedAt: instantColumn('updated_at'),
  },
});

export interface TeamRow {
  id: string;
  tenantId: string;
  name: string;
  createdAt: Date;
}

export const TeamEntity = new EntitySchema<TeamRow>({
  name: 'Team',
  tableName: 'teams',
  columns: {
    id: uuidPrimary,
    tenantId: uuidColumn('tenant_id'),
    name: textColumn('name', 120),
    createdAt: instantColumn('created_at'),
  },
});

export interface AgentRow {
  id: string;
  tenantId: string;
  email: string;
  name: string;
  role: AgentRole;
  /** The identity provider's `sub` for this agent; null until they first sign in with a JWT. */
  externalSubject: string | null;
  /** False: the agent can no longer sign in (rows are never deleted: the timeline names them). */
  active: boolean;
  createdAt: Date;
}

export const AgentEntity = new EntitySchema<AgentRow>({
  name: 'Agent',
  tableName: 'agents',
  columns: {
    id: uuidPrimary,
    tenantId: uuidColumn('tenant_id'),
    email: textColumn('email', 254),
    name: textColumn('name', 200),
    role: textColumn('role', 16) as never,
    externalSubject: textColumn('external_subject', 255, true),
    active: booleanColumn('active'),
    createdAt: instantColumn('created_at'),
  },
});

export interface TeamMemberRow {
  teamId: string;
  agentId: string;
  tenantId: string;
  createdAt: Date;
}

export const TeamMemberEntity = new EntitySchema<TeamMemberRow>({
  name: 'TeamMember',
  tableName: 'team_members',
  columns: {
    teamId: { ...uuidColumn('team_id'), primary: true },
    agentId: { ...uuidColumn('agent_id'), primary: true },
    tenantId: uuidColumn('tenant_id'),
    createdAt: instantColumn('created_at'),
  },
});

export const API_KEY_ROLES = ['agent', 'admin'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

export interface ApiKeyRow {
  id: string;
  tenantId: string;
  name: string;
  role: ApiKeyRole;
  /** The agent this key acts for; null means an integration key acting under its own name. */
  agentId: string | null;
  /** First characters of the key (`bk_ab12…`), shown in lists so people can tell keys apart. */
  prefix: string;
  /** SHA-256 of the whole key, hex; the key itself is shown once and never stored. */
  keyHash: string;
  createdAt: Date;
  /** Null: never used yet. */
  lastUsedAt: Date | null;
  /** Null: the key still works. */
  revokedAt: Date | null;
}

export const ApiKeyEntity = new EntitySchema<ApiKeyRow>({
  name: 'ApiKey',
  tableName: 'api_keys',
  columns: {
    id: uuidPrimary,
    tenantId: uuidColumn('tenant_id'),
    name: textColumn('name', 120),
    role: textColumn('role', 16) as never,
    agentId: uuidColumn('agent_id', true),
    prefix: textColumn('prefix', 16),
    keyHash: textColumn('key_hash', 64),
    createdAt: instantColumn('created_at'),
    lastUsedAt: instantColumn('last_used_at', true),
    revokedAt: instantColumn('revoked_at', true),
  },
});

export interface InstanceSecretRow {
  /** e.g. `dev_token_signing_key`. */
  name: string;
  value: string;
  createdAt: Date;
}

/** Secrets of the installation itself (not of a tenant), shared by every backend process. */
export const InstanceSecretEntity = new EntitySchema<InstanceSecretRow>({
  name: 'InstanceSecret',
  tableName: 'instance_secrets',
  columns: {
    name: { type: 'varchar', length: 64, primary: true },
    value: textColumn('value', 255),
    createdAt: instantColumn('created_at'),
  },
});
