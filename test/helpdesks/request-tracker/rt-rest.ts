// Request Tracker's REST2 API with basic auth: the test's view of what RT stored.
import { z } from 'zod';
import type { RtUser } from './rt-users.js';

export type RestMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * Calls `<rtUrl>/REST/2.0<path>` as `user` and answers the parsed JSON (null for an empty body).
 * Throws with RT's answer on a non-2xx status.
 *
 * @example await restRequest(rt.url, RT_ROOT, 'GET', '/ticket/1/history?fields=Type,Creator')
 */
export async function restRequest<T = unknown>(rtUrl: string, user: RtUser, method: RestMethod, path: string, body?: unknown): Promise<T> {
  const url = `${rtUrl}/REST/2.0${path.startsWith('/') ? path : `/${path}`}`;
  const response = await fetch(url, {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(`${user.name}:${user.password}`).toString('base64')}`,
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`RT REST2 ${method} ${path} answered ${response.status}: ${text.slice(0, 500)}`);
  return (text === '' ? null : JSON.parse(text)) as T;
}

/** One history entry as `/ticket/N/history?fields=Type,Creator` answers it (REST2 gives ids as strings). */
const ZHistoryEntry = z.object({
  id: z.coerce.number().int(),
  Type: z.string(),
  /** A user reference; `id` is the user's name. */
  Creator: z.object({ id: z.string() }),
});
export type RtHistoryEntry = z.infer<typeof ZHistoryEntry>;

const ZHistoryPage = z.object({ items: z.array(ZHistoryEntry), pages: z.number().optional() });

/** Every transaction of a ticket, oldest first, with its type and creator. */
export async function ticketHistory(rtUrl: string, user: RtUser, ticketId: number): Promise<RtHistoryEntry[]> {
  const entries: RtHistoryEntry[] = [];
  for (let page = 1; ; page++) {
    const answer = ZHistoryPage.parse(
      await restRequest(rtUrl, user, 'GET', `/ticket/${ticketId}/history?fields=Type,Creator&per_page=100&page=${page}`),
    );
    entries.push(...answer.items);
    if (!answer.pages || page >= answer.pages) return entries;
  }
}
