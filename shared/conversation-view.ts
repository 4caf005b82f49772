// What `conversations.get` / `byExternalRef` / `takeOver` / `release` answer: everything the banners
// need in one read (SPEC §2.5, §3.3, §5.4). The backend's view builder must satisfy this type; the
// extension renders it. Timestamps are ISO-8601 UTC instants; texts are plain text (never HTML).

export type ChannelName = 'sms' | 'email';
export type ResolveReason = 'handled' | 'false_positive' | 'spam' | 'duplicate' | 'other';
export type EscalationTriggerName = 'rule' | 'sla_breach' | 'guardrail' | 'manual' | 'api';

/** One resolve reason as the form offers it (SPEC §5.6), in the table's order. */
export interface ResolveReasonOption {
  reason: ResolveReason;
  /** `Handled`, `False positive`, `Spam`, `Duplicate`, `Other`. */
  label: string;
  /** A non-blank note is required (only `other`). */
  noteRequired: boolean;
  /** Resolving this way stamps a cooldown on the lead. */
  startsCooldown: boolean;
  /** Resolving this way releases the takeover. */
  releasesTakeover: boolean;
}

/** The open escalation. In HIPAA mode `redacted` is true and `team` / `cycle` are absent (not null: absent). */
export type EscalationBanner = {
  id: string;
  leadId: string;
  conversationId: string | null;
  status: 'open' | 'resolved';
  reason: string;
  reasonCode: string | null;
  trigger: EscalationTriggerName;
  openedAt: string;
  lastActivityAt: string;
  activityCount: number;
} & ({ redacted: true } | { redacted: false; team: { id: string; name: string } | null; cycle: number });

export interface ConversationViewDto {
  id: string;
  subject: string | null;
  lead: { id: string; name: string | null; phone: string | null; email: string | null } | null;
  /** The thread page a content script first showed this conversation on (issue 10); null: not yet. */
  helpdeskUrl: string | null;
  takeover: {
    /** Null: held by a routing rule's `takeover_hold` (no agent yet). */
    holder: { agentId: string; name: string } | null;
    source: string | null;
    since: string | null;
    autoReleaseAt: string | null;
    /** `AI resumes at 5:00 PM CST`, in the tenant zone. */
    warning: string | null;
    /** In the last `releaseWarningMinutes`: emphasise with a live countdown. */
    warningActive: boolean;
  } | null;
  pendingReply: { id: string; body: string; channel: ChannelName; dueAt: string } | null;
  failedReply: { id: string; body: string; error: string | null; attempts: number; failedAt: string } | null;
  /**
   * An AI reply past its point of no return (issue 11 item 2, README): `sending` (its failed attempts
   * so far in `attempts` / `lastError`), or `sent` moments around a recent takeover. It can no longer
   * be stopped, so the banner offers no action; with a takeover it says the reply was already on its way.
   */
  replyInFlight: { id: string; body: string; channel: ChannelName; status: 'sending' | 'sent'; attempts: number; lastError: string | null } | null;
  /**
   * The AI could not draft a reply to the latest customer message after its retries (issue 11 item 7).
   * Null once the customer writes again, an agent replies or takes over, or nothing failed.
   */
  failedDraft: { messageId: string; error: string; attempts: number; failedAt: string } | null;
  escalation: EscalationBanner | null;
  /** The lead's escalation cooldown while it lasts: `Escalations paused until 6:06 AM CST`. */
  cooldown: { until: string; text: string } | null;
  /** Who is asking, and what they may do here. */
  viewer: {
    agentId: string | null;
    name: string;
    /** May resolve the open escalation (team member, admin, superuser, admin key, IdP admin group). */
    canResolve: boolean;
  };
  /** The resolve form's reasons, with which need a note. */
  resolveReasons: ResolveReasonOption[];
  releaseWarningMinutes: number;
  lastCustomerMessageAt: string | null;
  lastAgentMessageAt: string | null;
  timeZone: string;
  serverNow: string;
}

/** One line of the timeline drawer, newest first. `text` is plain text. */
export interface TimelineEntry {
  /** `m:<messageId>` or `e:<eventId>`: unique across both kinds. */
  id: string;
  kind: 'message' | 'event' | 'note';
  at: string;
  /** Who: an agent's name, `AI`, `System` or `Customer` — never a raw id. */
  actor: { kind: 'agent' | 'ai' | 'system' | 'customer'; name: string };
  /** Human words: the message body, or e.g. `Took over`, `Released to AI`, `Escalation resolved as spam`. */
  text: string;
  /** Event type (`takeover.started`, …) for events and notes; null for messages. */
  eventType: string | null;
  channel: ChannelName | null;
}

export interface TimelinePageDto {
  entries: TimelineEntry[];
  /** Pass back as `cursor` for older entries; null: nothing older. */
  nextCursor: string | null;
  /** The tenant zone, for formatting `at`. */
  timeZone: string;
}
