// The background's answers to each protocol request (extension/messaging.ts).
import type { BackgroundHandlers } from '../messaging';
import { BackendConfigError, loadBackendConfig, redactBackendConfig, saveBackendConfig } from './backend-config';
import { checkBackendHealth, type HealthCheckOptions } from './backend-status';

/** What the handlers need from the outside world; tests pass a fake `fetch`. */
export type BackgroundDeps = HealthCheckOptions;

/**
 * Builds the handlers the background registers with `handleMessages`.
 *
 * @example
 * handleMessages(createBackgroundHandlers());
 */
export function createBackgroundHandlers(deps: BackgroundDeps = {}): BackgroundHandlers {
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
