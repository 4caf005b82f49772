// Saving, loading, validating and redacting the backend configuration.
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import {
  BackendConfigError,
  DEFAULT_BACKEND_URL,
  loadBackendConfig,
  redactBackendConfig,
  saveBackendConfig,
} from './backend-config';

const API_KEY = 'bk_Ab12cdeFGhijKLmnOPqrSTuvWXyz0123456'; // bk_ + 32, like the backend issues

function rejection(promise: Promise<unknown>): Promise<BackendConfigError> {
  return promise.then(
    () => expect.fail('expected the configuration to be rejected'),
    (error: unknown) => {
      expect(error).toBeInstanceOf(BackendConfigError);
      return error as BackendConfigError;
    },
  );
}

describe('backend configuration', () => {
  beforeEach(() => {
    fakeBrowser.reset();
  });

  it('loads nothing before anything is saved', async () => {
    expect(await loadBackendConfig()).toBeNull();
  });

  it('loads what was saved, trimmed and without trailing slashes', async () => {
    const saved = await saveBackendConfig({ url: ' http://127.0.0.1:8787/ ', credential: ` ${API_KEY}\n` });
    expect(saved).toEqual({ url: 'http://127.0.0.1:8787', credential: API_KEY });
    expect(await loadBackendConfig()).toEqual(saved);
  });

  it('keeps a path under which the backend is mounted', async () => {
    await saveBackendConfig({ url: 'https://baton.example.com/api//', credential: 'eyJhbGciOiJIUzI1NiJ9.e30.sig' });
    expect((await loadBackendConfig())?.url).toBe('https://baton.example.com/api');
  });

  it.each(['', 'not a url', '127.0.0.1:8787', 'ftp://127.0.0.1/', 'javascript:alert(1)'])(
    'rejects the URL %j, naming the field, and keeps the previous configuration',
    async (url) => {
      await saveBackendConfig({ url: DEFAULT_BACKEND_URL, credential: API_KEY });
      const error = await rejection(saveBackendConfig({ url, credential: 'bk_other' }));
      expect(error.fieldErrors).toEqual({ url: 'Backend URL must be an http:// or https:// address' });
      expect(error.message).toContain('Backend URL');
      expect(await loadBackendConfig()).toEqual({ url: DEFAULT_BACKEND_URL, credential: API_KEY });
    },
  );

  it.each(['', '   '])('rejects the empty credential %j, naming the field', async (credential) => {
    const error = await rejection(saveBackendConfig({ url: DEFAULT_BACKEND_URL, credential }));
    expect(Object.keys(error.fieldErrors)).toEqual(['credential']);
    expect(error.fieldErrors.credential).toMatch(/^Credential is required/);
    expect(await loadBackendConfig()).toBeNull();
  });

  it('rejects a credential with spaces in it (the backend reads one Bearer token)', async () => {
    const error = await rejection(saveBackendConfig({ url: DEFAULT_BACKEND_URL, credential: 'Bearer bk_abc' }));
    expect(error.fieldErrors).toEqual({ credential: 'Credential must not contain spaces' });
  });

  it('reports every bad field at once', async () => {
    const error = await rejection(saveBackendConfig({ url: 'nope', credential: '' }));
    expect(Object.keys(error.fieldErrors).sort()).toEqual(['credential', 'url']);
  });

  it('treats a stored value that no longer validates as not configured', async () => {
    await fakeBrowser.storage.local.set({ backendConfig: { url: 'nope', credential: API_KEY } });
    expect(await loadBackendConfig()).toBeNull();
  });
});

describe('redacted view', () => {
  it('shows the default URL and no credential when nothing is saved', () => {
    expect(redactBackendConfig(null)).toEqual({
      url: DEFAULT_BACKEND_URL,
      hasCredential: false,
      credentialKind: null,
      credentialHint: null,
    });
  });

  it('shows an API key only by the prefix the backend lists', () => {
    const view = redactBackendConfig({ url: DEFAULT_BACKEND_URL, credential: API_KEY });
    expect(view).toMatchObject({ hasCredential: true, credentialKind: 'api_key', credentialHint: 'bk_Ab12cde' });
  });

  it('gives no hint for a key so short that its prefix would give most of it away', () => {
    const view = redactBackendConfig({ url: DEFAULT_BACKEND_URL, credential: 'bk_Ab12cdeFG' });
    expect(view).toMatchObject({ hasCredential: true, credentialKind: 'api_key', credentialHint: null });
  });

  it.each([
    ['a full API key', API_KEY],
    ['a short API key', 'bk_Ab12cdeFG'],
    ['a JWT', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZ2VudCJ9.c2lnbmF0dXJl'],
  ])('never contains %s', (_what, credential) => {
    const serialized = JSON.stringify(redactBackendConfig({ url: DEFAULT_BACKEND_URL, credential }));
    expect(serialized).not.toContain(credential);
    // Nor any part of it beyond the public 10-character prefix.
    expect(serialized).not.toContain(credential.slice(10, 20));
  });
});
