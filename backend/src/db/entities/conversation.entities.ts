// Leads, conversations with their external references, messages and scheduled AI replies.
import { EntitySchema } from 'typeorm';
import {
  instantColumn,
  integerColumn,
  jsonColumn,
  longTextColumn,
  textColumn,
  uuidColumn,
  uuidPrimary,
} from './columns.js';
// The domain owns these value sets; the entities only store them.
import type { ScheduledReplyStatus } from '../../domain/scheduled-reply.js';
import type { TakeoverSource } from '../../domain/takeover.js';

export interface LeadRow {
  id: string;
  tenantId: string;
  /** Null: the customer's name is not known. */
  name: string | null;
  /** E.164 where known; null: no phone number on file. */
  phone: string | null;
  /** Null: no email address on file. */
  email: string | null;
  tags: string[];
  /** Rule-triggered escalations are suppressed until then (SPEC §5.8); null: no cooldown. */
  cooldownUntil: Date | null;
  createdAt: Date;
}

export const LeadEntity = new EntitySchema<LeadRow>({
  name: 'Lead',
  tableName: 'leads',
  columns: {
    id: uuidPrimary,
    tenantId: uuidColumn('tenant_id'),
    name: textColumn('name', 200, true),
    phone: textColumn('phone', 32, true),
    email: textColumn('email', 254, true),
    tags: jsonColumn('tags'),
    cooldownUntil: instantColumn('cooldown_until', true),
    createdAt: instantColumn('created_at'),
  },
});

export type { TakeoverSource };

export interface ConversationRow {
  id: string;
  tenantId: string;
  leadId: string;
  /** Null: no subject (SMS threads). */
  subject: string | null;
  /** The agent holding the conversation; null: not held by an agent (see `takeoverSource`). */
  heldByAgentId: string | null;
  /** Null: not taken over. `rule_hold` with a null holder means a rule keeps the AI quiet. */
  takeoverSource: TakeoverSource | null;
  /** When the current takeover began; null: not taken over. */
  takenOverAt: Date | null;
  /** When the current takeover ends by itself (SPEC §2.4); null: not taken over. */
  autoReleaseAt: Date | null;
  /** Newest customer message; null: the customer has not written yet. */
  lastCustomerMessageAt: Date | null;
  /** Newest human (agent) message; null: no agent has written (safety rail, SPEC §4). */
  lastAgentMessageAt: Date | null;
  /** When a human last took over or released; null: never. AI replies only answer newer messages (SPEC §4). */
  lastHumanControlAt: Date | null;
  /** Optimistic version, bumped by every state change of the conversation. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export const ConversationEntity = new EntitySchema<ConversationRow>({
  name: 'Conversation',
  tableName: 'conversations',
  columns: {
    id: uuidPrimary,
    tenantId: uuidColumn('tenant_id'),
    leadId: uuidColumn('lead_id'),
    subject: textColumn('subject', 300, true),
    heldByAgentId: uuidColumn('held_by_agent_id', true),
    takeoverSource: textColumn('takeover_source', 16, true) as never,
    takenOverAt: instantColumn('taken_over_at', true),
    autoReleaseAt: instantColumn('auto_release_at', true),
    lastCustomerMessageAt: instantColumn('last_customer_message_at', true),
    lastAgentMessageAt: instantColumn('last_agent_message_at', true),
    lastHumanControlAt: instantColumn('last_human_control_at', true),
    version: integerColumn('version'),
    createdAt: instantColumn('created_at'),
    updatedAt: instantColumn('updated_at'),
  },
});

export interface ConversationRefRow {
  id: string;
  tenantId: string;
  conversationId: string;
  /** Connector name: `outbox`, `webhook`, `twilio`, `smtp`, `request-tracker`, a demo inbox… */
  connector: string;
  /** The conversation's id in that system (a ticket number, a phone thread id). */
  externalId: string;
  /** The helpdesk thread page an extension first showed the conversation on (first showing wins); null: not shown yet. */
  helpdeskUrl: string | null;
  createdAt: Date;
}

export const ConversationRefEntity = new EntitySchema<ConversationRefRow>({
  name: 'ConversationRef',
  tableName: 'conversation_refs',
  columns: {
    id: uuidPrimary,
    tenantId: uuidColumn('tenant_id'),
    conversationId: uuidColumn('conversation_id'),
    connector: textColumn('connector', 64),
    externalId: textColumn('external_id', 255),
    helpdeskUrl: textColumn('helpdesk_url', 2048, true),
    createdAt: instantColumn('created_at'),
  },
});

export const CHANNELS = ['sms', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];
export const MESSAGE_AUTHORS = ['customer', 'agent', 'ai'] as const;
export type MessageAuthor = (typeof MESSAGE_AUTHORS)[number];

export interface MessageRow {
  id: string;
  tenantId: string;
  conversationId: string;
  author: MessageAuthor;
  /** The agent who wrote (or edited and sent) it; null for customer and unedited AI messages. */
  agentId: string | null;
  channel: Channel;
  body: string;
  /** The id in the system it came from or went to; null: not known. Unique per tenant (dedupe). */
  externalMessageId: string | null;
  /** Outbound delivery: `pending`, `delivered`, `failed`; null for inbound messages. */
  deliveryStatus: string | null;
  createdAt: Date;
}

export const MessageEntity = new EntitySchema<MessageRow>({
  name: 'Message',
  tableName: 'messages',
  columns: {
    id: uuidPrimary,
    tenantId: uuidColumn('tenant_id'),
    conversationId: uuidColumn('conversation_id'),
    author: textColumn('author', 16) as never,
    agentId: uuidColumn('agent_id', true),
    channel: textColumn('channel', 8) as never,
    body: longTextColumn('body'),
    externalMessageId: textColumn('external_message_id', 255, true),
    deliveryStatus: textColumn('delivery_status', 16, true),
    createdAt: instantColumn('created_at'),
  },
});

export type { ScheduledReplyStatus };

export interface ScheduledReplyRow {
  id: string;
  tenantId: string;
  conversationId: string;
  /** The customer message this reply answers (safety rail re-check at send time). */
  inReplyToMessageId: string;
  channel: Channel;
  body: string;
  status: ScheduledReplyStatus;
  dueAt: Date;
  /** Why it ended without being sent (`takeover`, `agent`, `superseded`, an error); null otherwise. */
  endReason: string | null;
  /** The agent who used Edit & Send; null: sent as drafted. */
  editedByAgentId: string | null;
  /** The delivered message; null until sent. */
  sentMessageId: string | null;
  /** Delivery attempts so far (retries with backoff). */
  attempts: number;
  /** The last delivery error; null: none. */
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export const ScheduledReplyEntity = new EntitySchema<ScheduledReplyRow>({
  name: 'ScheduledReply',
  tableName: 'scheduled_replies',
  columns: {
    id: uuidPrimary,
    tenantId: uuidColumn('tenant_id'),
    conversationId: uuidColumn('conversation_id'),
    inReplyToMessageId: uuidColumn('in_reply_to_message_id'),
    channel: textColumn('channel', 8) as never,
    body: longTextColumn('body'),
    status: textColumn('status', 16) as never,
    dueAt: instantColumn('due_at'),
    endReason: textColumn('end_reason', 255, true),
    editedByAgentId: uuidColumn('edited_by_agent_id', true),
    sentMessageId: uuidColumn('sent_message_id', true),
    attempts: integerColumn('attempts'),
    lastError: longTextColumn('last_error', true),
    createdAt: instantColumn('created_at'),
    updatedAt: instantColumn('updated_at'),
  },
});
