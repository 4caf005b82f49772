// Which credential a tRPC request carries (issue 14 item 4): the Authorization header, or for the
// event stream a short-lived stream ticket in connectionParams. tRPC's SSE link puts
// connectionParams in the URL, where proxies and logs keep it, so a long-lived credential there is refused.
import type { ProcedureType } from '@trpc/server';

export interface RequestCredential {
  /** The Authorization header's value; null: none. */
  authorization: string | null;
  /** A stream ticket from connectionParams (subscriptions only). */
  streamTicket: string | null;
  /** Set when the request carries a credential where none is accepted: answered UNAUTHORIZED with this. */
  refusal: string | null;
}

export const CREDENTIAL_IN_URL_REFUSAL =
  'A long-lived credential in connectionParams (the URL) is refused: call events.streamTicket with it in the Authorization header, then subscribe with connectionParams { ticket }';
export const TICKET_OUTSIDE_STREAM_REFUSAL = 'A stream ticket only opens the event stream (a subscription); send an API key or token in the Authorization header';

/**
 * @example requestCredential('Bearer bk_…', { type: 'query', connectionParams: null }) // { authorization: 'Bearer bk_…', streamTicket: null, refusal: null }
 */
export function requestCredential(
  header: string | undefined,
  info: { type: ProcedureType | 'unknown'; connectionParams: Record<string, string | undefined> | null },
): RequestCredential {
  const authorization = header ?? null;
  const params = info.connectionParams ?? {};
  if (params.authorization || params.token) return { authorization: null, streamTicket: null, refusal: CREDENTIAL_IN_URL_REFUSAL };
  if (!params.ticket) return { authorization, streamTicket: null, refusal: null };
  if (info.type !== 'subscription') return { authorization: null, streamTicket: null, refusal: TICKET_OUTSIDE_STREAM_REFUSAL };
  return { authorization: null, streamTicket: params.ticket, refusal: null };
}
