// Backend URL and credential in extension storage; only the background imports this (STYLE.md habit 9).
import { browser } from 'wxt/browser';
import { z } from 'zod';
import type { BackendConfigField, BackendConfigView } from '../messaging';

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

/** The saved configuration, or null when none is saved (or what is stored no longer validates). */
export async function loadBackendConfig(): Promise<BackendConfig | null> {
  const stored: Record<string, unknown> = await browser.storage.local.get(STORAGE_KEY);
  const result = ZBackendConfig.safeParse(stored[STORAGE_KEY]);
  return result.success ? result.data : null;
}

/**
 * Validates and saves the configuration; returns what was saved.
 *
 * @example
 * await saveBackendConfig({ url: 'http://127.0.0.1:8787', credential: 'bk_…' });
 */
export async function saveBackendConfig(input: BackendConfigInput): Promise<BackendConfig> {
  const config = parseBackendConfig(input);
  await browser.storage.local.set({ [STORAGE_KEY]: config });
  return config;
}

/**
 * Calls `listener` after the saved configuration changed (saved from options, or cleared);
 * returns a function that stops listening.
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
  return () => browser.storage.onChanged.removeListener(onChanged);
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
