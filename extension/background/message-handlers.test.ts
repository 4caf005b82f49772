// The protocol end to end: pages send typed messages, the registered background handlers answer.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { handleMessages, sendToBackground } from '../messaging';
import { loadBackendConfig } from './backend-config';
import { createBackendConnection } from './backend-connection';
import { createBackgroundHandlers } from './message-handlers';
import { createPopupHandlers } from './popup-handlers';
import { createOptionsHandlers } from './options-handlers';
import { createOverlayActionHandlers } from './overlay-actions';
import { createFakeBackend } from './testing/fake-backend';
import type { HelpdeskHandlers } from './helpdesk-handlers';

const API_KEY = 'bk_Ab12cdeFGhijKLmnOPqrSTuvWXyz0123456';

/** The configured-helpdesk requests, which these tests do not send (helpdesk-handlers.test.ts covers them). */
const helpdeskRequestsNotUsed: HelpdeskHandlers = {
  'helpdesks.status': () => ({ ok: true, value: [] }),
  'helpdesks.sync': () => ({ ok: true, value: [] }),
  'helpdesks.testOnTab': () => ({ ok: false, code: 'NOT_USED', message: 'not used in this test', field: null, fieldErrors: null }),
  'helpdesks.adapterForPage': () => null,
};

describe('background message handlers', () => {
  const fetch = vi.fn<typeof globalThis.fetch>();
  let unregister: () => void;

  beforeEach(() => {
    fakeBrowser.reset();
    fetch.mockReset();
    fetch.mockImplementation(async () => Response.json({ status: 'ok' }));
    const backend = createBackendConnection({ createClient: () => createFakeBackend().client });
    const overlayActions = createOverlayActionHandlers({ backend, hub: { applyView: () => undefined, refreshConversation: () => undefined } });
    unregister = handleMessages(createBackgroundHandlers({ fetch, overlayActions, optionsHandlers: createOptionsHandlers({ backend }), popupHandlers: createPopupHandlers({ backend, hub: { threadForTab: () => null, tabsShowing: () => [] }, connectionState: () => null, notificationsMuted: async () => false }), helpdeskHandlers: helpdeskRequestsNotUsed }));
  });

  afterEach(() => unregister());

  it('tells the popup no backend is configured, without probing anything', async () => {
    expect(await sendToBackground({ type: 'backend.status' })).toEqual({ configured: false, url: 'http://127.0.0.1:8787' });
    expect(await sendToBackground({ type: 'config.get' })).toMatchObject({ url: 'http://127.0.0.1:8787', hasCredential: false });
    expect(fetch).not.toHaveBeenCalled();
  });

  it('saves from options, then the popup sees the backend and its status, never the credential', async () => {
    const saved = await sendToBackground({ type: 'config.save', url: 'http://localhost:8787/', credential: API_KEY });
    expect(saved).toEqual({
      ok: true,
      config: { url: 'http://localhost:8787', hasCredential: true, credentialKind: 'api_key', credentialHint: 'bk_Ab12cde' },
    });

    const status = await sendToBackground({ type: 'backend.status' });
    expect(status).toEqual({ configured: true, url: 'http://localhost:8787', reachable: true, healthy: true, status: 200, error: null });
    expect(fetch.mock.calls[0]?.[0]).toBe('http://localhost:8787/healthz');

    const config = await sendToBackground({ type: 'config.get' });
    expect(JSON.stringify([saved, status, config])).not.toContain(API_KEY);
  });

  it('reports an unreachable backend to the popup', async () => {
    fetch.mockRejectedValue(new TypeError('Failed to fetch'));
    await sendToBackground({ type: 'config.save', url: 'http://127.0.0.1:8787', credential: API_KEY });
    expect(await sendToBackground({ type: 'backend.status' })).toMatchObject({ configured: true, reachable: false, status: null });
  });

  it('answers options with field errors and saves nothing when the input is invalid', async () => {
    const result = await sendToBackground({ type: 'config.save', url: 'localhost', credential: '' });
    expect(result).toEqual({
      ok: false,
      fieldErrors: {
        url: 'Backend URL must be an http:// or https:// address',
        credential: 'Credential is required: paste an API key (bk_…) or a token',
      },
    });
    expect(await loadBackendConfig()).toBeNull();
  });

  it('keeps the saved credential when options sends a blank one with a new URL', async () => {
    await sendToBackground({ type: 'config.save', url: 'http://127.0.0.1:8787', credential: API_KEY });
    const result = await sendToBackground({ type: 'config.save', url: 'http://localhost:9000', credential: '  ' });
    expect(result.ok).toBe(true);
    expect(await loadBackendConfig()).toEqual({ url: 'http://localhost:9000', credential: API_KEY });
  });

  it('replaces the saved credential when options sends a new one', async () => {
    await sendToBackground({ type: 'config.save', url: 'http://127.0.0.1:8787', credential: API_KEY });
    await sendToBackground({ type: 'config.save', url: 'http://127.0.0.1:8787', credential: 'eyJhbGciOiJIUzI1NiJ9.e30.c2ln' });
    expect(await sendToBackground({ type: 'config.get' })).toMatchObject({ credentialKind: 'token', credentialHint: null });
  });
});
