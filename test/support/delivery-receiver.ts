// A local HTTP receiver for the webhook connector (127.0.0.1 only): checks each Standard Webhooks
// signature, records every delivery's idempotency key, and dedupes on it like a real receiver would.
import { createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedDelivery {
  key: string;
  payload: { id: string; conversationId: string; channel: string; body: string; author: string };
  signatureValid: boolean;
}

/** What to do with a request before answering: `answer` 200, `fail` with a 500, or `drop` the connection unanswered. */
export type DeliveryVerdict = 'answer' | 'fail' | 'drop';

export interface DeliveryReceiver {
  url: string;
  secret: string;
  /** Every request, in arrival order (a redelivery appears again). */
  requests: ReceivedDelivery[];
  /** The messages the receiver keeps: one per idempotency key. */
  messages(): Map<string, ReceivedDelivery>;
  close(): Promise<void>;
}

/** A fresh `whsec_` secret (32 random bytes). */
export const newWebhookSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

/**
 * @param decide called before answering each request, with whether its key is new; may act first
 *   (e.g. SIGKILL the sender) and then drop the connection.
 */
export async function startDeliveryReceiver(decide: (delivery: ReceivedDelivery, firstTime: boolean) => DeliveryVerdict | Promise<DeliveryVerdict> = () => 'answer'): Promise<DeliveryReceiver> {
  const secret = newWebhookSecret();
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const requests: ReceivedDelivery[] = [];
  const kept = new Map<string, ReceivedDelivery>();
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const id = String(req.headers['webhook-id']);
      const expected = `v1,${createHmac('sha256', key).update(`${id}.${String(req.headers['webhook-timestamp'])}.${raw}`).digest('base64')}`;
      const delivery: ReceivedDelivery = { key: id, payload: JSON.parse(raw) as ReceivedDelivery['payload'], signatureValid: req.headers['webhook-signature'] === expected };
      requests.push(delivery);
      const firstTime = !kept.has(id);
      if (firstTime) kept.set(id, delivery);
      void Promise.resolve(decide(delivery, firstTime)).then((verdict) => (verdict === 'drop' ? req.socket.destroy() : res.writeHead(verdict === 'fail' ? 500 : 200).end()));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/outbound`,
    secret,
    requests,
    messages: () => kept,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
