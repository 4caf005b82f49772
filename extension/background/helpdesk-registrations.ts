// Keeps the configured-helpdesk content script registered exactly on origins that are configured ∩ granted ∩ allowed by policy.
import { browser } from 'wxt/browser';
import type { HelpdeskAdapterConfig } from '../../shared/helpdesk-adapters';
import type { HelpdeskRegistrationView } from '../protocol/helpdesks';
import type { HelpdeskAdapterStore } from './helpdesk-adapter-store';
import { isOriginAllowedByPolicy, NO_POLICY, readManagedPolicy, type ManagedPolicyView } from './managed-policy';

/** The built file of entrypoints/configured-helpdesk.content (WXT `registration: 'runtime'`). */
export const CONFIGURED_HELPDESK_SCRIPT = 'content-scripts/configured-helpdesk.js';
/** Registration ids are this prefix plus the origin: one registration per helpdesk origin. */
const REGISTRATION_PREFIX = 'baton-helpdesk:';

/** `https://desk.example.com/*`: the match pattern and permission for an origin (a port stays). */
export function originPattern(origin: string): string {
  return `${origin}/*`;
}

/** A content script registration as the scripting API reports it (only what is compared). */
export interface ScriptRegistration {
  id: string;
  matches?: string[];
  js?: string[];
}

/** The browser APIs the registrations use; tests pass an in-memory double. */
export interface RegistrationApis {
  containsOrigin(origin: string): Promise<boolean>;
  /** Gives the origin's host permission back; false (or a rejection) when the browser keeps it. */
  removeOrigin(origin: string): Promise<boolean>;
  registered(): Promise<ScriptRegistration[]>;
  register(scripts: Array<ScriptRegistration & { matches: string[]; js: string[] }>): Promise<void>;
  unregister(ids: string[]): Promise<void>;
}

/** The configured helpdesks in this browser. */
export interface HelpdeskRegistrations {
  /** Reads the tenant's adapters from the backend (the cached list when it cannot), gives back the permission of origins an admin removed, and reconciles. */
  sync(): Promise<HelpdeskRegistrationView[]>;
  /** Reconciles the cached adapters with the permissions and policy as they are now (no backend call). */
  reconcile(): Promise<HelpdeskRegistrationView[]>;
  /** Each cached adapter's state in this browser; changes nothing. */
  status(): Promise<HelpdeskRegistrationView[]>;
  /** The cached adapter serving `url` (its origin, allowed by policy; one whose urlPattern matches first); null when none. */
  adapterForPage(url: string): Promise<HelpdeskAdapterConfig | null>;
  /** Re-runs {@link reconcile} when permissions are granted or removed; returns a function that stops. */
  followPermissions(): () => void;
}

export interface HelpdeskRegistrationDeps {
  store: HelpdeskAdapterStore;
  apis?: RegistrationApis;
  readPolicy?: () => Promise<ManagedPolicyView>;
  log?: Pick<Console, 'warn'>;
}

/**
 * Builds the registrations. Every change runs one at a time (a registration racing another with
 * the same id would fail).
 *
 * @example
 * const registrations = createHelpdeskRegistrations({ store: createHelpdeskAdapterStore(backend) });
 * void registrations.sync(); // on start and after every settings.changed event
 */
export function createHelpdeskRegistrations(deps: HelpdeskRegistrationDeps): HelpdeskRegistrations {
  const apis = deps.apis ?? browserRegistrationApis;
  const readPolicy = deps.readPolicy ?? (() => readManagedPolicy().catch(() => NO_POLICY));
  const log = deps.log ?? console;
  let queue: Promise<unknown> = Promise.resolve();

  /** Runs `task` after every change queued before it. */
  function serialized<T>(task: () => Promise<T>): Promise<T> {
    const run = queue.then(task);
    queue = run.catch(() => undefined);
    return run;
  }

  async function statusOf(adapters: HelpdeskAdapterConfig[], policy: ManagedPolicyView): Promise<HelpdeskRegistrationView[]> {
    const granted = await grantedOrigins(adapters);
    const registered = new Set((await apis.registered()).map((script) => script.id));
    return adapters.map((adapter) => ({
      adapterId: adapter.id,
      name: adapter.name,
      origin: adapter.origin,
      granted: granted.has(adapter.origin),
      registered: registered.has(registrationId(adapter.origin)),
      allowedByPolicy: isOriginAllowedByPolicy(adapter.origin, policy),
    }));
  }

  async function grantedOrigins(adapters: HelpdeskAdapterConfig[]): Promise<Set<string>> {
    const origins = [...new Set(adapters.map((adapter) => adapter.origin))];
    const granted = await Promise.all(origins.map((origin) => apis.containsOrigin(origin).catch(() => false)));
    return new Set(origins.filter((_origin, index) => granted[index]));
  }

  async function reconcileWith(adapters: HelpdeskAdapterConfig[]): Promise<HelpdeskRegistrationView[]> {
    const policy = await readPolicy();
    const granted = await grantedOrigins(adapters);
    const wanted = new Set([...granted].filter((origin) => isOriginAllowedByPolicy(origin, policy)).map(registrationId));
    const ours = (await apis.registered()).filter((script) => script.id.startsWith(REGISTRATION_PREFIX));
    const current = ours.filter((script) => script.js?.length === 1 && script.js[0] === CONFIGURED_HELPDESK_SCRIPT);

    const stale = ours.filter((script) => !wanted.has(script.id) || !current.includes(script)).map((script) => script.id);
    if (stale.length > 0) await apis.unregister(stale).catch((error: unknown) => log.warn(`Baton: could not unregister helpdesk scripts ${stale.join(', ')}: ${String(error)}`));
    const kept = new Set(current.filter((script) => wanted.has(script.id)).map((script) => script.id));
    for (const id of wanted) {
      if (kept.has(id)) continue;
      // One at a time: an origin the browser refuses must not keep the others unregistered.
      const origin = id.slice(REGISTRATION_PREFIX.length);
      await apis
        .register([{ id, matches: [originPattern(origin)], js: [CONFIGURED_HELPDESK_SCRIPT] }])
        .catch((error: unknown) => log.warn(`Baton: could not register the helpdesk script for ${origin}: ${String(error)}`));
    }
    return statusOf(adapters, policy);
  }

  /** Gives back the permission of origins that were configured and no longer are (an admin removed them). */
  async function giveBackRemoved(previous: HelpdeskAdapterConfig[], now: HelpdeskAdapterConfig[]): Promise<void> {
    const stillUsed = new Set(now.map((adapter) => adapter.origin));
    const removed = [...new Set(previous.map((adapter) => adapter.origin))].filter((origin) => !stillUsed.has(origin));
    for (const origin of removed) {
      // The manifest's own hosts (127.0.0.1, localhost) cannot be given back: the browser refuses, which is fine.
      if (await apis.containsOrigin(origin).catch(() => false)) await apis.removeOrigin(origin).catch(() => false);
    }
  }

  const registrations: HelpdeskRegistrations = {
    sync: () =>
      serialized(async () => {
        const previous = await deps.store.cached();
        const read = await deps.store.refresh();
        if (read.kind === 'failed') return reconcileWith(previous); // offline: keep serving what we knew
        const adapters = read.kind === 'read' ? read.adapters : [];
        await giveBackRemoved(previous, adapters);
        return reconcileWith(adapters);
      }),

    reconcile: () => serialized(async () => reconcileWith(await deps.store.cached())),

    status: async () => statusOf(await deps.store.cached(), await readPolicy()),

    async adapterForPage(url) {
      if (!URL.canParse(url)) return null;
      const { origin, href } = new URL(url);
      const policy = await readPolicy();
      const candidates = (await deps.store.cached()).filter((adapter) => adapter.origin === origin && isOriginAllowedByPolicy(origin, policy));
      return candidates.find((adapter) => matchesSafely(adapter.urlPattern, href)) ?? candidates[0] ?? null;
    },

    followPermissions() {
      const onChange = () => void registrations.reconcile().catch(() => undefined);
      browser.permissions.onAdded.addListener(onChange);
      browser.permissions.onRemoved.addListener(onChange);
      return () => {
        browser.permissions.onAdded.removeListener(onChange);
        browser.permissions.onRemoved.removeListener(onChange);
      };
    },
  };
  return registrations;
}

function registrationId(origin: string): string {
  return `${REGISTRATION_PREFIX}${origin}`;
}

function matchesSafely(pattern: string, url: string): boolean {
  try {
    return new RegExp(pattern).test(url);
  } catch {
    return false;
  }
}

/** The real browser: host permissions and `scripting` registrations that persist across sessions. */
export const browserRegistrationApis: RegistrationApis = {
  containsOrigin: (origin) => browser.permissions.contains({ origins: [originPattern(origin)] }),
  removeOrigin: (origin) => browser.permissions.remove({ origins: [originPattern(origin)] }),
  registered: () => browser.scripting.getRegisteredContentScripts(),
  register: (scripts) =>
    browser.scripting.registerContentScripts(scripts.map((script) => ({ ...script, runAt: 'document_idle' as const, persistAcrossSessions: true }))).then(() => undefined),
  unregister: (ids) => browser.scripting.unregisterContentScripts({ ids }),
};
