// Reads a tenant's settings document with defaults applied (shape: shared/settings.ts).
import type { DataSource, EntityManager } from 'typeorm';
import { ZTenantSettings, type TenantSettings } from '../../../shared/settings.js';
import { SettingsEntity, type SettingsRow } from '../db/entities/tenancy.entities.js';
import type { TenantDocumentCache } from './tenant-document-cache.js';

/** The tenant's settings and the stored row's version (0: no row yet, defaults apply). */
export interface VersionedSettings {
  settings: TenantSettings;
  version: number;
}

const cachesByDatabase = new WeakMap<DataSource, TenantDocumentCache<TenantSettings>>();

/** From now on `readTenantSettings` on this database answers from `cache` where it can. */
export function useSettingsCache(db: DataSource, cache: TenantDocumentCache<TenantSettings>): void {
  cachesByDatabase.set(db, cache);
}

/** The settings every rule reads: this process's copy when it has a current one (platform/tenant-document-cache.ts). */
export async function readTenantSettings(manager: EntityManager, tenantId: string): Promise<TenantSettings> {
  const cache = cachesByDatabase.get(manager.connection);
  if (cache) return cache.read(tenantId, async () => {
    const { settings, version } = await readVersionedSettings(manager, tenantId);
    return { document: settings, version };
  });
  return (await readVersionedSettings(manager, tenantId)).settings;
}

/** The stored settings with the version an update must name (settings.update's optimistic check); never cached. */
export async function readVersionedSettings(manager: EntityManager, tenantId: string): Promise<VersionedSettings> {
  const row = await manager.getRepository(SettingsEntity).findOneBy({ tenantId });
  return { settings: settingsOfRow(row), version: row?.version ?? 0 };
}

function settingsOfRow(row: SettingsRow | null): TenantSettings {
  if (!row) return structuredClone(DEFAULTS);
  // Parsing is a measurable share of a request: parsed once per distinct stored document.
  const key = JSON.stringify(row.values ?? {});
  let settings = parsedByDocument.get(key);
  if (!settings) {
    const parsed = ZTenantSettings.safeParse(row.values ?? {});
    // A stored document that no longer parses (an old shape) falls back to defaults, except its
    // guardrails: dropping them would let every draft out (they fail closed, issue 11 item 6).
    settings = parsed.success ? parsed.data : withStoredGuardrails(row.values);
    if (parsedByDocument.size >= MAX_CACHED_DOCUMENTS) parsedByDocument.delete(parsedByDocument.keys().next().value!);
    parsedByDocument.set(key, settings);
  }
  return structuredClone(settings);
}

/**
 * Defaults (or the document's other fields, if only its guardrails fail) with the stored blocked
 * patterns kept as they are, unvalidated: one that no longer passes validation (say a lookahead,
 * saved before patterns ran on RE2) is still enforced, and an unevaluable one blocks every draft.
 */
function withStoredGuardrails(values: unknown): TenantSettings {
  const document = (values ?? {}) as Record<string, unknown>;
  const { guardrails, ...others } = document;
  const rest = ZTenantSettings.safeParse(others);
  const stored = (guardrails as { blockedPatterns?: unknown } | undefined)?.blockedPatterns;
  const blockedPatterns = Array.isArray(stored) ? stored.filter((pattern): pattern is string => typeof pattern === 'string') : [];
  return { ...(rest.success ? rest.data : DEFAULTS), guardrails: { blockedPatterns } };
}

const DEFAULTS: TenantSettings = Object.freeze(ZTenantSettings.parse({}));
const MAX_CACHED_DOCUMENTS = 1_000;
const parsedByDocument = new Map<string, TenantSettings>();
