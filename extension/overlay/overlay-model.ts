// The overlay's data types: what the background pushes and what the banner stack renders.
import type { ChannelName, ConversationViewDto, ResolveReason, TimelinePageDto } from '../../shared/conversation-view';

export type { ResolveReason, TimelineEntry, ResolveReasonOption, EscalationBanner } from '../../shared/conversation-view';
export type ConversationView = ConversationViewDto;
export type TimelinePage = TimelinePageDto;

/** Which helpdesk thread: the adapter's connector name and the thread's id in that helpdesk. */
export interface ConversationRef {
  connector: string;
  externalId: string;
}

/** An agent's send seen in the host page's composer (reported with `messages.recordAgentReply`). */
export interface AgentSend {
  channel: ChannelName;
  body: string;
  /** Stable for this one send (the helpdesk's message id where it has one): a repeat counts once. */
  idempotencyKey: string;
}
