// Reads `notifications.list` answers into what a browser notification needs (pure; tolerant of older backends).
import { z } from 'zod';
import type { ConversationTarget } from '../protocol/popup';

/** One of the agent's escalation notifications, ready to show. */
export interface BatonNotification {
  /** The backend's notification id (one per agent and event, SPEC §5.10). */
  id: string;
  /** Null: the escalation is gone (the notification outlived it). */
  escalationId: string | null;
  kind: 'escalation' | 're_escalated';
  /** Customer messages / escalate actions the notification stands for (1 for a new escalation). */
  count: number;
  /** Epoch milliseconds of the server's `createdAt`. */
  createdAtMs: number;
  /** The server's text: HIPAA-safe (no team, lead or message text in HIPAA mode) because the server composed it. */
  title: string;
  body: string;
  /** Where clicking it leads. */
  target: ConversationTarget;
}

const nullableText = z.string().nullish().transform((value) => value ?? null);

/** The fields used from one item; unknown kinds or broken items are skipped, never fatal. */
const ZNotificationItem = z.object({
  id: z.string().min(1),
  escalationId: z.string().nullish().transform((value) => value ?? null),
  kind: z.enum(['escalation', 're_escalated']),
  count: z.number().int().nonnegative().catch(1),
  createdAt: z.string().refine((value) => !Number.isNaN(Date.parse(value))),
  readAt: nullableText,
  conversationId: nullableText,
  connector: nullableText,
  externalId: nullableText,
  helpdeskUrl: nullableText,
  title: nullableText,
  body: nullableText,
  /** Older backends carried the conversation only in the payload. */
  payload: z.object({ conversationId: nullableText }).partial().nullish(),
});

/** Generic words for a backend that composes no text yet: nothing about the customer or the team. */
export function fallbackText(kind: BatonNotification['kind'], count: number): { title: string; body: string } {
  if (kind === 'escalation') return { title: 'Baton: new escalation', body: 'A conversation was escalated to your team.' };
  const activity = count === 1 ? '1 new customer message' : `${count} new customer messages`;
  return { title: 'Baton: re-escalated', body: `${activity} on an escalated conversation.` };
}

/**
 * The unread items of a `notifications.list` answer, newest first as the server sent them.
 * Items that do not parse (an unknown kind from a newer server) are left out.
 *
 * @example
 * const items = parseNotificationItems(await client.notifications.list.query({ unreadOnly: true, limit: 50 }));
 */
export function parseNotificationItems(answer: unknown): BatonNotification[] {
  if (!Array.isArray(answer)) return [];
  const items: BatonNotification[] = [];
  for (const raw of answer) {
    const parsed = ZNotificationItem.safeParse(raw);
    if (!parsed.success || parsed.data.readAt !== null) continue;
    const item = parsed.data;
    const fallback = fallbackText(item.kind, item.count);
    items.push({
      id: item.id,
      escalationId: item.escalationId,
      kind: item.kind,
      count: item.count,
      createdAtMs: Date.parse(item.createdAt),
      title: item.title?.trim() || fallback.title,
      body: item.body?.trim() || fallback.body,
      target: {
        conversationId: item.conversationId ?? item.payload?.conversationId ?? null,
        connector: item.connector,
        externalId: item.externalId,
        helpdeskUrl: item.helpdeskUrl,
      },
    });
  }
  return items;
}
