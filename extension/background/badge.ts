// The toolbar badge: how many escalations of my teams are open (shown even while notifications are muted).
import { browser } from 'wxt/browser';

/** The part of `browser.action` the badge uses. */
export interface BadgeApi {
  setBadgeText(details: { text: string }): Promise<void>;
  setBadgeBackgroundColor(details: { color: string }): Promise<void>;
  setTitle(details: { title: string }): Promise<void>;
}

/** Escalation red, as on the overlay's banner. */
export const BADGE_COLOR = '#c62828';
/** The badge holds about four characters. */
const MAX_SHOWN_COUNT = 99;
const EXTENSION_NAME = 'Baton';

/** `''` for none (the badge disappears), the count, or `99+`. */
export function badgeText(openEscalations: number): string {
  if (openEscalations <= 0) return '';
  return openEscalations > MAX_SHOWN_COUNT ? `${MAX_SHOWN_COUNT}+` : String(openEscalations);
}

/** The toolbar button's tooltip, which says what the number means. */
export function badgeTitle(openEscalations: number): string {
  if (openEscalations <= 0) return `${EXTENSION_NAME} — no open escalations for your teams`;
  const count = openEscalations > MAX_SHOWN_COUNT ? `More than ${MAX_SHOWN_COUNT}` : String(openEscalations);
  return `${EXTENSION_NAME} — ${count} open escalation${openEscalations === 1 ? '' : 's'} for your teams`;
}

/** `browser.action` (MV3), or `browser.browserAction` in Firefox's MV2 build. */
function toolbarButton(): BadgeApi {
  const api = browser as unknown as { action?: BadgeApi; browserAction?: BadgeApi };
  return (api.action ?? api.browserAction) as BadgeApi;
}

/** Shows counts on the toolbar button; see {@link createBadge}. */
export interface Badge {
  /** Shows the number of open escalations of my teams. */
  showOpenEscalations(count: number): Promise<void>;
  /** No count to show (not configured, or the credential was refused). */
  clear(): Promise<void>;
}

/**
 * Wraps `browser.action`. Never throws: a badge that cannot be drawn must not stop notifications.
 *
 * @example
 * const badge = createBadge();
 * await badge.showOpenEscalations(openEscalations.length);
 */
export function createBadge(action: BadgeApi = toolbarButton()): Badge {
  let colored = false;
  const draw = async (text: string, title: string) => {
    try {
      if (!colored) {
        await action.setBadgeBackgroundColor({ color: BADGE_COLOR });
        colored = true;
      }
      await action.setBadgeText({ text });
      await action.setTitle({ title });
    } catch {
      // No action API (a test page) or the browser is shutting down: nothing to draw on.
    }
  };
  return {
    showOpenEscalations: (count) => draw(badgeText(count), badgeTitle(count)),
    clear: () => draw('', EXTENSION_NAME),
  };
}
