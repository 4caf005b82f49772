// The configured-helpdesk feature as the background starts it: adapter store, registrations, handlers, and what triggers a sync.
import type { BatonEvent } from '../../shared/events';
import type { BackendConnection } from './backend-connection';
import { createHelpdeskAdapterStore } from './helpdesk-adapter-store';
import { createHelpdeskHandlers, type HelpdeskHandlers, type ProbeApis } from './helpdesk-handlers';
import { createHelpdeskRegistrations, type RegistrationApis } from './helpdesk-registrations';
import { onManagedPolicyChanged } from './managed-policy';

/** The running feature. */
export interface ConfiguredHelpdesks {
  handlers: HelpdeskHandlers;
  /** An event from the stream: `settings.changed` re-reads the tenant's adapters. */
  eventReceived(event: BatonEvent): void;
  /** The backend configuration changed (another tenant, or signed out): re-read. */
  configChanged(): void;
  stop(): void;
}

export interface ConfiguredHelpdeskOptions {
  backend: BackendConnection;
  /** Tests pass doubles; default: the browser's permissions and scripting APIs. */
  registrationApis?: RegistrationApis;
  probe?: ProbeApis;
}

/**
 * Starts the feature: one sync now (the worker may have slept through a change), then on
 * `settings.changed`, a new backend configuration, granted or removed permissions and a changed
 * policy. A browser without these APIs (a test double) only loses the automatic syncs.
 *
 * @example
 * const helpdesks = startConfiguredHelpdesks({ backend });
 * handleMessages({ ...otherHandlers, ...helpdesks.handlers });
 */
export function startConfiguredHelpdesks(options: ConfiguredHelpdeskOptions): ConfiguredHelpdesks {
  const registrations = createHelpdeskRegistrations({ store: createHelpdeskAdapterStore(options.backend), apis: options.registrationApis });
  const sync = () => void registrations.sync().catch(() => undefined);
  const stops: Array<() => void> = [];
  try {
    stops.push(registrations.followPermissions());
  } catch {
    // no permissions events here (a test browser): syncs still run on the other triggers
  }
  stops.push(onManagedPolicyChanged(({ allowedHelpdeskOriginsChanged }) => {
    if (allowedHelpdeskOriginsChanged) void registrations.reconcile().catch(() => undefined);
  }));
  sync();

  return {
    handlers: createHelpdeskHandlers({ registrations, probe: options.probe }),
    eventReceived(event) {
      if (event.type === 'settings.changed') sync();
    },
    configChanged: sync,
    stop: () => stops.splice(0).forEach((stop) => stop()),
  };
}
