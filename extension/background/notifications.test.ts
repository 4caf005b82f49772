// The notification center on a fake backend and the fake browser: the first check shows no backlog,
// new escalations and re-escalations show once (also after a restart, or a fresh token), mute, badge, clicks, alarm.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { actionFailure } from './action-result';
import { createBackendConnection, type BackendConnection } from './backend-connection';
import { saveBackendConfig } from './backend-config';
import { saveNotificationsMuted } from './notification-preferences';
import { NOTIFICATION_ID_PREFIX, createNotificationCenter, type NotificationCenter, type NotificationsApi } from './notifications';
import { NOTIFICATIONS_ALARM_NAME } from './notifications-alarm';
import { loadNotificationLedger } from './notifications-ledger';
import type { openConversation } from './open-conversation';
import { createFakeBackend, fakeEvent, serverError, type FakeBackend } from './testing/fake-backend';

const NOW = Date.parse('2026-01-05T14:00:00.000Z');
const ICON = 'chrome-extension://test/icon/128.png';
const realSetTimeout = globalThis.setTimeout;

/** A notifications.list item as the backend answers it. */
function serverItem(id: string, secondsAfterNow: number, extras: Record<string, unknown> = {}) {
  return {
    id,
    escalationId: `esc-${id}`,
    kind: 'escalation',
    count: 1,
    payload: {},
    createdAt: new Date(NOW + secondsAfterNow * 1_000).toISOString(),
    readAt: null,
    conversationId: `conv-${id}`,
    connector: 'demo',
    externalId: `DEMO-${id}`,
    helpdeskUrl: `http://127.0.0.1:8787/demo/acme/c/DEMO-${id}`,
    title: `Escalation ${id}`,
    body: `A conversation needs Support (${id})`,
    ...extras,
  };
}

describe('notification center', () => {
  let fake: FakeBackend;
  let backend: BackendConnection;
  let unread: ReturnType<typeof serverItem>[];
  let openEscalations: number;
  /** Whom `auth.me` names (null: an integration key). */
  let signedInAgent: string | null;
  let center: NotificationCenter | null;
  let open: ReturnType<typeof vi.fn<typeof openConversation>>;
  let rejected: ReturnType<typeof vi.fn<(backend: unknown, error: unknown) => void>>;
  const shown = () => fakeBrowser.notifications.getAllCreateOptions() as Record<string, { title: string; message: string; iconUrl: string; type: string }>;
  /** Advances the fake clock, then lets real async work finish (SHA-256 of the credential is not a timer). */
  const settle = async (ms = 0) => {
    await vi.advanceTimersByTimeAsync(ms);
    for (let round = 0; round < 5; round++) {
      await new Promise((resolve) => realSetTimeout(resolve, 0));
      await vi.advanceTimersByTimeAsync(0);
    }
  };

  function start() {
    center = createNotificationCenter({
      backend,
      hub: { tabsShowing: () => [] },
      notifications: fakeBrowser.notifications as unknown as NotificationsApi,
      openConversation: open,
      onCredentialRejected: rejected,
      iconUrl: ICON,
      log: { info: () => undefined, debug: () => undefined },
    });
    center.checkNow();
    return settle();
  }

  /** A worker restart: the center goes (with its memory), storage and the browser's notifications stay. */
  async function restart() {
    center?.stop();
    await start();
  }

  beforeEach(async () => {
    vi.useFakeTimers();
    vi.setSystemTime(NOW);
    fakeBrowser.reset();
    await saveBackendConfig({ url: 'http://127.0.0.1:8787', credential: 'bk_sam_credential' });
    fake = createFakeBackend();
    backend = createBackendConnection({ createClient: () => fake.client });
    unread = [];
    openEscalations = 0;
    signedInAgent = 'agent-sam';
    fake.answer('auth.me', () => ({ agentId: signedInAgent }));
    fake.answer('notifications.list', () => unread);
    // A consistent world: every unread notification's escalation is open (plus more up to `openEscalations`).
    fake.answer('escalations.listOpen', () =>
      Array.from({ length: Math.max(openEscalations, unread.length) }, (_, index) => ({ id: unread[index]?.escalationId ?? `esc-${index}` })),
    );
    fake.answer('notifications.markRead', ({ ids }: { ids: string[] }) => ({ marked: ids.length }));
    open = vi.fn<typeof openConversation>(async () => ({ ok: true, value: { tabId: 7, reused: false } }));
    rejected = vi.fn<(backend: unknown, error: unknown) => void>();
    center = null;
  });

  afterEach(() => {
    center?.stop();
    backend.dispose();
    vi.useRealTimers();
  });

  it('first check: what was unread before shows nothing (no flood on install); the badge counts my teams’ open escalations', async () => {
    unread = [serverItem('old-2', -60), serverItem('old-1', -120)];
    openEscalations = 2;
    await start();
    expect(shown()).toEqual({});
    expect(await fakeBrowser.action.getBadgeText({})).toBe('2');
    expect(fake.callsTo('escalations.listOpen')).toEqual([{ myTeams: true, limit: 100 }]);
    expect(fake.callsTo('notifications.list')).toEqual([{ unreadOnly: true, limit: 50 }]);
    expect(await loadNotificationLedger()).toMatchObject({ watermarkMs: NOW - 60_000, entries: [{ id: 'old-2' }, { id: 'old-1' }] });
  });

  it('an escalation event → one check after the burst → the new notification with the server’s text, once', async () => {
    await start();
    unread = [serverItem('n-1', 5)];
    openEscalations = 1;
    center!.eventReceived(fakeEvent({ id: '101', type: 'escalation.opened' }));
    center!.eventReceived(fakeEvent({ id: '102', type: 'escalation.notified' }));
    center!.eventReceived(fakeEvent({ id: '103', type: 'message.received' }));
    await settle(299);
    expect(shown()).toEqual({});
    await settle(1);
    expect(shown()).toEqual({ [`${NOTIFICATION_ID_PREFIX}n-1`]: { type: 'basic', iconUrl: ICON, title: 'Escalation n-1', message: 'A conversation needs Support (n-1)', priority: 2 } });
    expect(fake.callsTo('notifications.list')).toHaveLength(2);
    expect(await fakeBrowser.action.getBadgeText({})).toBe('1');

    await fakeBrowser.notifications.clear(`${NOTIFICATION_ID_PREFIX}n-1`);
    center!.eventReceived(fakeEvent({ id: '104', type: 'escalation.resolved' }));
    await settle(300);
    expect(shown()).toEqual({});
  });

  it('takes a notification down once its escalation is resolved, or once it was read in another browser', async () => {
    await start();
    unread = [serverItem('n-1', 5), serverItem('n-2', 6)];
    center!.streamConnected();
    await settle(300);
    expect(Object.keys(shown()).sort()).toEqual([`${NOTIFICATION_ID_PREFIX}n-1`, `${NOTIFICATION_ID_PREFIX}n-2`]);

    // n-1's escalation was resolved (still unread, but no longer among the open escalations).
    fake.answer('escalations.listOpen', () => [{ id: 'esc-n-2' }]);
    center!.eventReceived(fakeEvent({ id: '201', type: 'escalation.resolved' }));
    await settle(300);
    expect(Object.keys(shown())).toEqual([`${NOTIFICATION_ID_PREFIX}n-2`]);

    // n-2 was read elsewhere (the same agent clicked it in another browser).
    unread = [];
    center!.eventReceived(fakeEvent({ id: '202', type: 'escalation.notified' }));
    await settle(300);
    expect(shown()).toEqual({});
  });

  it('judges nothing settled from a list read only in part (a full page of unread)', async () => {
    await start();
    unread = [serverItem('n-1', 5)];
    center!.streamConnected();
    await settle(300);
    // 50 newer unread ones push n-1 off the page: it may still be unread, so it stays.
    unread = Array.from({ length: 50 }, (_, index) => serverItem(`m-${index}`, 10 + index));
    center!.streamConnected();
    await settle(300);
    expect(Object.keys(shown())).toContain(`${NOTIFICATION_ID_PREFIX}n-1`);
  });

  it('ignores events that are not about escalations or teams', async () => {
    await start();
    center!.eventReceived(fakeEvent({ id: '101', type: 'message.received' }));
    center!.eventReceived(fakeEvent({ id: '102', type: 'takeover.started' }));
    await settle(1_000);
    expect(fake.callsTo('notifications.list')).toHaveLength(1);
  });

  it('after a worker restart, nothing already shown is shown again; what arrived meanwhile is', async () => {
    await start();
    unread = [serverItem('n-1', 5)];
    center!.streamConnected();
    await settle(300);
    await fakeBrowser.notifications.clear(`${NOTIFICATION_ID_PREFIX}n-1`); // the agent dismissed it
    unread = [serverItem('n-2', 10), serverItem('n-1', 5)];
    await restart();
    expect(Object.keys(shown())).toEqual([`${NOTIFICATION_ID_PREFIX}n-2`]);
  });

  it('muted: no notification, but the badge still counts; unmuting shows no backlog', async () => {
    await start();
    await saveNotificationsMuted(true);
    unread = [serverItem('n-1', 5)];
    openEscalations = 1;
    center!.checkNow();
    await settle();
    expect(shown()).toEqual({});
    expect(await fakeBrowser.action.getBadgeText({})).toBe('1');
    await saveNotificationsMuted(false);
    center!.checkNow();
    await settle();
    expect(shown()).toEqual({});
  });

  it('asks who is signed in together with the two lists (one batched request: all three before any answer)', async () => {
    let askedBeforeFirstAnswer: string[] = [];
    fake.answer('escalations.listOpen', () => {
      askedBeforeFirstAnswer = fake.calls.map((call) => call.path);
      return [];
    });
    await start();
    expect(askedBeforeFirstAnswer.sort()).toEqual(['auth.me', 'escalations.listOpen', 'notifications.list']);
  });

  it('an agent pasting a fresh token (the old one expired) keeps their ledger: what arrived in between shows', async () => {
    unread = [serverItem('old-1', -10)];
    await start();
    // The token expired, n-1 arrived meanwhile, then Sam pasted a new token.
    unread = [serverItem('n-1', 5), serverItem('old-1', -10)];
    await saveBackendConfig({ url: 'http://127.0.0.1:8787', credential: 'bk_sam_fresh_token' });
    center!.checkNow();
    await settle();
    expect(Object.keys(shown())).toEqual([`${NOTIFICATION_ID_PREFIX}n-1`]);
  });

  it('an integration key (no agent) is told apart by its credential: another key starts afresh', async () => {
    signedInAgent = null;
    unread = [serverItem('k-1', -10)];
    await start();
    await saveBackendConfig({ url: 'http://127.0.0.1:8787', credential: 'bk_other_integration_key' });
    unread = [serverItem('k-2', 5), serverItem('k-1', -10)];
    center!.checkNow();
    await settle();
    expect(shown()).toEqual({});
    expect((await loadNotificationLedger())?.account).not.toContain('bk_other_integration_key');
  });

  it('shows nothing (and keeps the ledger) when it cannot ask who is signed in; the next check does', async () => {
    await start();
    fake.answer('auth.me', () => {
      throw serverError('INTERNAL_SERVER_ERROR', 'database hiccup');
    });
    unread = [serverItem('n-1', 5)];
    center!.checkNow();
    await settle();
    expect(shown()).toEqual({});
    fake.answer('auth.me', () => ({ agentId: signedInAgent }));
    center!.checkNow();
    await settle();
    expect(Object.keys(shown())).toEqual([`${NOTIFICATION_ID_PREFIX}n-1`]);
  });

  it('another agent signing in on this browser starts afresh (their backlog is not shown either)', async () => {
    unread = [serverItem('sam-1', -10)];
    await start();
    signedInAgent = 'agent-dana';
    await saveBackendConfig({ url: 'http://127.0.0.1:8787', credential: 'bk_dana_credential' });
    unread = [serverItem('dana-1', -5)];
    center!.checkNow();
    await settle();
    expect(shown()).toEqual({});
    expect((await loadNotificationLedger())?.entries.map((entry) => entry.id)).toEqual(['dana-1']);
  });

  it('click → opens the thread at its stored place, clears the notification and marks it read', async () => {
    await start();
    unread = [serverItem('n-1', 5)];
    center!.checkNow();
    await settle();
    fakeBrowser.notifications.onClicked.trigger(`${NOTIFICATION_ID_PREFIX}n-1`);
    await settle();
    expect(open).toHaveBeenCalledWith(
      { conversationId: 'conv-n-1', connector: 'demo', externalId: 'DEMO-n-1', helpdeskUrl: 'http://127.0.0.1:8787/demo/acme/c/DEMO-n-1' },
      expect.objectContaining({ hub: expect.anything() }),
    );
    expect(shown()).toEqual({});
    expect(fake.callsTo('notifications.markRead')).toEqual([{ ids: ['n-1'] }]);
  });

  it('click after a worker restart still knows where the thread is (the target is in storage)', async () => {
    await start();
    unread = [serverItem('n-1', 5)];
    center!.checkNow();
    await settle();
    await restart();
    fakeBrowser.notifications.onClicked.trigger(`${NOTIFICATION_ID_PREFIX}n-1`);
    await settle();
    expect(open).toHaveBeenCalledOnce();
    expect(fake.callsTo('notifications.markRead')).toEqual([{ ids: ['n-1'] }]);
  });

  it('click that cannot open the thread: the notification says why and stays unread', async () => {
    open.mockResolvedValue(actionFailure('NO_HELPDESK_URL', 'Baton does not know this conversation’s helpdesk page yet'));
    await start();
    unread = [serverItem('n-1', 5, { helpdeskUrl: null })];
    center!.checkNow();
    await settle();
    fakeBrowser.notifications.onClicked.trigger(`${NOTIFICATION_ID_PREFIX}n-1`);
    await settle();
    expect(shown()[`${NOTIFICATION_ID_PREFIX}n-1`]).toMatchObject({ title: 'Baton could not open the conversation', message: 'Baton does not know this conversation’s helpdesk page yet' });
    expect(fake.callsTo('notifications.markRead')).toEqual([]);
  });

  it('click on a notification shown before the thread had a helpdesk URL: asks the conversation for the one recorded since', async () => {
    fake.answer('conversations.get', ({ id }: { id: string }) => ({ id, helpdeskUrl: 'http://127.0.0.1:8787/demo/acme/c/DEMO-n-1' }));
    await start();
    unread = [serverItem('n-1', 5, { helpdeskUrl: null })];
    center!.checkNow();
    await settle();
    fakeBrowser.notifications.onClicked.trigger(`${NOTIFICATION_ID_PREFIX}n-1`);
    await settle();
    expect(fake.callsTo('conversations.get')).toEqual([{ id: 'conv-n-1' }]);
    expect(open).toHaveBeenCalledWith(
      { conversationId: 'conv-n-1', connector: 'demo', externalId: 'DEMO-n-1', helpdeskUrl: 'http://127.0.0.1:8787/demo/acme/c/DEMO-n-1' },
      expect.anything(),
    );
    expect(fake.callsTo('notifications.markRead')).toEqual([{ ids: ['n-1'] }]);
  });

  it('ignores clicks on notifications that are not Baton’s', async () => {
    await start();
    fakeBrowser.notifications.onClicked.trigger('someone-else');
    await settle();
    expect(open).not.toHaveBeenCalled();
  });

  it('keeps a 30 s alarm armed while configured, and checks when it fires (no helpdesk tab needed)', async () => {
    await start();
    expect(await fakeBrowser.alarms.get(NOTIFICATIONS_ALARM_NAME)).toMatchObject({ periodInMinutes: 0.5 });
    unread = [serverItem('n-1', 5)];
    await fakeBrowser.alarms.onAlarm.trigger({ name: NOTIFICATIONS_ALARM_NAME, scheduledTime: Date.now(), persistAcrossSessions: true } as never);
    await settle();
    expect(Object.keys(shown())).toEqual([`${NOTIFICATION_ID_PREFIX}n-1`]);
  });

  it('not configured: no calls, the badge cleared and the alarm disarmed', async () => {
    await start();
    openEscalations = 3;
    await fakeBrowser.storage.local.remove('backendConfig');
    center!.checkNow();
    await settle();
    expect(await fakeBrowser.action.getBadgeText({})).toBe('');
    expect(await fakeBrowser.alarms.get(NOTIFICATIONS_ALARM_NAME)).toBeUndefined();
  });

  it('a refused credential clears the badge and tells the stream; an unreachable backend keeps the last count', async () => {
    openEscalations = 2;
    await start();
    fake.setDown(true);
    center!.checkNow();
    await settle();
    expect(await fakeBrowser.action.getBadgeText({})).toBe('2');
    fake.setDown(false);
    fake.answer('escalations.listOpen', () => {
      throw serverError('UNAUTHORIZED', 'API key revoked');
    });
    center!.checkNow();
    await settle();
    expect(await fakeBrowser.action.getBadgeText({})).toBe('');
    expect(rejected).toHaveBeenCalled();
  });
});
