// One tRPC call of the mix over the keep-alive client, checked: a success is a 2xx answer carrying
// a tRPC result; anything else is an error, named by its status and tRPC code (or the socket error).
import type { createHttpClient } from '../support/http-client';
import type { Operation } from './mix';

export type HttpClient = ReturnType<typeof createHttpClient>;

export type CallOutcome = { ok: true } | { ok: false; kind: string };

const MUTATIONS: Record<Operation, boolean> = { takeOver: true, get: false, release: true };

export async function callOperation(client: HttpClient, baseUrl: string, apiKey: string, operation: Operation, conversationId: string): Promise<CallOutcome> {
  const input = JSON.stringify({ id: conversationId });
  const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
  try {
    const answer = MUTATIONS[operation]
      ? await client.request(`${baseUrl}/trpc/conversations.${operation}`, { method: 'POST', headers, body: input })
      : await client.request(`${baseUrl}/trpc/conversations.${operation}?input=${encodeURIComponent(input)}`, { method: 'GET', headers });
    if (answer.status >= 200 && answer.status < 300 && answer.body.startsWith('{"result":')) return { ok: true };
    return { ok: false, kind: `${answer.status} ${trpcErrorCode(answer.body)}` };
  } catch (error) {
    return { ok: false, kind: `no answer: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` };
  }
}

function trpcErrorCode(body: string): string {
  try {
    return (JSON.parse(body) as { error?: { data?: { code?: string } } }).error?.data?.code ?? 'not a tRPC error';
  } catch {
    return 'not JSON';
  }
}
