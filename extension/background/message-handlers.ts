// The background's answers to each protocol request (extension/messaging.ts).
import type { BackgroundHandlers } from '../messaging';
import { BackendConfigError, loadBackendConfig, redactBackendConfig, saveBackendConfig } from './backend-config';
import { checkBackendHealth, type HealthCheckOptions } from './backend-status';
import type { OverlayActionHandlers } from './overlay-actions';

/** The requests popup and options send. */
export type ConfigHandlers = Pick<BackgroundHandlers, 'config.get' | 'config.save' | 'backend.status'>;

/** What the handlers need: a `fetch` for the health probe (tests fake it) and the overlay actions. */
export type BackgroundDeps = HealthCheckOptions & { overlayActions: OverlayActionHandlers };

/**
 * The configuration and status handlers. Saving a configuration restarts the client and the event
 * stream through the storage change (backend-connection.ts), not from here.
 */
export function createConfigHandlers(deps: HealthCheckOptions = {}): ConfigHandlers {
  return {
    'config.get': async () => redactBackendConfig(await loadBackendConfig()),

    'config.save': async ({ url, credential }) => {
      // Pages never receive the credential, so a blank one means "keep the saved one".
      const saved = credential.trim() === '' ? await loadBackendConfig() : null;
      try {
        const config = await saveBackendConfig({ url, credential: saved?.credential ?? credential });
        return { ok: true, config: redactBackendConfig(config) };
      } catch (error) {
        if (error instanceof BackendConfigError) return { ok: false, fieldErrors: error.fieldErrors };
        throw error;
      }
    },

    'backend.status': async () => {
      const config = await loadBackendConfig();
      if (!config) return { configured: false, url: redactBackendConfig(null).url };
      return { configured: true, url: config.url, ...(await checkBackendHealth(config.url, deps)) };
    },
  };
}

/**
 * Builds every handler the background registers with `handleMessages`.
 *
 * @example
 * handleMessages(createBackgroundHandlers({ overlayActions: createOverlayActionHandlers({ backend, hub }) }));
 */
export function createBackgroundHandlers(deps: BackgroundDeps): BackgroundHandlers {
  const { overlayActions, ...health } = deps;
  return { ...notYetBuilt, ...createConfigHandlers(health), ...overlayActions };
}

// Issue 10 in progress: each feature replaces its entries with real handlers (and deletes them here).
const notBuilt = () => {
  throw new Error('Not built yet');
};
const notYetBuilt: Omit<BackgroundHandlers, keyof ConfigHandlers | keyof OverlayActionHandlers> = {
  'popup.state': notBuilt,
  'popup.openConversation': notBuilt,
  'connection.test': notBuilt,
  'config.signOut': notBuilt,
  'me.get': notBuilt,
  'settings.get': notBuilt,
  'settings.update': notBuilt,
  'rules.list': notBuilt,
  'rules.save': notBuilt,
  'notifications.getMuted': notBuilt,
  'notifications.setMuted': notBuilt,
  'policy.get': notBuilt,
  'helpdesks.status': notBuilt,
  'helpdesks.sync': notBuilt,
  'helpdesks.testOnTab': notBuilt,
  'helpdesks.adapterForPage': notBuilt,
};
