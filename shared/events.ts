// The typed event stream: what `events.onChange` delivers to every open tab (ARCHITECTURE.md).
import { z } from 'zod';

/** Every event type Baton writes to the timeline. Later features add theirs here. */
export const EVENT_TYPES = [
  'tenant.created',
  'agent.created',
  'agent.updated',
  'team.created',
  'team.member_added',
  'team.member_removed',
  'api_key.created',
  'api_key.revoked',
  'webhook_secret.rotated',
  'settings.changed',
  'conversation.created',
  /** Issue 10: the helpdesk thread page a content script first showed the conversation on. */
  'conversation.helpdesk_url_recorded',
  'message.received',
  'message.sent',
  /** Issue 11 item 2: an agent message sent through Baton could not be delivered after its retries. */
  'message.delivery_failed',
  'takeover.started',
  'takeover.transferred',
  'takeover.released',
  'takeover.auto_release_rescheduled',
  'reply.scheduled',
  'reply.sent',
  'reply.edited',
  'reply.send_now',
  /** Issue 11 item 2: the send job's claim, the cut-off: from here the reply is leaving (README). */
  'reply.sending',
  'reply.retry_scheduled',
  'reply.cancelled',
  'reply.superseded',
  'reply.failed',
  'reply.blocked',
  /** Issue 11 item 7: the AI could not draft a reply to a customer message after its retries. */
  'reply.draft_failed',
  'lead.tagged',
  'rules.changed',
  'escalation.opened',
  'escalation.re_escalated',
  'escalation.notified',
  'escalation.suppressed',
  'escalation.unrouted',
  'escalation.resolved',
  'escalation.cooldown_stamped',
  'task.created',
  'task.completed',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const ZBatonEvent = z.object({
  /** The event's position in its tenant's stream (decimal string, commit order, no gaps): the SSE event id used to resume. */
  id: z.string(),
  type: z.enum(EVENT_TYPES),
  /** Null: not about one conversation. */
  conversationId: z.string().nullable(),
  /** Null: not about one lead. */
  leadId: z.string().nullable(),
  /** `agent:<id>`, `api_key:<id>`, `system` or `customer`. */
  actor: z.string(),
  before: z.record(z.string(), z.unknown()).nullable(),
  after: z.record(z.string(), z.unknown()).nullable(),
  /** ISO-8601 UTC instant. */
  at: z.string(),
});
export type BatonEvent = z.infer<typeof ZBatonEvent>;
