// What an IT department set by policy (storage.managed, schema in public/managed_schema.json), validated.
import { browser } from 'wxt/browser';
import { z } from 'zod';
import type { ManagedPolicyView } from '../protocol/policy';

export type { ManagedPolicyView };

/** No policy: the agent chooses the backend, admins may add any helpdesk origin. */
export const NO_POLICY: ManagedPolicyView = Object.freeze({ backendUrl: null, allowedHelpdeskOrigins: null });

/** The policy keys (public/managed_schema.json). */
const BACKEND_URL_KEY = 'backendUrl';
const ALLOWED_ORIGINS_KEY = 'allowedHelpdeskOrigins';

/** An http(s) address without trailing slashes: what backend-config.ts stores as the backend URL. */
const ZPolicyBackendUrl = z
  .string()
  .trim()
  .pipe(z.url({ protocol: /^https?$/ }))
  .transform((url) => url.replace(/\/+$/, ''));

/** Where warnings about malformed policy values go (the service worker's console by default). */
export type PolicyLog = Pick<Console, 'warn'>;

/**
 * Turns what `storage.managed` holds into a {@link ManagedPolicyView}. A malformed value is ignored
 * with a warning, never thrown: a `backendUrl` that is not an http(s) URL counts as not set; an
 * `allowedHelpdeskOrigins` that is not a list counts as not set, and an entry in it that is not an
 * http(s) origin is dropped (the list stays a restriction: dropping never allows more).
 *
 * @example
 * parseManagedPolicy({ backendUrl: 'https://baton.example.com/', allowedHelpdeskOrigins: ['https://help.example.com'] });
 * // → { backendUrl: 'https://baton.example.com', allowedHelpdeskOrigins: ['https://help.example.com'] }
 */
export function parseManagedPolicy(stored: Record<string, unknown>, log: PolicyLog = console): ManagedPolicyView {
  return {
    backendUrl: parseBackendUrl(stored[BACKEND_URL_KEY], log),
    allowedHelpdeskOrigins: parseAllowedOrigins(stored[ALLOWED_ORIGINS_KEY], log),
  };
}

function parseBackendUrl(value: unknown, log: PolicyLog): string | null {
  if (value === undefined || value === null) return null;
  const result = ZPolicyBackendUrl.safeParse(value);
  if (result.success) return result.data;
  log.warn(`Baton: ignoring the policy value ${BACKEND_URL_KEY}=${JSON.stringify(value)}: not an http:// or https:// address`);
  return null;
}

function parseAllowedOrigins(value: unknown, log: PolicyLog): string[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value)) {
    log.warn(`Baton: ignoring the policy value ${ALLOWED_ORIGINS_KEY}=${JSON.stringify(value)}: not a list of origins`);
    return null;
  }
  const origins: string[] = [];
  for (const entry of value) {
    const origin = typeof entry === 'string' ? httpOrigin(entry) : null;
    if (origin === null) {
      log.warn(`Baton: ignoring ${JSON.stringify(entry)} in the policy value ${ALLOWED_ORIGINS_KEY}: not an http:// or https:// origin`);
    } else if (!origins.includes(origin)) {
      origins.push(origin);
    }
  }
  return origins;
}

/** `https://help.example.com` for `https://Help.example.com/inbox`; null when not an http(s) URL. */
function httpOrigin(text: string): string | null {
  if (!URL.canParse(text.trim())) return null;
  const url = new URL(text.trim());
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : null;
}

/**
 * Whether admins may add a helpdesk at `origin` (an origin or any URL on it): always when the policy
 * sets no `allowedHelpdeskOrigins`; otherwise only an exact origin of the list (scheme, host, port).
 *
 * @example
 * isOriginAllowedByPolicy('https://help.example.com', { backendUrl: null, allowedHelpdeskOrigins: ['https://help.example.com'] }); // true
 */
export function isOriginAllowedByPolicy(origin: string, policy: ManagedPolicyView): boolean {
  if (policy.allowedHelpdeskOrigins === null) return true;
  const normalized = httpOrigin(origin);
  return normalized !== null && policy.allowedHelpdeskOrigins.includes(normalized);
}

/**
 * Reads and validates the policy. A browser without managed storage, or one that rejects the read
 * (Firefox without a managed-storage manifest), has no policy: {@link NO_POLICY}.
 *
 * @example
 * const policy = await readManagedPolicy();
 * if (policy.backendUrl) console.info(`backend set by policy: ${policy.backendUrl}`);
 */
export async function readManagedPolicy(log: PolicyLog = warnOncePerMessage): Promise<ManagedPolicyView> {
  const managed = (browser.storage as Partial<typeof browser.storage> | undefined)?.managed;
  if (!managed) return NO_POLICY;
  let stored: Record<string, unknown>;
  try {
    stored = await managed.get(null);
  } catch {
    return NO_POLICY;
  }
  return parseManagedPolicy(stored ?? {}, log);
}

/** What changed in the policy, for listeners that only care about one key. */
export interface ManagedPolicyChange {
  policy: ManagedPolicyView;
  backendUrlChanged: boolean;
  allowedHelpdeskOriginsChanged: boolean;
}

/**
 * Calls `listener` with the re-read policy after IT changed it (`storage.onChanged`, area `managed`;
 * Chromium also fires it when the policy first arrives, a few seconds after the extension starts).
 * Returns a function that stops listening.
 *
 * @example
 * const stop = onManagedPolicyChanged(({ policy }) => console.info('policy now', policy));
 */
export function onManagedPolicyChanged(listener: (change: ManagedPolicyChange) => void, log: PolicyLog = warnOncePerMessage): () => void {
  let listening = true;
  const onChanged = (changes: Record<string, unknown>, areaName: string) => {
    if (areaName !== 'managed') return;
    void readManagedPolicy(log).then((policy) => {
      if (!listening) return;
      listener({
        policy,
        backendUrlChanged: BACKEND_URL_KEY in changes,
        allowedHelpdeskOriginsChanged: ALLOWED_ORIGINS_KEY in changes,
      });
    });
  };
  browser.storage.onChanged.addListener(onChanged);
  return () => {
    listening = false;
    browser.storage.onChanged.removeListener(onChanged);
  };
}

/** The policy is read on every configuration load: say what is wrong with it once, not every time. */
const warned = new Set<string>();
const warnOncePerMessage: PolicyLog = {
  warn(message: string) {
    if (warned.has(message)) return;
    warned.add(message);
    console.warn(message);
  },
};
