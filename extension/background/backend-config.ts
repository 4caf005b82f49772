// Backend URL and credential in extension storage; only the background imports this (STYLE.md habit 9).
import { browser } from 'wxt/browser';
import { z } from 'zod';
import type { BackendConfigField, BackendConfigView } from '../messaging';
import { onManagedPolicyChanged, readManagedPolicy } from './managed-policy';

/** Where a local backend listens (`npm start`). */
export const DEFAULT_BACKEND_URL = 'http://127.0.0.1:8787';

const STORAGE_KEY = 'backendConfig';
const API_KEY_PREFIX = 'bk_';
/** `bk_` and the next 7 characters: the prefix the backend's API key lists show. */
const API_KEY_HINT_LENGTH = 10;
/** A hint is shown only when this much of the key stays hidden (real keys have 32 after `bk_`). */
const MIN_HIDDEN_KEY_LENGTH = 16;

/** A saved backend configuration; input is trimmed and the URL loses its trailing slashes. */
export const ZBackendConfig = z.object({
  url: z
    .string()
    .trim()
    .pipe(z.url({ protocol: /^https?$/, error: 'Backend URL must be an http:// or https:// address' }))
    .transform((url) => url.replace(/\/+$/, '')),
  credential: z
    .string()
    .trim()
    .min(1, 'Credential is required: paste an API key (bk_…) or a token')
    // The backend reads `Authorization: Bearer <credential>` as one token.
    .regex(/^\S+$/, 'Credential must not contain spaces'),
});
export type BackendConfigInput = z.input<typeof ZBackendConfig>;
export type BackendConfig = z.output<typeof ZBackendConfig>;

/** The configuration was rejected; `fieldErrors` has one message per invalid field. */
export class BackendConfigError extends Error {
  override name = 'BackendConfigError';

  constructor(readonly fieldErrors: Partial<Record<BackendConfigField, string>>) {
    super(`Invalid backend configuration: ${Object.values(fieldErrors).join('; ')}`);
  }
}

/** Validates without saving; throws {@link BackendConfigError} naming each bad field. */
export function parseBackendConfig(input: BackendConfigInput): BackendConfig {
  const result = ZBackendConfig.safeParse(input);
  if (result.success) return result.data;
  const fieldErrors: Partial<Record<BackendConfigField, string>> = {};
  for (const issue of result.error.issues) {
    const field = issue.path[0];
    if ((field === 'url' || field === 'credential') && !fieldErrors[field]) fieldErrors[field] = issue.message;
  }
  throw new BackendConfigError(fieldErrors);
}

/**
 * The configuration in use: the saved one, with the backend URL set by policy (managed-policy.ts)
 * in place of the saved URL when there is one; null when none is saved (or what is stored no longer
 * validates).
 */
export async function loadBackendConfig(): Promise<BackendConfig | null> {
  const [stored, policy] = await Promise.all([browser.storage.local.get(STORAGE_KEY) as Promise<Record<string, unknown>>, readManagedPolicy()]);
  const result = ZBackendConfig.safeParse(stored[STORAGE_KEY]);
  if (!result.success) return null;
  return policy.backendUrl ? { ...result.data, url: policy.backendUrl } : result.data;
}

/**
 * Validates and saves the configuration; returns what was saved. When a policy sets the backend
 * URL, `url` must be that URL (or blank, meaning "the policy's"): any other URL is refused with a
 * field error on `url`, and nothing is saved.
 *
 * @example
 * await saveBackendConfig({ url: 'http://127.0.0.1:8787', credential: 'bk_…' });
 */
export async function saveBackendConfig(input: BackendConfigInput): Promise<BackendConfig> {
  const { backendUrl: policyUrl } = await readManagedPolicy();
  const config = policyUrl ? parseUnderPolicy(input, policyUrl) : parseBackendConfig(input);
  await browser.storage.local.set({ [STORAGE_KEY]: config });
  return config;
}

/** The field error when a save tries to change a backend URL that a policy set. */
export function policyLockedUrlMessage(policyUrl: string): string {
  return `The backend URL is set by your organization's policy (${policyUrl}) and cannot be changed here`;
}

/**
 * Parses with the policy's URL (`url` blank or the same address); reports a different `url` next to
 * the field ({@link policyLockedUrlMessage}), with any credential error.
 */
export function parseUnderPolicy(input: BackendConfigInput, policyUrl: string): BackendConfig {
  const urlError = isSameBackendUrl(input.url, policyUrl) ? {} : { url: policyLockedUrlMessage(policyUrl) };
  let config: BackendConfig;
  try {
    config = parseBackendConfig({ ...input, url: policyUrl });
  } catch (error) {
    if (error instanceof BackendConfigError) throw new BackendConfigError({ ...error.fieldErrors, ...urlError });
    throw error;
  }
  if (urlError.url) throw new BackendConfigError(urlError);
  return config;
}

/** Blank, or the same address as `policyUrl` once both are normalized (case of the host, trailing slash). */
function isSameBackendUrl(typed: string, policyUrl: string): boolean {
  const text = typed.trim();
  if (text === '') return true;
  if (!URL.canParse(text)) return false;
  const withoutTrailingSlash = (url: string) => new URL(url).href.replace(/\/+$/, '');
  return withoutTrailingSlash(text) === withoutTrailingSlash(policyUrl);
}

/**
 * Signs out: forgets the credential but keeps the URL (read back by {@link loadSavedBackendUrl}), so
 * the options form still shows it. The stored value no longer validates, so {@link loadBackendConfig}
 * answers null and the event stream stops through the storage change.
 */
export async function forgetBackendCredential(): Promise<string> {
  const url = await loadSavedBackendUrl();
  await browser.storage.local.set({ [STORAGE_KEY]: { url } });
  return url;
}

/**
 * The saved backend URL, with or without a credential; the default when none (valid) is saved.
 * A URL set by policy wins over both.
 */
export async function loadSavedBackendUrl(): Promise<string> {
  const { backendUrl: policyUrl } = await readManagedPolicy();
  if (policyUrl) return policyUrl;
  const stored: Record<string, unknown> = await browser.storage.local.get(STORAGE_KEY);
  const result = ZBackendConfig.shape.url.safeParse((stored[STORAGE_KEY] as { url?: unknown } | undefined)?.url);
  return result.success ? result.data : DEFAULT_BACKEND_URL;
}

/**
 * Calls `listener` after the configuration in use changed: saved from options, cleared, or the
 * backend URL set by policy changed (Chromium delivers a policy a few seconds after the extension
 * starts); returns a function that stops listening.
 *
 * @example
 * const stop = onBackendConfigChanged(() => restartStream());
 */
export function onBackendConfigChanged(listener: () => void): () => void {
  const onChanged = (changes: Record<string, { oldValue?: unknown; newValue?: unknown }>, areaName: string) => {
    const change = changes[STORAGE_KEY];
    if (areaName !== 'local' || !change) return;
    if (JSON.stringify(change.oldValue) === JSON.stringify(change.newValue)) return;
    listener();
  };
  browser.storage.onChanged.addListener(onChanged);
  const stopFollowingPolicy = onManagedPolicyChanged(({ backendUrlChanged }) => {
    if (backendUrlChanged) listener();
  });
  return () => {
    browser.storage.onChanged.removeListener(onChanged);
    stopFollowingPolicy();
  };
}

/** What popup and options may see: the URL and what kind of credential is saved, never the credential. */
export function redactBackendConfig(config: BackendConfig | null): BackendConfigView {
  if (!config) {
    return { url: DEFAULT_BACKEND_URL, hasCredential: false, credentialKind: null, credentialHint: null };
  }
  const isApiKey = config.credential.startsWith(API_KEY_PREFIX);
  const hintIsSafe = config.credential.length - API_KEY_HINT_LENGTH >= MIN_HIDDEN_KEY_LENGTH;
  return {
    url: config.url,
    hasCredential: true,
    credentialKind: isApiKey ? 'api_key' : 'token',
    credentialHint: isApiKey && hintIsSafe ? config.credential.slice(0, API_KEY_HINT_LENGTH) : null,
  };
}
