// First start: create the demo tenant and print its one-time credentials.
import { issueDevToken } from './auth/dev-token.js';
import type { Principal } from './auth/principal.js';
import type { CreatedTenant } from './features/admin/tenants.service.js';
import type { Services } from './features/index.js';

export interface DemoSeed {
  tenantSlug: string;
  adminEmail: string;
  adminName: string;
  /** Acts as the admin agent: the one to paste into the extension (it can take over for itself). */
  extensionApiKey: string;
  /** An integration key (no agent): for webhooks and integrations. */
  apiKey: string;
  webhookSecret: string;
  devToken: string;
}

const DEMO_ADMIN = { email: 'admin@demo.test', name: 'Demo Admin' };

/** Creates an admin-role API key bound to the tenant's first admin (recorded as a system action). */
async function createAdminAgentKey(services: Services, created: CreatedTenant, adminName: string): Promise<string> {
  const system: Principal = {
    tenantId: created.tenant.id,
    tenantSlug: created.tenant.slug,
    via: 'api_key',
    agentId: created.admin.id,
    apiKeyId: null,
    role: 'admin',
    groups: [],
    displayName: 'System',
    actor: 'system',
  };
  const { key } = await services.apiKeys.create(system, { name: `Extension key (${adminName})`, role: 'admin', agentId: created.admin.id });
  return key;
}

/** Seeds the demo tenant when the database has no tenant yet; returns null when it already had one. */
export async function seedDemoTenantOnFirstStart(services: Services): Promise<DemoSeed | null> {
  if ((await services.tenants.count()) > 0) return null;
  let created;
  try {
    created = await services.tenants.create({ slug: 'demo', name: 'Demo Company', admin: DEMO_ADMIN, teamName: 'Support' });
  } catch (error) {
    // Two processes starting together on a fresh database: the other one seeded first.
    if ((await services.tenants.count()) > 0) return null;
    throw error;
  }
  const extensionApiKey = await createAdminAgentKey(services, created, DEMO_ADMIN.name);
  const devToken = await issueDevToken(services.infra.db, { tenantId: created.tenant.id, agentId: created.admin.id }, services.infra.clock.now());
  return {
    tenantSlug: created.tenant.slug,
    adminEmail: created.admin.email,
    adminName: DEMO_ADMIN.name,
    extensionApiKey,
    apiKey: created.apiKey,
    webhookSecret: created.webhookSecret,
    devToken,
  };
}
