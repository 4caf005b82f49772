// Reads a tenant's settings document with defaults applied (shape: shared/settings.ts).
import type { EntityManager } from 'typeorm';
import { ZTenantSettings, type TenantSettings } from '../../../shared/settings.js';
import { SettingsEntity } from '../db/entities/tenancy.entities.js';

export async function readTenantSettings(manager: EntityManager, tenantId: string): Promise<TenantSettings> {
  const row = await manager.getRepository(SettingsEntity).findOneBy({ tenantId });
  const parsed = ZTenantSettings.safeParse(row?.values ?? {});
  // A stored document that no longer parses (an old shape) falls back to defaults field by field.
  return parsed.success ? parsed.data : ZTenantSettings.parse({});
}
