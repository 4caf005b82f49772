// The tenant's configured helpdesks as this browser last read them (settings.get), kept in storage.local for restarts and offline pages.
import { browser } from 'wxt/browser';
import { ZHelpdeskAdapterConfig, type HelpdeskAdapterConfig } from '../../shared/helpdesk-adapters';
import type { BackendConnection } from './backend-connection';

const STORAGE_KEY = 'helpdeskAdapters';

/** What reading the tenant's adapters gave: the list, or why it could not be read. */
export type AdapterRead = { kind: 'read'; adapters: HelpdeskAdapterConfig[] } | { kind: 'unconfigured' } | { kind: 'failed'; error: unknown };

/** The tenant's adapters: the cached list, and a fresh read from the backend. */
export interface HelpdeskAdapterStore {
  /** The list saved by the last successful read (empty before any). */
  cached(): Promise<HelpdeskAdapterConfig[]>;
  /** Asks the backend (settings.get); a successful read replaces the cached list, an unconfigured extension empties it. */
  refresh(): Promise<AdapterRead>;
}

/**
 * Builds the store on the background's backend connection. An entry the schema refuses (written by
 * a newer backend, say) is dropped rather than trusted.
 *
 * @example
 * const store = createHelpdeskAdapterStore(backend);
 * const read = await store.refresh();
 * if (read.kind === 'failed') console.warn('offline: using', await store.cached());
 */
export function createHelpdeskAdapterStore(backend: BackendConnection): HelpdeskAdapterStore {
  const save = (adapters: HelpdeskAdapterConfig[]) => browser.storage.local.set({ [STORAGE_KEY]: adapters });

  return {
    async cached() {
      const stored = (await browser.storage.local.get(STORAGE_KEY))[STORAGE_KEY];
      return validAdapters(stored);
    },

    async refresh() {
      const current = await backend.current().catch(() => null);
      if (!current) {
        await save([]);
        return { kind: 'unconfigured' };
      }
      try {
        const settings = await current.client.settings.get.query();
        const adapters = validAdapters((settings as { helpdeskAdapters?: unknown }).helpdeskAdapters);
        await save(adapters);
        return { kind: 'read', adapters };
      } catch (error) {
        return { kind: 'failed', error };
      }
    },
  };
}

function validAdapters(value: unknown): HelpdeskAdapterConfig[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry) => {
    const parsed = ZHelpdeskAdapterConfig.safeParse(entry);
    return parsed.success ? [parsed.data] : [];
  });
}
