// The REST2 calls Baton's RT connector makes, typed: ticket transactions after a cursor, a
// transaction's text, users, and correspondence marked with Baton's idempotency key.
import { z } from 'zod';
import { ZRtId, ZRtPage, ZRtReference, type RtClient } from './rt-client.js';

/** Transactions read per request while catching up. */
export const TRANSACTIONS_PER_PAGE = 50;

/**
 * The Content-Type parameter that carries Baton's idempotency key on its correspondence. REST2 only
 * lets a client set the body's content type (no custom headers); RT keeps the whole header on the
 * stored attachment, and mail clients ignore unknown parameters, so the customer never sees it.
 */
export const IDEMPOTENCY_PARAMETER = 'x-baton-idempotency-key';

/** TransactionSQL string literal. */
const sqlText = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

const ZTransactionItem = z.object({
  id: ZRtId,
  Type: z.string(),
  Creator: ZRtReference,
  ObjectId: z.union([ZRtId, ZRtReference.transform((reference) => Number(reference.id))]),
  Created: z.string().optional(),
});

/** One ticket transaction: a customer's or an agent's message (comments are never listed). */
export interface RtTransaction {
  id: number;
  /** `Create` or `Correspond`. */
  type: string;
  /** The RT user name of its author. */
  creator: string;
  ticketId: number;
  /** RT's `Created` (ISO-8601, UTC); null: not given. */
  created: string | null;
}

/**
 * Ticket creations and correspondence in `queue` after transaction `after`, oldest first (one page).
 * Comments are left out by the query: they are internal notes, never messages.
 */
export async function transactionsAfter(client: RtClient, after: number, queue: string, perPage = TRANSACTIONS_PER_PAGE): Promise<RtTransaction[]> {
  const query = `ObjectType = 'RT::Ticket' AND id > ${after} AND (Type = 'Create' OR Type = 'Correspond') AND TicketQueue = ${sqlText(queue)}`;
  const page = await client.request('GET', '/transactions', {
    query: { query, orderby: 'id', order: 'ASC', per_page: perPage, page: 1, fields: 'Type,Creator,ObjectId,Created' },
    schema: ZRtPage(ZTransactionItem),
  });
  return page.items.map((item) => ({ id: item.id, type: item.Type, creator: item.Creator.id, ticketId: item.ObjectId, created: item.Created ?? null }));
}

/**
 * Where polling starts when a tenant first configures RT: the newest ticket transaction created
 * before `since` (RT's clock, second precision), so mail that arrives after the connector was
 * configured is read and older history is not. 0: none.
 */
export async function lastTransactionBefore(client: RtClient, since: Date, pages = 20): Promise<number> {
  const sinceSeconds = Math.floor(since.getTime() / 1000);
  let oldestSeen = 0;
  for (let page = 1; page <= pages; page++) {
    const answer = await client.request('GET', '/transactions', {
      query: { query: "ObjectType = 'RT::Ticket'", orderby: 'id', order: 'DESC', per_page: 100, page, fields: 'Created' },
      schema: ZRtPage(z.object({ id: ZRtId, Created: z.string().optional() })),
    });
    for (const item of answer.items) {
      const created = item.Created ? Date.parse(item.Created) : Number.NaN;
      // Strictly before the configuration's second: a transaction in that same second is read.
      if (Number.isFinite(created) && Math.floor(created / 1000) < sinceSeconds) return item.id;
      oldestSeen = item.id;
    }
    if (answer.items.length === 0 || (answer.pages ?? page) <= page) return 0;
  }
  // More history than we page through since the configuration: start just before the oldest seen.
  return Math.max(0, oldestSeen - 1);
}

const ZAttachmentSummary = z.object({
  id: ZRtId,
  ContentType: z.string().nullish(),
  Filename: z.string().nullish(),
});

const ZAttachment = z.object({ id: ZRtId, ContentType: z.string().nullish(), Content: z.string().nullish() });

/** The part of a transaction that is its message: the first text/plain part that is no file, else the first text/html one; null: none (an attachment-only mail). */
export async function transactionMessage(client: RtClient, transactionId: number): Promise<{ content: string; contentType: string } | null> {
  const parts = await client.request('GET', `/transaction/${transactionId}/attachments`, {
    query: { fields: 'ContentType,Filename', per_page: 100 },
    schema: ZRtPage(ZAttachmentSummary),
  });
  const inline = parts.items.filter((part) => !part.Filename);
  const chosen = inline.find((part) => /^text\/plain/i.test(part.ContentType ?? '')) ?? inline.find((part) => /^text\/html/i.test(part.ContentType ?? ''));
  if (!chosen) return null;
  const attachment = await client.request('GET', `/attachment/${chosen.id}`, { schema: ZAttachment });
  // REST2 sends content base64-encoded (UTF-8 text inside).
  const content = attachment.Content ? Buffer.from(attachment.Content, 'base64').toString('utf8') : '';
  return { content, contentType: attachment.ContentType ?? chosen.ContentType ?? 'text/plain' };
}

const ZUser = z.object({
  Name: z.string(),
  EmailAddress: z.string().nullish(),
  RealName: z.string().nullish(),
  Privileged: z.union([z.number(), z.string(), z.boolean()]).nullish(),
});

export interface RtUserRecord {
  name: string;
  /** Lower case; null: none on file. */
  email: string | null;
  realName: string | null;
  /** RT's staff (may be granted rights); customers created by mail are unprivileged. */
  privileged: boolean;
}

export async function userByName(client: RtClient, name: string): Promise<RtUserRecord> {
  const user = await client.request('GET', `/user/${encodeURIComponent(name)}`, { schema: ZUser });
  const privileged = user.Privileged === true || Number(user.Privileged ?? 0) === 1;
  return { name: user.Name, email: user.EmailAddress ? user.EmailAddress.trim().toLowerCase() : null, realName: user.RealName?.trim() || null, privileged };
}

/** The transaction of Baton's correspondence carrying `key`; null: none (it was never delivered). */
export async function correspondenceWithKey(client: RtClient, ticketId: number, key: string): Promise<number | null> {
  const found = await client.request('POST', `/ticket/${ticketId}/attachments`, {
    query: { fields: 'TransactionId,Headers', per_page: 20 },
    // REST2 runs a JSON array as a search; LIKE matches anywhere in the stored header text.
    json: [{ field: 'Headers', operator: 'LIKE', value: key }],
    schema: ZRtPage(z.object({ id: ZRtId, TransactionId: z.union([ZRtId, ZRtReference.transform((reference) => Number(reference.id))]).nullish(), Headers: z.string().nullish() })),
  });
  const marker = new RegExp(`${IDEMPOTENCY_PARAMETER}="?${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"?(;|\\s|$)`, 'i');
  const match = found.items.find((item) => item.Headers && marker.test(item.Headers));
  return match ? (match.TransactionId ?? 0) : null;
}

/** Adds correspondence (a reply the requesters get) to the ticket, its body's content type marked with `key`. */
export async function correspond(client: RtClient, ticketId: number, body: string, key: string): Promise<void> {
  await client.request('POST', `/ticket/${ticketId}/correspond`, {
    json: { Content: body, ContentType: `text/plain; ${IDEMPOTENCY_PARAMETER}="${key}"` },
    schema: z.unknown(),
  });
}
