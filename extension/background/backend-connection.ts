// The current backend: the saved configuration and its tRPC client, rebuilt when options save a new one.
import { loadBackendConfig, onBackendConfigChanged, type BackendConfig } from './backend-config';
import { createBatonClient, type BatonClient } from './baton-client';

/** A configured backend: where it is and the client that carries the credential. */
export interface CurrentBackend {
  config: BackendConfig;
  client: BatonClient;
}

/** The background's single source of "which backend, with which client". */
export interface BackendConnection {
  /** The configured backend, or null when nothing (valid) is saved. Built once per configuration. */
  current(): Promise<CurrentBackend | null>;
  /** Calls `listener` after the configuration changed (the next `current()` has the new client). */
  onChange(listener: () => void): () => void;
  /** Stops following storage changes. */
  dispose(): void;
}

/** Dependencies of {@link createBackendConnection}; tests pass a client factory on a fake transport. */
export interface BackendConnectionOptions {
  createClient?: (config: BackendConfig) => BatonClient;
}

/**
 * Follows the saved configuration: the client is built lazily and rebuilt after every change.
 *
 * @example
 * const backend = createBackendConnection();
 * const current = await backend.current();
 * if (current) await current.client.events.latestId.query();
 */
export function createBackendConnection(options: BackendConnectionOptions = {}): BackendConnection {
  const createClient = options.createClient ?? ((config: BackendConfig) => createBatonClient(config));
  const listeners = new Set<() => void>();
  let pending: Promise<CurrentBackend | null> | null = null;

  const stopFollowing = onBackendConfigChanged(() => {
    pending = null;
    for (const listener of [...listeners]) listener();
  });

  return {
    current() {
      if (!pending) {
        const loading: Promise<CurrentBackend | null> = loadBackendConfig().then(
          (config) => (config ? { config, client: createClient(config) } : null),
          () => {
            if (pending === loading) pending = null; // storage failed: ask again next time
            return null;
          },
        );
        pending = loading;
      }
      return pending;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose() {
      stopFollowing();
      listeners.clear();
    },
  };
}
