// The mute toggle through the real message channel, and the notification wiring of the whole background:
// an escalation event on the stream shows a notification unless muted; the badge counts regardless.
import { describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { sendToBackground } from '../messaging';
import { loadNotificationsMuted } from './notification-preferences';
import { NOTIFICATION_ID_PREFIX } from './notifications';
import { fakeEvent } from './testing/fake-backend';
import { useTestBackground } from './testing/test-background';

const createdAt = () => new Date(Date.now() + 1_000).toISOString();
const item = (id: string) => ({ id, escalationId: 'esc-1', kind: 'escalation', count: 1, payload: {}, createdAt: createdAt(), readAt: null, conversationId: 'conv-a', connector: 'demo', externalId: 'DEMO-1', helpdeskUrl: null, title: 'New escalation', body: 'A conversation was escalated to your team.' });

describe('notification preferences and wiring', () => {
  const t = useTestBackground();

  it('is not muted until the agent mutes; the choice is stored and answered back', async () => {
    expect(await sendToBackground({ type: 'notifications.getMuted' })).toEqual({ muted: false });
    expect(await sendToBackground({ type: 'notifications.setMuted', muted: true })).toEqual({ muted: true });
    expect(await loadNotificationsMuted()).toBe(true);
    expect(await sendToBackground({ type: 'notifications.getMuted' })).toEqual({ muted: true });
    expect(await sendToBackground({ type: 'notifications.setMuted', muted: false })).toEqual({ muted: false });
    expect(await loadNotificationsMuted()).toBe(false);
  });

  it('an escalation event on the stream → a notification and the badge; muted → the badge only', async () => {
    t.connect({ connector: 'demo', externalId: 'DEMO-1' });
    const stream = await t.openStream();
    stream.start();
    await settleWithCrypto();
    t.fake.answer('notifications.list', () => [item('n-1')]);
    t.fake.answer('escalations.listOpen', () => [{ id: 'esc-1' }]);
    t.emit(fakeEvent({ id: '101', type: 'escalation.notified' }));
    await settleWithCrypto(300);
    expect(Object.keys(fakeBrowser.notifications.getAllCreateOptions())).toEqual([`${NOTIFICATION_ID_PREFIX}n-1`]);
    expect(await fakeBrowser.action.getBadgeText({})).toBe('1');

    await sendToBackground({ type: 'notifications.setMuted', muted: true });
    t.fake.answer('notifications.list', () => [item('n-2'), item('n-1')]);
    t.fake.answer('escalations.listOpen', () => [{ id: 'esc-1' }, { id: 'esc-2' }]);
    t.emit(fakeEvent({ id: '102', type: 'escalation.notified' }));
    await settleWithCrypto(300);
    expect(Object.keys(fakeBrowser.notifications.getAllCreateOptions())).toEqual([`${NOTIFICATION_ID_PREFIX}n-1`]);
    expect(await fakeBrowser.action.getBadgeText({})).toBe('2');
  });

  /** Fake timers, then real turns of the event loop (the credential fingerprint is SHA-256, not a timer). */
  async function settleWithCrypto(ms = 0) {
    await t.settle(ms);
    for (let round = 0; round < 5; round++) {
      await new Promise((resolve) => realSetTimeout(resolve, 0));
      await t.settle();
    }
  }
});

const realSetTimeout = globalThis.setTimeout;
