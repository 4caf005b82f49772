// Popup ↔ background requests (issue 10): the current tab's thread, my takeovers, my teams' escalations.
import type { ConversationListPage, HelpdeskLocation, OpenEscalationItem } from '../../shared/conversation-list';
import type { ActionResult, ConnectionState, ThreadState } from '../messaging';
import type { ConversationRef } from '../overlay/overlay-model';

/** The active tab's Baton thread, as its content script reported it to the background. */
export interface PopupCurrentTab {
  tabId: number;
  ref: ConversationRef;
  thread: ThreadState;
}

/** Everything the popup shows, in one answer. */
export interface PopupState {
  connection: ConnectionState;
  /** Null: the active tab shows no thread Baton knows of (or no helpdesk at all). */
  currentTab: PopupCurrentTab | null;
  /** Conversations I hold (`conversations.list` `heldByMe`). */
  myTakeovers: ActionResult<ConversationListPage>;
  /** Open escalations of my teams, newest first. */
  myEscalations: ActionResult<OpenEscalationItem[]>;
  notificationsMuted: boolean;
  /** serverNow − local now, for "time left until auto-release". */
  serverOffsetMs: number;
}

/** Which conversation to show in a helpdesk tab. */
export type ConversationTarget = { conversationId: string | null } & HelpdeskLocation;

export type PopupRequest =
  /** `tabId`: the popup's active tab (null when it has none). */
  | { type: 'popup.state'; tabId: number | null }
  /** Focuses a tab already showing the thread, else opens its helpdesk URL in a new tab. */
  | { type: 'popup.openConversation'; target: ConversationTarget };

export interface PopupResponses {
  'popup.state': PopupState;
  'popup.openConversation': ActionResult<{ tabId: number; reused: boolean }>;
}
