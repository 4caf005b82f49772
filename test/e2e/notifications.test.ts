// Browser notifications and the toolbar badge in Chromium with the built extension (issue 10, part 4):
// an escalation → a notification and the badge; a click opens the thread (a new tab at its stored
// address when its tab is closed) and marks it read; a burst → one coalesced re-escalated
// notification; a service-worker restart with no helpdesk tab open shows nothing twice; mute; HIPAA text.
// Observed from the service worker: `chrome.notifications.getAll()` (headless Chromium keeps what was
// created), `chrome.action.getBadgeText()`, and a recorder around `chrome.notifications.create` for the text.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { viewOf } from './support/backend.js';
import { escalate, startThread, waitForView, type DemoConversation } from './support/conversations.js';
import { customerWritesThroughWebhook } from './support/demo.js';
import {
  badgeText,
  browserNotificationId,
  clickNotification,
  dismissAllNotifications,
  ledgerIds,
  recordedNotifications,
  recordNotifications,
  serverNotifications,
  shownNotificationIds,
  unmuteInStorage,
  waitForNotificationBaseline,
  waitForServerNotifications,
  waitForShown,
} from './support/notifications.js';
import { baton, waitForShadow } from './support/overlay.js';
import { screenshot } from './support/screenshot.js';
import { useE2eSuite } from './support/suite.js';
import { sleep, waitFor } from './support/wait.js';

/** Short, so a test sees a window close; long enough that a burst of webhooks lands inside one. */
const COALESCE_SECONDS = 8;

const suite = useE2eSuite('notifications');
const sam = () => suite.sam;
const samClient = () => suite.e2e.agents.sam.client;

/** Sam's open escalations as the badge should count them (`listOpen` with `myTeams`). */
async function samsOpenEscalations(): Promise<number> {
  return ((await samClient().escalations.listOpen.query({ myTeams: true, limit: 100 })) as unknown[]).length;
}

/** The badge shows Sam's open escalation count (waits: the badge follows the next check). */
async function expectBadgeToCountOpenEscalations(): Promise<string> {
  const expected = String(await samsOpenEscalations());
  return waitFor(() => badgeText(sam()), (text) => text === expected, `the badge to read ${expected}`);
}

/** Opens the thread in Sam's browser (records its helpdesk address; its port keeps the event stream running). */
async function openInSamsBrowser(thread: DemoConversation): Promise<Page> {
  const page = await suite.openThread('sam', thread.externalId);
  await waitForView(samClient(), thread.conversationId, (view) => Boolean(view.helpdeskUrl), 'the thread’s helpdesk address');
  return page;
}

beforeAll(async () => {
  await suite.e2e.updateSettings({ reEscalationCoalesceSeconds: COALESCE_SECONDS });
  // Nothing was unread at sign-in: the extension's first check must be done before escalations start.
  await waitForNotificationBaseline(suite.sam);
});

describe('browser notifications and the badge', () => {
  it('an escalation for Sam’s team → a notification with the server’s text and the badge count; a click after its tab closed opens the thread in a new tab and marks it read', async () => {
    const thread = await startThread(suite.e2e, 'I was charged twice for my order', 'Maria Lopez');
    const page = await openInSamsBrowser(thread);
    await recordNotifications(sam());

    const escalationId = await escalate(suite.e2e, thread, 'Customer was charged twice');
    const [notification] = await waitForServerNotifications(samClient(), escalationId, 'escalation');
    await waitForShown(sam(), notification!.id);
    expect(await expectBadgeToCountOpenEscalations()).toBe('1');
    const shown = (await recordedNotifications(sam())).filter((entry) => entry.id === browserNotificationId(notification!.id));
    expect(shown).toEqual([{ id: browserNotificationId(notification!.id), title: 'Escalation: Support', message: 'Maria Lopez — Customer was charged twice', iconUrl: expect.stringMatching(/^chrome-extension:\/\/[a-p]{32}\/icon\/128\.png$/) }]);
    expect([shown[0]!.title, shown[0]!.message]).toEqual([notification!.title, notification!.body]);

    // The thread's tab is closed; the click must open its stored helpdesk address in a new tab.
    const helpdeskUrl = (await viewOf(samClient(), thread.conversationId)).helpdeskUrl!;
    await page.close();
    const opened = sam().browser.waitForTarget((target) => target.type() === 'page' && target.url() === helpdeskUrl, { timeout: 20_000 });
    await clickNotification(sam(), browserNotificationId(notification!.id));
    const newTab = suite.pages.add(sam(), (await (await opened).page())!);
    await waitForShadow(newTab, 'baton-banners', baton('escalation-banner'));
    await screenshot(newTab, 'notification-click-opened-thread');

    await waitFor(() => shownNotificationIds(sam()), (ids) => !ids.includes(browserNotificationId(notification!.id)), 'the clicked notification to close');
    const read = (await serverNotifications(samClient())).find((item) => item.id === notification!.id);
    expect(read?.readAt).not.toBeNull();
  });

  it('a burst of customer messages on an escalated lead → one coalesced re-escalated notification for the window, not one per message', async () => {
    const thread = await startThread(suite.e2e, 'My package never arrived', 'Tom Becker');
    await openInSamsBrowser(thread);
    await recordNotifications(sam());
    const escalationId = await escalate(suite.e2e, thread, 'Lost package');
    const burstStarted = Date.now();
    for (const body of ['Hello?', 'Is anyone there?', 'I need this today', 'Please call me']) await customerWritesThroughWebhook(suite.e2e, thread.externalId, body);
    expect(Date.now() - burstStarted, 'the burst must fit in one coalescing window').toBeLessThan(COALESCE_SECONDS * 1_000);

    const [reEscalated] = await waitForServerNotifications(samClient(), escalationId, 're_escalated', 1, (COALESCE_SECONDS + 15) * 1_000);
    expect(reEscalated).toMatchObject({ count: 4, title: 'Re-escalated (4 new messages)' });
    await waitForShown(sam(), reEscalated!.id);

    // A whole further window: still one re-escalated notification, on the server and in the browser.
    await sleep((COALESCE_SECONDS + 2) * 1_000);
    const reEscalations = (await serverNotifications(samClient())).filter((item) => item.escalationId === escalationId && item.kind === 're_escalated');
    expect(reEscalations.map((item) => item.id)).toEqual([reEscalated!.id]);
    const [escalation] = await waitForServerNotifications(samClient(), escalationId, 'escalation');
    const createdForThisEscalation = (await recordedNotifications(sam())).filter((entry) => [escalation!.id, reEscalated!.id].map(browserNotificationId).includes(entry.id));
    expect(createdForThisEscalation.map((entry) => [entry.id, entry.title])).toEqual([
      [browserNotificationId(escalation!.id), 'Escalation: Support'],
      [browserNotificationId(reEscalated!.id), 'Re-escalated (4 new messages)'],
    ]);
    expect(await expectBadgeToCountOpenEscalations()).toBe('2');
  });

  it('after a service-worker restart with no helpdesk tab open: the alarm brings the next notification, and nothing shown before comes back', { timeout: 150_000 }, async () => {
    const unreadBefore = (await serverNotifications(samClient())).filter((item) => item.readAt === null).map((item) => item.id);
    expect(unreadBefore.length, 'earlier tests leave unread notifications a lost ledger would show again').toBeGreaterThan(0);
    await dismissAllNotifications(sam()); // the agent closed them
    await sam().stopServiceWorker();
    expect(sam().serviceWorkerRunning()).toBe(false);

    const thread = await startThread(suite.e2e, 'Can someone help with my invoice?', 'Ana Silva');
    const escalationId = await escalate(suite.e2e, thread, 'Invoice question');
    const [notification] = await waitForServerNotifications(samClient(), escalationId, 'escalation');
    // No tab and a stopped worker: only an alarm (the notifications alarm fires every 30 s) starts it to check.
    const shown = await waitForShown(sam(), notification!.id, 75_000);
    expect(shown).toEqual([browserNotificationId(notification!.id)]);
    await sleep(1_000);
    expect(await shownNotificationIds(sam())).toEqual([browserNotificationId(notification!.id)]);
    expect(await ledgerIds(sam())).toEqual(expect.arrayContaining(unreadBefore));
    await expectBadgeToCountOpenEscalations();
  });

  it('muted in the popup → no notification, but the badge still counts; unmuted → new ones show, the muted one does not come back', async () => {
    try {
      await mutedThenUnmuted();
    } finally {
      await unmuteInStorage(sam()); // a failure must not leave the next tests muted
    }
  });

  async function mutedThenUnmuted() {
    const popup = await sam().openPage(`chrome-extension://${sam().extensionId}/popup.html`);
    suite.pages.add(sam(), popup);
    const mute = await popup.waitForSelector('input[data-popup="mute"]');
    await mute!.click();
    await popup.waitForSelector('input[data-popup="mute"]:checked');

    const thread = await startThread(suite.e2e, 'Where is my refund?', 'Lee Chen');
    await openInSamsBrowser(thread);
    const escalationId = await escalate(suite.e2e, thread, 'Refund status');
    const [muted] = await waitForServerNotifications(samClient(), escalationId, 'escalation');
    await waitFor(() => ledgerIds(sam()), (ids) => ids?.includes(muted!.id) === true, 'the extension to see the muted notification');
    await expectBadgeToCountOpenEscalations();
    await sleep(1_000);
    expect(await shownNotificationIds(sam())).not.toContain(browserNotificationId(muted!.id));
    // Back to the popup's tab (a background tab paints nothing); reopened, it reads the stored choice.
    await popup.bringToFront();
    await popup.reload({ waitUntil: 'domcontentloaded' });
    await popup.waitForSelector('input[data-popup="mute"]:checked');
    await popup.setViewport({ width: 360, height: 380 }); // about the size of the toolbar popup
    await screenshot(popup, 'popup-notifications-muted');

    await popup.click('input[data-popup="mute"]');
    await popup.waitForSelector('input[data-popup="mute"]:not(:checked)');
    const next = await startThread(suite.e2e, 'My card was declined', 'Lee Chen');
    const nextEscalationId = await escalate(suite.e2e, next, 'Card declined');
    const [unmuted] = await waitForServerNotifications(samClient(), nextEscalationId, 'escalation');
    const shown = await waitForShown(sam(), unmuted!.id);
    expect(shown).not.toContain(browserNotificationId(muted!.id));
  }

  it('HIPAA mode → the notification says no team name, customer name or message text', async () => {
    await suite.e2e.updateSettings({ hipaaMode: true });
    try {
      const thread = await startThread(suite.e2e, 'My diagnosis results are wrong', 'Priya Raman');
      await openInSamsBrowser(thread);
      await recordNotifications(sam());
      const escalationId = await escalate(suite.e2e, thread, 'Chest pain mentioned');
      await customerWritesThroughWebhook(suite.e2e, thread.externalId, 'Follow-up about my medication');
      const [escalation] = await waitForServerNotifications(samClient(), escalationId, 'escalation');
      const [reEscalated] = await waitForServerNotifications(samClient(), escalationId, 're_escalated', 1, (COALESCE_SECONDS + 15) * 1_000);
      await waitForShown(sam(), escalation!.id);
      await waitForShown(sam(), reEscalated!.id);

      const ids = [escalation!.id, reEscalated!.id].map(browserNotificationId);
      const texts = (await recordedNotifications(sam())).filter((entry) => ids.includes(entry.id));
      expect(texts.map((entry) => entry.title)).toEqual(['New escalation', 'Re-escalated (1 new message)']);
      for (const { title, message } of texts) {
        expect(`${title} ${message}`).not.toMatch(/Support|Priya|Raman|diagnosis|Chest pain|medication|Follow-up/i);
      }
    } finally {
      await suite.e2e.updateSettings({ hipaaMode: false });
    }
  });
});
