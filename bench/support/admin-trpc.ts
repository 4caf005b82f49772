// tRPC over HTTP with the admin dev token, for a bench's set-up (queries as GET, mutations as POST):
// any answer but 200 throws with the procedure's name and the answer.
import type { createHttpClient } from './http-client';

export type Trpc = ReturnType<typeof createTrpc>;

export function createTrpc(client: ReturnType<typeof createHttpClient>, url: string, token: string) {
  const call = async <T>(method: 'GET' | 'POST', procedure: string, input: unknown): Promise<T> => {
    const query = method === 'GET' && input !== undefined ? `?input=${encodeURIComponent(JSON.stringify(input))}` : '';
    const answer = await client.request(`${url}/trpc/${procedure}${query}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: method === 'POST' ? JSON.stringify(input) : undefined,
    });
    if (answer.status !== 200) throw new Error(`${procedure} answered ${answer.status}: ${answer.body}`);
    return (JSON.parse(answer.body) as { result: { data: T } }).result.data;
  };
  return {
    query: <T>(procedure: string, input?: unknown) => call<T>('GET', procedure, input),
    mutate: <T>(procedure: string, input: unknown) => call<T>('POST', procedure, input),
  };
}
