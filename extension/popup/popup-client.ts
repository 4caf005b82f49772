// What the popup asks of the background: an interface (tests pass a fake) and its sendToBackground implementation.
import { browser } from 'wxt/browser';
import { sendToBackground, type ActionResult } from '../messaging';
import type { ConversationView } from '../overlay/overlay-model';
import type { ConversationTarget, PopupState } from '../protocol/popup';

/** The popup's requests; each action answers an ActionResult (never throws across the boundary but may reject if the background is gone). */
export interface PopupClient {
  /** Everything the popup shows, for the given tab (null: no tab to ask about). */
  state(tabId: number | null): Promise<PopupState>;
  /** Take over from the popup (`source: popup`), expecting `expectedHolderId` to hold it (null: nobody). */
  takeOver(conversationId: string, expectedHolderId: string | null): Promise<ActionResult<ConversationView>>;
  /** Release to AI from the popup (`source: popup`). */
  release(conversationId: string): Promise<ActionResult<ConversationView>>;
  /** Focus the tab showing the thread, else open its helpdesk URL. */
  openConversation(target: ConversationTarget): Promise<ActionResult<{ tabId: number; reused: boolean }>>;
  /** Mute or unmute Baton's browser notifications; answers the stored value. */
  setMuted(muted: boolean): Promise<{ muted: boolean }>;
  /** Opens the extension's options page. */
  openOptions(): void;
}

/** The real client: typed messages to the background worker. */
export const backgroundPopupClient: PopupClient = {
  state: (tabId) => sendToBackground({ type: 'popup.state', tabId }),
  takeOver: (conversationId, expectedHolderId) => sendToBackground({ type: 'conversation.takeOver', conversationId, expectedHolderId, source: 'popup' }),
  release: (conversationId) => sendToBackground({ type: 'conversation.release', conversationId, source: 'popup' }),
  openConversation: (target) => sendToBackground({ type: 'popup.openConversation', target }),
  setMuted: (muted) => sendToBackground({ type: 'notifications.setMuted', muted }),
  openOptions: () => void browser.runtime.openOptionsPage(),
};

/**
 * The tab the popup is about: the active tab of its window. Opened as a page in a tab (keyboard users,
 * tests), `?tab=<id>` names the tab instead, honoured only then: in the toolbar popup (no tab of its
 * own) the active tab always wins. Null when there is none.
 */
export async function popupTargetTabId(search: string = location.search): Promise<number | null> {
  const ownTab = await browser.tabs.getCurrent().catch(() => undefined);
  const asked = Number(new URLSearchParams(search).get('tab'));
  if (ownTab && Number.isSafeInteger(asked) && asked > 0) return asked;
  const [active] = await browser.tabs.query({ active: true, currentWindow: true });
  return active?.id !== undefined && active.id !== ownTab?.id ? active.id : null;
}
