// Observes Baton's browser notifications and toolbar badge from inside the extension's service worker
// (headless Chromium keeps created notifications in `chrome.notifications.getAll()`, measured on Chromium 156).
import type { WebWorker } from 'puppeteer-core';
import type { TestClient } from '../../support/trpc-client.js';
import type { ExtensionBrowser } from './browser.js';
import { runningServiceWorker, waitForServiceWorker } from './service-worker.js';
import { waitFor } from './wait.js';

/** What the extension passed to `chrome.notifications.create`, as recorded by {@link recordNotifications}. */
export interface RecordedNotification {
  id: string;
  title: string;
  message: string;
  iconUrl: string;
}

/** A backend notification as `notifications.list` answers it (the fields the tests read). */
export interface ServerNotification {
  id: string;
  escalationId: string | null;
  kind: string;
  count: number;
  title: string;
  body: string;
  readAt: string | null;
  createdAt: string;
}

/** The parts of the worker's `chrome` used here (types only: the evaluated bodies run in the worker). */
interface WorkerScope {
  chrome: {
    notifications: {
      getAll(): Promise<Record<string, boolean>>;
      clear(id: string): Promise<boolean>;
      create: (...args: unknown[]) => unknown;
      onClicked: { dispatch(id: string): void };
    };
    action: { getBadgeText(details: object): Promise<string> };
    storage: { local: { get(key: string): Promise<Record<string, unknown>>; set(items: Record<string, unknown>): Promise<void> } };
  };
  batonRecordedNotifications?: RecordedNotification[];
}

/** The browser notification id the extension gives a backend notification (extension/background/notifications.ts). */
export const browserNotificationId = (serverId: string) => `baton-notification:${serverId}`;

/**
 * The extension's service worker to evaluate in; waits for it when it is stopped (an alarm or an
 * extension page starts it again; the notifications alarm fires every 30 s).
 */
export async function extensionWorker(agent: ExtensionBrowser, timeoutMs = 45_000): Promise<WebWorker> {
  const target = runningServiceWorker(agent.browser, agent.extensionId) ?? (await waitForServiceWorker(agent.browser, agent.extensionId, timeoutMs));
  const worker = await target.worker();
  if (!worker) throw new Error(`cannot attach to the service worker of ${agent.extensionId}`);
  return worker;
}

/** The ids of the notifications the browser holds for the extension right now. */
export async function shownNotificationIds(agent: ExtensionBrowser): Promise<string[]> {
  const worker = await extensionWorker(agent);
  return worker.evaluate(async () => {
    const { chrome } = globalThis as unknown as WorkerScope;
    return Object.keys(await chrome.notifications.getAll()).sort();
  });
}

/** The toolbar badge's text (`''` when none). */
export async function badgeText(agent: ExtensionBrowser): Promise<string> {
  const worker = await extensionWorker(agent);
  return worker.evaluate(() => (globalThis as unknown as WorkerScope).chrome.action.getBadgeText({}));
}

/** Closes every notification the extension shows (what an agent dismissing them does). */
export async function dismissAllNotifications(agent: ExtensionBrowser): Promise<void> {
  const worker = await extensionWorker(agent);
  await worker.evaluate(async () => {
    const { chrome } = globalThis as unknown as WorkerScope;
    for (const id of Object.keys(await chrome.notifications.getAll())) await chrome.notifications.clear(id);
  });
}

/**
 * Clicks a notification the only way headless Chromium allows: there is no notification UI to click,
 * so the worker's real `chrome.notifications.onClicked` event is dispatched with the id, which runs
 * the listeners the extension registered on it — the same code path as a user's click.
 */
export async function clickNotification(agent: ExtensionBrowser, notificationId: string): Promise<void> {
  const worker = await extensionWorker(agent);
  await worker.evaluate((id) => (globalThis as unknown as WorkerScope).chrome.notifications.onClicked.dispatch(id), notificationId);
}

/**
 * Records from now on what the running worker passes to `chrome.notifications.create` (the title and
 * message are not readable back from Chromium). Lasts until the worker stops; calling it again is harmless.
 */
export async function recordNotifications(agent: ExtensionBrowser): Promise<void> {
  const worker = await extensionWorker(agent);
  await worker.evaluate(() => {
    const scope = globalThis as unknown as WorkerScope;
    if (scope.batonRecordedNotifications) return;
    const recorded: RecordedNotification[] = [];
    scope.batonRecordedNotifications = recorded;
    const notifications = scope.chrome.notifications;
    const create = notifications.create.bind(notifications);
    notifications.create = (...args: unknown[]) => {
      const [id, options] = args as [string, { title: string; message: string; iconUrl: string }];
      recorded.push({ id, title: options.title, message: options.message, iconUrl: options.iconUrl });
      return create(...args);
    };
  });
}

/** Every `create` recorded by {@link recordNotifications} in the running worker, oldest first. */
export async function recordedNotifications(agent: ExtensionBrowser): Promise<RecordedNotification[]> {
  const worker = await extensionWorker(agent);
  return worker.evaluate(() => ((globalThis as unknown as WorkerScope).batonRecordedNotifications ?? []).slice());
}

/** Cleanup after a failed mute test: the stored mute preference (extension/background/notification-preferences.ts) back to off. */
export async function unmuteInStorage(agent: ExtensionBrowser): Promise<void> {
  const worker = await extensionWorker(agent);
  await worker.evaluate(() => (globalThis as unknown as WorkerScope).chrome.storage.local.set({ notificationsMuted: false }));
}

/** The ids the extension's ledger (what it showed or chose not to) lists; null before its first check. */
export async function ledgerIds(agent: ExtensionBrowser): Promise<string[] | null> {
  const worker = await extensionWorker(agent);
  return worker.evaluate(async () => {
    const { chrome } = globalThis as unknown as WorkerScope;
    const { notificationLedger } = (await chrome.storage.local.get('notificationLedger')) as { notificationLedger?: { entries: { id: string }[] } };
    return notificationLedger ? notificationLedger.entries.map((entry) => entry.id) : null;
  });
}

/** Waits for the extension's first notification check (its baseline), so later notifications count as new. */
export async function waitForNotificationBaseline(agent: ExtensionBrowser): Promise<void> {
  await waitFor(() => ledgerIds(agent), (ids) => ids !== null, 'the extension’s first notification check');
}

/** The agent's notifications on the server, newest first. */
export async function serverNotifications(client: TestClient): Promise<ServerNotification[]> {
  return (await client.notifications.list.query({ unreadOnly: false, limit: 200 })) as unknown as ServerNotification[];
}

/** Waits until the agent has `count` notifications of `kind` for the escalation; returns them, newest first. */
export async function waitForServerNotifications(client: TestClient, escalationId: string, kind: 'escalation' | 're_escalated', count = 1, timeoutMs?: number): Promise<ServerNotification[]> {
  const ofEscalation = async () => (await serverNotifications(client)).filter((item) => item.escalationId === escalationId && item.kind === kind);
  return waitFor(ofEscalation, (items) => items.length >= count, `${count} ${kind} notification(s) of escalation ${escalationId}`, { timeoutMs });
}

/** Waits until the browser shows the notification with this server id. */
export async function waitForShown(agent: ExtensionBrowser, serverId: string, timeoutMs?: number): Promise<string[]> {
  return waitFor(() => shownNotificationIds(agent), (ids) => ids.includes(browserNotificationId(serverId)), `the browser notification for ${serverId}`, { timeoutMs });
}
