// The background's answers to each protocol request (extension/messaging.ts).
import type { BackgroundHandlers } from '../messaging';
import { BackendConfigError, loadBackendConfig, loadSavedBackendUrl, redactBackendConfig, saveBackendConfig } from './backend-config';
import { checkBackendHealth, type HealthCheckOptions } from './backend-status';
import type { HelpdeskHandlers } from './helpdesk-handlers';
import { createNotificationPreferenceHandlers } from './notification-preferences';
import type { OptionsHandlers } from './options-handlers';
import type { OverlayActionHandlers } from './overlay-actions';
import { createPolicyHandlers } from './policy-handlers';
import type { PopupHandlers } from './popup-handlers';

/** The requests popup and options send. */
export type ConfigHandlers = Pick<BackgroundHandlers, 'config.get' | 'config.save' | 'backend.status'>;

/** What the handlers need: a `fetch` for the health probe (tests fake it) and the overlay actions. */
export type BackgroundDeps = HealthCheckOptions & {
  overlayActions: OverlayActionHandlers;
  optionsHandlers: OptionsHandlers;
  popupHandlers: PopupHandlers;
  helpdeskHandlers: HelpdeskHandlers;
};

/**
 * The configuration and status handlers. Saving a configuration restarts the client and the event
 * stream through the storage change (backend-connection.ts), not from here.
 */
export function createConfigHandlers(deps: HealthCheckOptions = {}): ConfigHandlers {
  return {
    // Signed out (no credential): the URL the agent saved stays in the form.
    'config.get': async () => {
      const config = await loadBackendConfig();
      return config ? redactBackendConfig(config) : { ...redactBackendConfig(null), url: await loadSavedBackendUrl() };
    },

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
      if (!config) return { configured: false, url: await loadSavedBackendUrl() };
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
  const { overlayActions, optionsHandlers, popupHandlers, helpdeskHandlers, ...health } = deps;
  return {
    ...createConfigHandlers(health),
    ...overlayActions,
    ...optionsHandlers,
    ...popupHandlers,
    ...createPolicyHandlers(),
    ...createNotificationPreferenceHandlers(),
    ...helpdeskHandlers,
  };
}
