// The message channel itself: typed answers, errors carried back as text, registration undone.
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { BackgroundError, CONTENT_SCRIPT_REQUESTS, handleMessages, senderMayRequest, sendToBackground, type BackgroundHandlers } from './messaging';

const view = { url: 'http://127.0.0.1:8787', hasCredential: false, credentialKind: null, credentialHint: null } as const;
/** Overlay requests these tests do not exercise. */
const notUsed = async () => ({ ok: false, code: 'NOT_USED', message: 'not used in this test', field: null, fieldErrors: null }) as const;

function handlers(overrides: Partial<BackgroundHandlers> = {}): BackgroundHandlers {
  return {
    'config.get': () => view,
    'config.save': () => ({ ok: true, config: view }),
    'backend.status': () => ({ configured: false, url: view.url }),
    'conversation.takeOver': notUsed,
    'conversation.release': notUsed,
    'reply.sendNow': notUsed,
    'reply.editAndSend': notUsed,
    'reply.cancel': notUsed,
    'escalation.resolve': notUsed,
    'conversation.timeline': notUsed,
    'message.recordAgentReply': notUsed,
    ...overrides,
  } as BackgroundHandlers; // the issue-10 requests are not exercised here
}

describe('messaging', () => {
  beforeEach(() => {
    fakeBrowser.reset();
  });

  it('delivers each request to the handler for its type', async () => {
    handleMessages(handlers({ 'backend.status': async () => ({ configured: false, url: 'http://localhost:1' }) }));
    expect(await sendToBackground({ type: 'backend.status' })).toEqual({ configured: false, url: 'http://localhost:1' });
    expect(await sendToBackground({ type: 'config.get' })).toEqual(view);
  });

  it('rejects in the page with the message of an error thrown in the background', async () => {
    handleMessages(
      handlers({
        'config.get': async () => {
          throw new Error('storage is unavailable');
        },
      }),
    );
    const failure = sendToBackground({ type: 'config.get' });
    await expect(failure).rejects.toBeInstanceOf(BackgroundError);
    await expect(failure).rejects.toThrow('storage is unavailable');
  });

  it('stops answering once unregistered', async () => {
    const unregister = handleMessages(handlers());
    unregister();
    await expect(sendToBackground({ type: 'config.get' })).rejects.toThrow();
  });
});

describe('who may ask for what', () => {
  const extensionOrigin = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop/';
  const optionsPage = { url: `${extensionOrigin}options.html` };
  const helpdeskPage = { url: 'https://desk.example.com/tickets/42' };

  it.each(['settings.update', 'rules.save', 'config.save', 'config.signOut', 'helpdesks.testOnTab', 'popup.state', 'connection.test'] as const)(
    'refuses %s from a content script in a helpdesk page, answers it for Baton\'s pages',
    (type) => {
      expect(senderMayRequest(type, helpdeskPage, extensionOrigin)).toBe(false);
      expect(senderMayRequest(type, { url: 'chrome-extension://another-extension-id/options.html' }, extensionOrigin)).toBe(false);
      expect(senderMayRequest(type, optionsPage, extensionOrigin)).toBe(true);
    },
  );

  it('lets content scripts make their overlay actions and ask which adapter serves their page', () => {
    for (const type of CONTENT_SCRIPT_REQUESTS) expect(senderMayRequest(type, helpdeskPage, extensionOrigin)).toBe(true);
    expect(CONTENT_SCRIPT_REQUESTS.has('conversation.takeOver')).toBe(true);
    expect(CONTENT_SCRIPT_REQUESTS.has('settings.update')).toBe(false);
  });
});

