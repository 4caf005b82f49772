// The per-tenant webhook limit (issue 14 item 5): after the signature check, so only the tenant's own
// senders can spend its budget; a refusal is a 429 with Retry-After and stores nothing.
import type { Context } from 'koa';
import { describePolicy, type RateLimits } from '../platform/rate-limit/rate-limits.js';

/**
 * Takes one webhook request from the tenant's budget; over it, answers 429 and returns false.
 * @example if (!(await admitTenantWebhook(ctx, services.rateLimits, tenant.id))) return;
 */
export async function admitTenantWebhook(ctx: Context, limits: RateLimits, tenantId: string): Promise<boolean> {
  const decision = await limits.takeWebhook(tenantId);
  if (decision.allowed) return true;
  ctx.status = 429;
  ctx.set('Retry-After', String(decision.retryAfterSeconds));
  ctx.body = { error: `Too many webhook requests for this tenant: at most ${describePolicy(decision.policy)}. Nothing was stored; retry after ${decision.retryAfterSeconds} s.` };
  return false;
}
