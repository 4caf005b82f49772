// The bench's requests to the backend processes over keep-alive HTTP: signed customer messages to
// the webhook and tRPC calls with the dev token. Every answer is checked; a failed one (non-2xx, a
// tRPC error, no answer) is printed on stderr and counted in `errors`.
import { randomUUID } from 'node:crypto';
import { signedWebhookHeaders } from '../../backend/src/http/webhook-signature';
import { createHttpClient, type Answer } from '../support/http-client';

export interface BatonRequests {
  /** Posts conversation `index`'s one customer message to backend `index % urls.length`; its conversation id, or null on failure. */
  postCustomerMessage(index: number): Promise<string | null>;
  /** A tRPC mutation on backend `processIndex`; its `result.data`, or null on failure. */
  mutate(processIndex: number, procedure: string, input: unknown): Promise<unknown>;
  /** A tRPC query on the first backend; throws on failure (setup only). */
  query(procedure: string): Promise<unknown>;
  /** Failed requests so far. */
  errors(): number;
  close(): void;
}

const parsed = (answer: Answer): Record<string, unknown> | null => {
  try {
    return JSON.parse(answer.body) as Record<string, unknown>;
  } catch {
    return null;
  }
};

export function batonRequests(urls: readonly string[], credentials: { token: string; webhookSecret: string }): BatonRequests {
  const http = createHttpClient();
  const trpcHeaders = { authorization: `Bearer ${credentials.token}`, 'content-type': 'application/json' };
  let errors = 0;
  const failed = (what: string, detail: string) => {
    errors += 1;
    console.error(`  error: ${what}: ${detail.slice(0, 300)}`);
    return null;
  };

  /** The request's answer when it is a 2xx with the field wanted, else null (counted and printed). */
  const checked = async (what: string, send: () => Promise<Answer>, field: string) => {
    let answer: Answer;
    try {
      answer = await send();
    } catch (error) {
      return failed(what, `no answer (${(error as Error).message})`);
    }
    const body = parsed(answer);
    if (answer.status < 200 || answer.status > 299 || !body || !(field in body)) return failed(what, `HTTP ${answer.status} ${answer.body}`);
    return body[field];
  };

  return {
    async postCustomerMessage(index) {
      const raw = JSON.stringify({
        tenant: 'demo',
        connector: 'bench',
        externalConversationId: `c-${index}`,
        externalMessageId: randomUUID(),
        channel: 'sms',
        body: 'hello',
        lead: { phone: `+1555${String(index).padStart(7, '0')}` },
      });
      const url = `${urls[index % urls.length]}/webhooks/inbound`;
      const headers = { 'content-type': 'application/json', ...signedWebhookHeaders(credentials.webhookSecret, raw) };
      const id = await checked(`customer message ${index}`, () => http.request(url, { method: 'POST', headers, body: raw }), 'conversationId');
      return typeof id === 'string' ? id : null;
    },
    async mutate(processIndex, procedure, input) {
      const url = `${urls[processIndex % urls.length]}/trpc/${procedure}`;
      const result = await checked(`${procedure} on process ${processIndex % urls.length}`, () => http.request(url, { method: 'POST', headers: trpcHeaders, body: JSON.stringify(input) }), 'result');
      return result === null ? null : (result as { data?: unknown }).data;
    },
    async query(procedure) {
      const answer = await http.request(`${urls[0]}/trpc/${procedure}`, { method: 'GET', headers: trpcHeaders });
      const body = parsed(answer);
      if (answer.status !== 200 || !body || !('result' in body)) throw new Error(`${procedure} failed: HTTP ${answer.status} ${answer.body}`);
      return (body.result as { data: unknown }).data;
    },
    errors: () => errors,
    close: () => http.close(),
  };
}
