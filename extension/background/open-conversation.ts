// Shows a conversation's helpdesk thread: focuses a tab already showing it, else opens its stored URL in a
// new tab, but only on an origin this browser granted Baton (a recorded URL is whatever some page reported).
import { browser } from 'wxt/browser';
import type { ActionResult } from '../messaging';
import type { ConversationTarget } from '../protocol/popup';
import { actionFailure } from './action-result';
import type { OverlayHub } from './overlay-hub';

/** Failure code: Baton has no helpdesk address for the conversation (no content script ever showed it). */
export const NO_HELPDESK_URL = 'NO_HELPDESK_URL';
/** Shown when nothing is known about where the thread lives. */
export const NO_HELPDESK_URL_MESSAGE =
  'Baton does not know this conversation’s helpdesk page yet: open it once in your helpdesk and Baton will remember it.';

/** Failure code: the stored address is on an origin this browser never granted Baton (possibly a lure). */
export const HELPDESK_URL_NOT_GRANTED = 'HELPDESK_URL_NOT_GRANTED';

/** The part of `browser.permissions` used here. */
export interface PermissionsCheck {
  contains(permissions: { origins: string[] }): Promise<boolean>;
}

/** The part of `browser.tabs` / `browser.windows` used here (no `tabs` permission needed for any of it). */
export interface TabControls {
  tabs: {
    update(tabId: number, properties: { active: boolean }): Promise<{ id?: number; windowId?: number } | undefined>;
    create(properties: { url: string; active: boolean }): Promise<{ id?: number; windowId?: number }>;
  };
  windows: { update(windowId: number, properties: { focused: boolean }): Promise<unknown> };
}

/** What {@link openConversation} needs: who shows which thread, and the browser's tabs. */
export interface OpenConversationDeps {
  hub: Pick<OverlayHub, 'tabsShowing'>;
  /** Default: the real `browser.tabs` and `browser.windows`. */
  tabs?: TabControls;
  /** Default: the real `browser.permissions`. */
  permissions?: PermissionsCheck;
}

/**
 * Brings the conversation's thread to the front. A tab whose content script shows it (the hub's
 * knowledge: no `tabs` permission, no URL matching) is focused with its window; when none is open
 * (or they all closed meanwhile) `target.helpdeskUrl` opens in a new active tab, provided this browser
 * holds host permission for its origin (the manifest's hosts, or a helpdesk granted in the options):
 * the stored URL is whatever the first tab showing the thread reported, so it is not trusted blindly.
 * Never throws.
 *
 * @example
 * const opened = await openConversation(escalation, { hub });
 * if (!opened.ok) showError(opened.message);
 */
export async function openConversation(target: ConversationTarget, deps: OpenConversationDeps): Promise<ActionResult<{ tabId: number; reused: boolean }>> {
  const controls = deps.tabs ?? { tabs: browser.tabs, windows: browser.windows };
  const ref = target.connector && target.externalId ? { connector: target.connector, externalId: target.externalId } : null;

  for (const showing of deps.hub.tabsShowing(target.conversationId, ref)) {
    const tab = await controls.tabs.update(showing.tabId, { active: true }).catch(() => undefined);
    if (!tab) continue; // closed since its port said goodbye, or never there
    const windowId = tab.windowId ?? showing.windowId;
    if (windowId !== null && windowId !== undefined) await controls.windows.update(windowId, { focused: true }).catch(() => undefined);
    return { ok: true, value: { tabId: showing.tabId, reused: true } };
  }

  if (!target.helpdeskUrl) return actionFailure(NO_HELPDESK_URL, NO_HELPDESK_URL_MESSAGE);
  if (!isWebAddress(target.helpdeskUrl)) return actionFailure('BAD_REQUEST', `Baton’s stored helpdesk address is not a web page: ${target.helpdeskUrl}`);
  const permissions = deps.permissions ?? browser.permissions;
  const origin = new URL(target.helpdeskUrl).origin;
  const granted = await permissions.contains({ origins: [`${origin}/*`] }).catch(() => false);
  if (!granted) {
    return actionFailure(
      HELPDESK_URL_NOT_GRANTED,
      `Baton did not open ${target.helpdeskUrl}: ${origin} is not a helpdesk this browser allows Baton on. If it is your helpdesk, an admin adds it in Baton’s options.`,
    );
  }
  try {
    const created = await controls.tabs.create({ url: target.helpdeskUrl, active: true });
    if (created.windowId !== undefined) await controls.windows.update(created.windowId, { focused: true }).catch(() => undefined);
    if (created.id === undefined) return actionFailure('INTERNAL', 'The browser opened no tab for the helpdesk page.');
    return { ok: true, value: { tabId: created.id, reused: false } };
  } catch (error) {
    return actionFailure('INTERNAL', `The browser could not open the helpdesk page: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Only http(s) pages: a stored address must never become a `javascript:` or `chrome:` tab. */
export function isWebAddress(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:';
  } catch {
    return false;
  }
}
