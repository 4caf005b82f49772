// Rotates the tenant's webhook signing secret (HMAC of inbound/agent-reply webhooks); the new one is
// shown once, and the previous one stays valid for a grace period (issue 14 item 4) so connectors can switch over.
import { generateWebhookSecret } from '../../auth/api-key-codec.js';
import type { Principal } from '../../auth/principal.js';
import { TenantEntity } from '../../db/entities/tenancy.entities.js';
import { DomainError } from '../../domain/errors.js';
import { DEFAULT_WEBHOOK_SECRET_GRACE_SECONDS, rotateWebhookSecret } from '../../domain/webhook-secret-grace.js';
import { findOneForUpdate } from '../../platform/row-lock.js';
import { withTransaction, type Infrastructure } from '../../platform/unit-of-work.js';

export interface RotatedWebhookSecret {
  /** The new secret: shown this once, never again. */
  secret: string;
  rotatedAt: string;
  /** Until when webhooks signed with the previous secret are still accepted (null: grace 0, refused at once). */
  previousSecretValidUntil: string | null;
}

export function createWebhookSecretService(infra: Infrastructure, graceSeconds = DEFAULT_WEBHOOK_SECRET_GRACE_SECONDS) {
  return {
    async rotate(principal: Principal): Promise<RotatedWebhookSecret> {
      return withTransaction(infra, principal.tenantId, async (uow) => {
        // Locked: two rotations at once must chain (the second keeps the first's secret in grace), not both keep the oldest.
        const tenant = await findOneForUpdate(uow.manager, TenantEntity, { id: principal.tenantId });
        if (!tenant) throw new DomainError('NOT_FOUND', 'This tenant no longer exists');
        const next = rotateWebhookSecret(tenant, generateWebhookSecret(), uow.now, graceSeconds);
        await uow.manager.getRepository(TenantEntity).update({ id: tenant.id }, next);
        const rotatedAt = uow.now.toISOString();
        const previousSecretValidUntil = next.previousWebhookSecretUntil?.toISOString() ?? null;
        // The event says that it changed and how long the old one lasts, never what either secret is.
        await uow.record({ type: 'webhook_secret.rotated', actor: principal.actor, after: { rotatedAt, previousSecretValidUntil } });
        return { secret: next.webhookSecret, rotatedAt, previousSecretValidUntil };
      });
    },
  };
}
