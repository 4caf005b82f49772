// The agent's notification preference (the popup's mute toggle), kept in extension storage on this browser.
import { browser } from 'wxt/browser';
import type { BackgroundHandlers } from '../messaging';

const STORAGE_KEY = 'notificationsMuted';

/** True when the agent muted Baton's browser notifications (the toolbar badge still counts). */
export async function loadNotificationsMuted(): Promise<boolean> {
  const stored: Record<string, unknown> = await browser.storage.local.get(STORAGE_KEY);
  return stored[STORAGE_KEY] === true;
}

/** Saves the mute toggle; returns what is saved now. */
export async function saveNotificationsMuted(muted: boolean): Promise<boolean> {
  await browser.storage.local.set({ [STORAGE_KEY]: muted });
  return muted;
}

/** The requests the popup sends about notifications (extension/protocol/notifications.ts). */
export type NotificationPreferenceHandlers = Pick<BackgroundHandlers, 'notifications.getMuted' | 'notifications.setMuted'>;

/**
 * The mute toggle's handlers. Muting takes effect at the next check: notifications that arrive
 * while muted are recorded as seen (unmuting shows no backlog), and the badge keeps counting.
 *
 * @example
 * handleMessages({ ...createNotificationPreferenceHandlers() });
 */
export function createNotificationPreferenceHandlers(): NotificationPreferenceHandlers {
  return {
    'notifications.getMuted': async () => ({ muted: await loadNotificationsMuted() }),
    'notifications.setMuted': async ({ muted }) => ({ muted: await saveNotificationsMuted(muted === true) }),
  };
}
