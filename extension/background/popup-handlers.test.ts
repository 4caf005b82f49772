// popup.state through the real message channel: my takeovers and my teams' escalations (each failing on its
// own), the current tab's thread from the hub, the connection, the server clock offset; popup.openConversation.
import { describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { ConversationListPage } from '../../shared/conversation-list';
import { sendToBackground } from '../messaging';
import type { ConversationRef } from '../overlay/overlay-model';
import { OFFLINE_MESSAGE, UNAUTHORIZED_MESSAGE, UNCONFIGURED_MESSAGE } from './action-result';
import { POPUP_LIST_LIMIT, READING_THREAD_MESSAGE, connectionOf } from './popup-handlers';
import { fakeView, serverError } from './testing/fake-backend';
import { createFakePort } from './testing/fake-port';
import { useTestBackground } from './testing/test-background';
import { makeOpenEscalation } from '../popup/test-fixtures';

const ref: ConversationRef = { connector: 'demo', externalId: 'DEMO-1' };
const view = fakeView({ id: 'conv-a', helpdeskUrl: 'http://127.0.0.1:8787/demo/acme/c/DEMO-1' });

function takeoversPage(serverNowMs: number): ConversationListPage {
  return {
    items: [
      {
        id: 'conv-a',
        leadId: 'lead-a',
        leadName: 'Jane Doe',
        subject: null,
        connector: 'demo',
        externalId: 'DEMO-1',
        helpdeskUrl: view.helpdeskUrl,
        takeover: { holderId: 'agent-1', holderName: 'Dana Smith', source: 'popup', autoReleaseAt: '2026-01-05T15:00:00.000Z' },
        escalation: null,
        updatedAt: '2026-01-05T13:59:00.000Z',
      },
    ],
    nextCursor: null,
    serverNow: new Date(serverNowMs).toISOString(),
  };
}

const escalation = makeOpenEscalation({ leadId: 'lead-b', conversationId: 'conv-b', externalId: 'DEMO-2', openedAt: '2026-01-05T13:50:00.000Z', lastActivityAt: '2026-01-05T13:50:00.000Z' });

describe('popup handlers', () => {
  const t = useTestBackground({ views: { 'DEMO-1': view } });

  function answerLists() {
    t.fake.answer('conversations.list', () => takeoversPage(Date.now() + 2_000));
    t.fake.answer('escalations.listOpen', () => [escalation]);
  }

  it('answers my takeovers, my teams’ escalations, the current tab’s thread, the connection and the clock offset', async () => {
    answerLists();
    const port = Object.assign(createFakePort(), { sender: { tab: { id: 7, windowId: 1 }, url: view.helpdeskUrl! } });
    t.background.acceptPort(port);
    port.send({ type: 'watch', ref });
    await t.settle();

    const state = await sendToBackground({ type: 'popup.state', tabId: 7 });

    expect(t.fake.callsTo('conversations.list')).toEqual([{ filter: { heldByMe: true }, limit: POPUP_LIST_LIMIT }]);
    // (The notifications feature asks the same procedure for the badge; the popup's own call is this one.)
    expect(t.fake.callsTo('escalations.listOpen')).toContainEqual({ myTeams: true, limit: POPUP_LIST_LIMIT });
    expect(state).toEqual({
      connection: { state: 'online' },
      currentTab: { tabId: 7, ref, thread: expect.objectContaining({ kind: 'view', view: expect.objectContaining({ id: 'conv-a' }) }) },
      myTakeovers: { ok: true, value: takeoversPage(Date.now() + 2_000) },
      myEscalations: { ok: true, value: [escalation] },
      notificationsMuted: false,
      serverOffsetMs: 2_000,
    });
  });

  it('has no current thread for a tab without a content script (or no active tab)', async () => {
    answerLists();
    expect((await sendToBackground({ type: 'popup.state', tabId: 99 })).currentTab).toBeNull();
    expect((await sendToBackground({ type: 'popup.state', tabId: null })).currentTab).toBeNull();
  });

  it('says the thread is still being read while its first answer is pending', async () => {
    answerLists();
    t.fake.answer('conversations.byExternalRef', () => new Promise(() => undefined));
    const port = Object.assign(createFakePort(), { sender: { tab: { id: 7 } } });
    t.background.acceptPort(port);
    port.send({ type: 'watch', ref });
    const state = await sendToBackground({ type: 'popup.state', tabId: 7 });
    expect(state.currentTab).toEqual({ tabId: 7, ref, thread: { kind: 'unavailable', message: READING_THREAD_MESSAGE } });
  });

  it('lets one list fail without hiding the other', async () => {
    answerLists();
    t.fake.answer('escalations.listOpen', () => {
      throw serverError('INTERNAL_SERVER_ERROR', 'Something broke');
    });
    const state = await sendToBackground({ type: 'popup.state', tabId: null });
    expect(state.myTakeovers).toMatchObject({ ok: true });
    expect(state.myEscalations).toEqual({ ok: false, code: 'INTERNAL_SERVER_ERROR', message: 'Something broke', field: null, fieldErrors: null });
    expect(state.connection).toEqual({ state: 'online' });
  });

  it('says offline when the backend cannot be reached', async () => {
    t.fake.setDown(true);
    const state = await sendToBackground({ type: 'popup.state', tabId: null });
    expect(state.connection).toEqual({ state: 'offline', message: OFFLINE_MESSAGE, retryAt: null });
    expect(state.myTakeovers).toMatchObject({ ok: false, code: 'OFFLINE' });
    expect(state.serverOffsetMs).toBe(0);
  });

  it('says unauthorized when the credential is refused', async () => {
    t.fake.answer('conversations.list', () => {
      throw serverError('UNAUTHORIZED', 'API key revoked');
    });
    t.fake.answer('escalations.listOpen', () => {
      throw serverError('UNAUTHORIZED', 'API key revoked');
    });
    const state = await sendToBackground({ type: 'popup.state', tabId: null });
    expect(state.connection).toEqual({ state: 'unauthorized', message: UNAUTHORIZED_MESSAGE });
  });

  it('says unconfigured, asking nothing, when no backend is saved', async () => {
    await t.restart({ configured: false });
    const state = await sendToBackground({ type: 'popup.state', tabId: null });
    expect(state.connection).toEqual({ state: 'unconfigured', message: UNCONFIGURED_MESSAGE });
    expect(state.myTakeovers).toMatchObject({ ok: false, code: 'UNCONFIGURED' });
    expect(t.fake.calls).toEqual([]);
  });

  it('opens a conversation through the browser’s tabs (a new tab at its helpdesk URL when none shows it)', async () => {
    // Chromium grants the manifest's 127.0.0.1 host; the fake browser implements no permissions.
    Object.assign(fakeBrowser.permissions, { contains: async ({ origins }: { origins: string[] }) => origins.every((origin) => origin.startsWith('http://127.0.0.1')) });
    const result = await sendToBackground({ type: 'popup.openConversation', target: { conversationId: 'conv-a', connector: 'demo', externalId: 'DEMO-1', helpdeskUrl: view.helpdeskUrl } });
    expect(result).toMatchObject({ ok: true, value: { reused: false } });
    const opened = await fakeBrowser.tabs.get((result as { value: { tabId: number } }).value.tabId);
    expect(opened.url).toBe(view.helpdeskUrl);
  });
});

describe('connectionOf', () => {
  const offline = { ok: false as const, code: 'OFFLINE', message: OFFLINE_MESSAGE, field: null, fieldErrors: null };
  const refused = { ...offline, code: 'UNAUTHORIZED', message: 'revoked' };
  const fine = { ok: true as const, value: null };
  it.each([
    ['both answered', [fine, fine], null, { state: 'online' }],
    ['one answered', [fine, offline], null, { state: 'online' }],
    ['none answered, stream retrying', [offline, offline], { state: 'offline', message: 'x', retryAt: '2026-01-05T14:00:05.000Z' }, { state: 'offline', message: OFFLINE_MESSAGE, retryAt: '2026-01-05T14:00:05.000Z' }],
    ['a refusal wins', [refused, offline], { state: 'online' }, { state: 'unauthorized', message: UNAUTHORIZED_MESSAGE }],
  ] as const)('%s', (_case, results, stream, expected) => {
    expect(connectionOf(stream as never, [...results])).toEqual(expected);
  });
});
