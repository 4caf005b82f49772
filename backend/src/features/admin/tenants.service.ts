// Creates a tenant with its settings, first admin, first team, an admin API key and a webhook secret.
import { randomUUID } from 'node:crypto';
import { DEFAULT_TENANT_SETTINGS } from '../../../../shared/settings.js';
import { generateApiKey, generateWebhookSecret } from '../../auth/api-key-codec.js';
import {
  AgentEntity,
  ApiKeyEntity,
  SettingsEntity,
  TeamEntity,
  TeamMemberEntity,
  TenantEntity,
  type AgentRow,
  type TenantRow,
} from '../../db/entities/tenancy.entities.js';
import { DomainError } from '../../domain/errors.js';
import { withTransaction, type Infrastructure } from '../../platform/unit-of-work.js';

export interface CreateTenantCommand {
  slug: string;
  name: string;
  admin: { email: string; name: string };
  teamName?: string;
}

/** Everything a new tenant's owner needs, including the secrets that are shown only now. */
export interface CreatedTenant {
  tenant: { id: string; slug: string; name: string };
  admin: { id: string; email: string };
  team: { id: string; name: string };
  apiKey: string;
  webhookSecret: string;
}

export function createTenantsService(infra: Infrastructure) {
  return {
    async create(command: CreateTenantCommand): Promise<CreatedTenant> {
      const tenantId = randomUUID();
      return withTransaction(infra, tenantId, async (uow) => {
        const { manager, now } = uow;
        if (await manager.getRepository(TenantEntity).existsBy({ slug: command.slug })) {
          throw new DomainError('CONFLICT', `A tenant with the slug "${command.slug}" already exists`, 'slug');
        }
        const tenant: TenantRow = { id: tenantId, slug: command.slug, name: command.name, webhookSecret: generateWebhookSecret(), previousWebhookSecret: null, previousWebhookSecretUntil: null, createdAt: now };
        const admin: AgentRow = {
          id: randomUUID(),
          tenantId,
          email: command.admin.email.toLowerCase(),
          name: command.admin.name,
          role: 'admin',
          externalSubject: null,
          active: true,
          createdAt: now,
        };
        const team = { id: randomUUID(), tenantId, name: command.teamName ?? 'Support', createdAt: now };
        const key = generateApiKey();
        await manager.getRepository(TenantEntity).insert(tenant);
        await manager.getRepository(SettingsEntity).insert({ tenantId, values: { ...DEFAULT_TENANT_SETTINGS, escalationTeamId: team.id } as never, version: 1, updatedAt: now });
        await manager.getRepository(AgentEntity).insert(admin);
        await manager.getRepository(TeamEntity).insert(team);
        await manager.getRepository(TeamMemberEntity).insert({ teamId: team.id, agentId: admin.id, tenantId, createdAt: now });
        await manager.getRepository(ApiKeyEntity).insert({
          id: randomUUID(),
          tenantId,
          name: 'Initial admin key',
          role: 'admin',
          agentId: null,
          prefix: key.prefix,
          keyHash: key.keyHash,
          createdAt: now,
          lastUsedAt: null,
          revokedAt: null,
        });
        await uow.record({ type: 'tenant.created', actor: 'system', after: { id: tenantId, slug: tenant.slug, name: tenant.name, adminId: admin.id, teamId: team.id } });
        return {
          tenant: { id: tenantId, slug: tenant.slug, name: tenant.name },
          admin: { id: admin.id, email: admin.email },
          team: { id: team.id, name: team.name },
          apiKey: key.key,
          webhookSecret: tenant.webhookSecret,
        };
      });
    },

    async count(): Promise<number> {
      return infra.db.getRepository(TenantEntity).count();
    },
  };
}
