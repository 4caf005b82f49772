// Rotates the tenant's webhook signing secret (HMAC of inbound/agent-reply webhooks); shown once.
import { generateWebhookSecret } from '../../auth/api-key-codec.js';
import type { Principal } from '../../auth/principal.js';
import { TenantEntity } from '../../db/entities/tenancy.entities.js';
import { withTransaction, type Infrastructure } from '../../platform/unit-of-work.js';

export function createWebhookSecretService(infra: Infrastructure) {
  return {
    async rotate(principal: Principal): Promise<{ secret: string; rotatedAt: string }> {
      return withTransaction(infra, principal.tenantId, async (uow) => {
        const secret = generateWebhookSecret();
        await uow.manager.getRepository(TenantEntity).update({ id: principal.tenantId }, { webhookSecret: secret });
        // The event says that it changed, never what it is.
        await uow.record({ type: 'webhook_secret.rotated', actor: principal.actor, after: { rotatedAt: uow.now.toISOString() } });
        return { secret, rotatedAt: uow.now.toISOString() };
      });
    },
  };
}
