// First start: create the demo tenant and print its one-time credentials.
import { issueDevToken } from './auth/dev-token.js';
import type { Services } from './services/index.js';

export interface DemoSeed {
  tenantSlug: string;
  adminEmail: string;
  apiKey: string;
  webhookSecret: string;
  devToken: string;
}

/** Seeds the demo tenant when the database has no tenant yet; returns null when it already had one. */
export async function seedDemoTenantOnFirstStart(services: Services): Promise<DemoSeed | null> {
  if ((await services.tenants.count()) > 0) return null;
  let created;
  try {
    created = await services.tenants.create({
      slug: 'demo',
      name: 'Demo Company',
      admin: { email: 'admin@demo.test', name: 'Demo Admin' },
      teamName: 'Support',
    });
  } catch (error) {
    // Two processes starting together on a fresh database: the other one seeded first.
    if ((await services.tenants.count()) > 0) return null;
    throw error;
  }
  const devToken = await issueDevToken(services.infra.db, { tenantId: created.tenant.id, agentId: created.admin.id }, services.infra.clock.now());
  return { tenantSlug: created.tenant.slug, adminEmail: created.admin.email, apiKey: created.apiKey, webhookSecret: created.webhookSecret, devToken };
}
