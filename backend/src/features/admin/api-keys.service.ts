// Admin use cases for API keys: create (shown once), list, revoke.
import { randomUUID } from 'node:crypto';
import { generateApiKey } from '../../auth/api-key-codec.js';
import type { Principal } from '../../auth/principal.js';
import { AgentEntity, ApiKeyEntity, type ApiKeyRole, type ApiKeyRow } from '../../db/entities/tenancy.entities.js';
import { DomainError } from '../../domain/errors.js';
import { withTransaction, type Infrastructure } from '../../platform/unit-of-work.js';
import { apiKeyDto, type ApiKeyDto } from './dto.js';

export interface CreateApiKeyCommand {
  name: string;
  role: ApiKeyRole;
  /** The agent the key acts for; absent: an integration key acting under its own name. */
  agentId?: string | null;
}

export function createApiKeysService(infra: Infrastructure) {
  return {
    /** Creates a key; the returned `key` is the only time anyone sees it. */
    async create(principal: Principal, command: CreateApiKeyCommand): Promise<{ apiKey: ApiKeyDto; key: string }> {
      return withTransaction(infra, principal.tenantId, async (uow) => {
        if (command.agentId) {
          const agent = await uow.manager.getRepository(AgentEntity).findOneBy({ id: command.agentId, tenantId: principal.tenantId });
          if (!agent) throw new DomainError('NOT_FOUND', 'Agent not found', 'agentId');
          if (command.role === 'admin' && agent.role === 'agent') {
            throw new DomainError('BAD_REQUEST', `${agent.name} is not an admin, so their key cannot have the admin role`, 'role');
          }
        }
        const generated = generateApiKey();
        const row: ApiKeyRow = {
          id: randomUUID(),
          tenantId: principal.tenantId,
          name: command.name.trim(),
          role: command.role,
          agentId: command.agentId ?? null,
          prefix: generated.prefix,
          keyHash: generated.keyHash,
          createdAt: uow.now,
          lastUsedAt: null,
          revokedAt: null,
        };
        await uow.manager.getRepository(ApiKeyEntity).insert(row);
        await uow.record({
          type: 'api_key.created',
          actor: principal.actor,
          after: { id: row.id, name: row.name, role: row.role, agentId: row.agentId, prefix: row.prefix },
        });
        return { apiKey: apiKeyDto(row), key: generated.key };
      });
    },

    async list(principal: Principal): Promise<ApiKeyDto[]> {
      const rows = await infra.db.getRepository(ApiKeyEntity).find({ where: { tenantId: principal.tenantId }, order: { createdAt: 'DESC' } });
      return rows.map(apiKeyDto);
    },

    /** Idempotent: revoking a revoked key returns it unchanged. */
    async revoke(principal: Principal, command: { id: string }): Promise<ApiKeyDto> {
      return withTransaction(infra, principal.tenantId, async (uow) => {
        const repository = uow.manager.getRepository(ApiKeyEntity);
        const row = await repository.findOneBy({ id: command.id, tenantId: principal.tenantId });
        if (!row) throw new DomainError('NOT_FOUND', 'API key not found', 'id');
        if (row.revokedAt) return apiKeyDto(row);
        const result = await repository
          .createQueryBuilder()
          .update()
          .set({ revokedAt: uow.now })
          .where('id = :id AND tenant_id = :tenantId AND revoked_at IS NULL', { id: row.id, tenantId: principal.tenantId })
          .execute();
        if (result.affected) {
          uow.credentialsChanged();
          await uow.record({ type: 'api_key.revoked', actor: principal.actor, before: { id: row.id, prefix: row.prefix, revokedAt: null }, after: { id: row.id, prefix: row.prefix, revokedAt: uow.now.toISOString() } });
        }
        return apiKeyDto({ ...row, revokedAt: uow.now });
      });
    },
  };
}
