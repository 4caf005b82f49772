// policy.get, and the configuration handlers under a policy: the policy's backend URL wins and is locked.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { loadBackendConfig, policyLockedUrlMessage, type BackendConfig } from './backend-config';
import { createBackendConnection, type BackendConnection } from './backend-connection';
import { createConfigHandlers } from './message-handlers';
import { createPolicyHandlers } from './policy-handlers';
import { createFakeBackend } from './testing/fake-backend';

const API_KEY = 'bk_Ab12cdeFGhijKLmnOPqrSTuvWXyz0123456';
const POLICY_URL = 'https://baton.example.com';
const AGENT_URL = 'http://127.0.0.1:8787';

const fetch = vi.fn<typeof globalThis.fetch>();
const config = createConfigHandlers({ fetch });
const policy = createPolicyHandlers();

function save(url: string, credential: string) {
  return config['config.save']({ type: 'config.save', url, credential });
}

beforeEach(() => {
  fakeBrowser.reset();
  fetch.mockReset();
  fetch.mockImplementation(async () => Response.json({ status: 'ok' }));
});

describe('policy.get', () => {
  it('answers no policy when IT set none', async () => {
    expect(await policy['policy.get']({ type: 'policy.get' })).toEqual({ backendUrl: null, allowedHelpdeskOrigins: null });
  });

  it('answers the validated policy, re-read on every request', async () => {
    await fakeBrowser.storage.managed.set({ backendUrl: `${POLICY_URL}/`, allowedHelpdeskOrigins: ['https://help.example.com/x'] });
    expect(await policy['policy.get']({ type: 'policy.get' })).toEqual({ backendUrl: POLICY_URL, allowedHelpdeskOrigins: ['https://help.example.com'] });
    await fakeBrowser.storage.managed.remove('backendUrl');
    expect(await policy['policy.get']({ type: 'policy.get' })).toMatchObject({ backendUrl: null });
  });
});

describe('configuration under a policy backend URL', () => {
  it('uses the policy URL over the URL the agent saved before the policy existed', async () => {
    expect((await save(AGENT_URL, API_KEY)).ok).toBe(true);
    await fakeBrowser.storage.managed.set({ backendUrl: POLICY_URL });

    expect(await loadBackendConfig()).toEqual({ url: POLICY_URL, credential: API_KEY });
    expect(await config['config.get']({ type: 'config.get' })).toMatchObject({ url: POLICY_URL, hasCredential: true });
    expect(await config['backend.status']({ type: 'backend.status' })).toMatchObject({ configured: true, url: POLICY_URL, reachable: true });
    expect(fetch.mock.calls[0]?.[0]).toBe(`${POLICY_URL}/healthz`);
  });

  it('shows the policy URL before any credential is saved', async () => {
    await fakeBrowser.storage.managed.set({ backendUrl: POLICY_URL });
    expect(await config['config.get']({ type: 'config.get' })).toMatchObject({ url: POLICY_URL, hasCredential: false });
    expect(await config['backend.status']({ type: 'backend.status' })).toEqual({ configured: false, url: POLICY_URL });
  });

  it('refuses to save another URL: a field error on url, nothing saved', async () => {
    await fakeBrowser.storage.managed.set({ backendUrl: POLICY_URL });
    expect(await save(AGENT_URL, API_KEY)).toEqual({ ok: false, fieldErrors: { url: policyLockedUrlMessage(POLICY_URL) } });
    expect(policyLockedUrlMessage(POLICY_URL)).toBe(`The backend URL is set by your organization's policy (${POLICY_URL}) and cannot be changed here`);
    expect(await loadBackendConfig()).toBeNull();
  });

  it('reports the credential error next to the locked-URL error', async () => {
    await fakeBrowser.storage.managed.set({ backendUrl: POLICY_URL });
    const result = await save('not a url', '');
    expect(result).toEqual({
      ok: false,
      fieldErrors: { url: policyLockedUrlMessage(POLICY_URL), credential: 'Credential is required: paste an API key (bk_…) or a token' },
    });
  });

  it.each([POLICY_URL, `${POLICY_URL}/`, ' https://BATON.example.com ', ''])('saves the credential when the form sends the policy URL as %j', async (url) => {
    await fakeBrowser.storage.managed.set({ backendUrl: POLICY_URL });
    expect(await save(url, API_KEY)).toMatchObject({ ok: true, config: { url: POLICY_URL, hasCredential: true } });
    expect(await loadBackendConfig()).toEqual({ url: POLICY_URL, credential: API_KEY });
  });

  it('ignores a malformed policy URL: the agent chooses again', async () => {
    await fakeBrowser.storage.managed.set({ backendUrl: 'baton.example.com' });
    expect(await save(AGENT_URL, API_KEY)).toMatchObject({ ok: true, config: { url: AGENT_URL } });
    expect(await policy['policy.get']({ type: 'policy.get' })).toEqual({ backendUrl: null, allowedHelpdeskOrigins: null });
  });
});

describe('the backend connection follows the policy', () => {
  let backend: BackendConnection;
  afterEach(() => backend.dispose());

  it('rebuilds the client for the policy URL when the policy arrives, and again when it goes', async () => {
    await save(AGENT_URL, API_KEY);
    const createClient = vi.fn((_config: BackendConfig) => createFakeBackend().client);
    backend = createBackendConnection({ createClient });
    const changed = vi.fn();
    backend.onChange(changed);
    expect((await backend.current())?.config.url).toBe(AGENT_URL);

    await fakeBrowser.storage.managed.set({ backendUrl: POLICY_URL });
    await vi.waitFor(() => expect(changed).toHaveBeenCalledOnce());
    expect((await backend.current())?.config).toEqual({ url: POLICY_URL, credential: API_KEY });

    await fakeBrowser.storage.managed.set({ allowedHelpdeskOrigins: ['https://help.example.com'] });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(changed).toHaveBeenCalledOnce(); // the origins list does not concern the connection

    await fakeBrowser.storage.managed.remove('backendUrl');
    await vi.waitFor(() => expect(changed).toHaveBeenCalledTimes(2));
    expect((await backend.current())?.config.url).toBe(AGENT_URL);
    expect(createClient.mock.calls.map(([built]) => built.url)).toEqual([AGENT_URL, POLICY_URL, AGENT_URL]);
  });
});
