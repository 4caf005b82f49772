// What the popup lists (issue 10): conversations (held by me, escalated for my teams) and open
// escalations of my teams. The backend's list queries must satisfy these types. Timestamps are ISO-8601.
import type { EscalationTriggerName } from './conversation-view.js';

/** Where the conversation lives in a helpdesk: its reference and the thread page an extension first showed it on. */
export interface HelpdeskLocation {
  connector: string | null;
  externalId: string | null;
  /** Recorded when a content script first shows the conversation; null: never shown in a browser yet. */
  helpdeskUrl: string | null;
}

export interface ConversationListItem extends HelpdeskLocation {
  id: string;
  leadId: string;
  /** Null: the customer's name is unknown. */
  leadName: string | null;
  subject: string | null;
  /** Null: not taken over. */
  takeover: { holderId: string | null; holderName: string | null; source: string; autoReleaseAt: string | null } | null;
  /** The open escalation; null: none. `teamName` is null in HIPAA mode. */
  escalation: { id: string; reason: string; trigger: EscalationTriggerName; openedAt: string; teamName: string | null } | null;
  updatedAt: string;
}

/** One page of `conversations.list`, newest activity first. */
export interface ConversationListPage {
  items: ConversationListItem[];
  /** Pass as `cursor` for the next page; null: no more. */
  nextCursor: string | null;
  serverNow: string;
}

/** One row of `escalations.listOpen`, newest first. In HIPAA mode `teamName` and `cycle` are null. */
export interface OpenEscalationItem extends HelpdeskLocation {
  id: string;
  leadId: string;
  leadName: string | null;
  conversationId: string | null;
  teamId: string;
  teamName: string | null;
  cycle: number | null;
  reason: string;
  reasonCode: string | null;
  trigger: EscalationTriggerName;
  openedAt: string;
  lastActivityAt: string;
  activityCount: number;
}
