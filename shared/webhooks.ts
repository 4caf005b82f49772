// Webhook bodies (ARCHITECTURE.md "API surface"): customer messages and agent replies from connectors.
import { z } from 'zod';

const ZText = (max: number) => z.string().trim().min(1, { error: 'is required' }).max(max, { error: `must be at most ${max} characters` });

export const ZChannel = z.enum(['sms', 'email'], { error: 'must be "sms" or "email"' });

export const ZInboundWebhook = z.object({
  /** The tenant's slug. */
  tenant: ZText(64),
  connector: ZText(64),
  externalConversationId: ZText(255),
  /** Deliveries with an id already seen are ignored. */
  externalMessageId: ZText(255),
  lead: z
    .object({
      name: z.string().trim().max(200).optional(),
      phone: z.string().trim().max(32).optional(),
      email: z.email({ error: 'must be an email address' }).max(254).optional(),
    })
    .default({}),
  channel: ZChannel,
  body: ZText(20_000),
  /** ISO-8601; absent: the time Baton received it. */
  sentAt: z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date-time' }).optional(),
});
export type InboundWebhook = z.infer<typeof ZInboundWebhook>;

export const ZAgentReplyWebhook = z.object({
  tenant: ZText(64),
  connector: ZText(64),
  externalConversationId: ZText(255),
  agentEmail: z.email({ error: 'must be an email address' }),
  channel: ZChannel,
  body: ZText(20_000),
  externalMessageId: ZText(255),
});
export type AgentReplyWebhook = z.infer<typeof ZAgentReplyWebhook>;
