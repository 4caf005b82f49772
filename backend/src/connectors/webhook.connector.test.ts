// The webhook connector against a real local HTTP server: body, signed headers, and each failure as the banner says it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { OutboundMessage } from './connector.js';
import { createWebhookConnector } from './webhook.connector.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const message: OutboundMessage = { tenantId: 't-1', conversationId: 'c-1', channel: 'sms', body: 'We open at 9.', author: 'ai', agentId: null, idempotencyKey: 'reply-1',
  externalConversation: null, recipient: { name: null, phone: '+15550100', email: null }, thread: { subject: null, lastInboundExternalId: null } };

let server: http.Server | null = null;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A receiver on 127.0.0.1 that answers `status` (or never answers when null); resolves its URL and what it got. */
async function receiver(status: number | null) {
  const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      if (status !== null) res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received };
}

describe('webhook connector', () => {
  it('POSTs the message as JSON with a Standard Webhooks signature keyed by the idempotency key', async () => {
    const { url, received } = await receiver(204);
    await createWebhookConnector({ url, secret: SECRET, nowSeconds: () => 1_800_000_000 }).deliver(message);
    expect(received).toHaveLength(1);
    const [{ headers, body }] = received as [(typeof received)[number]];
    expect(JSON.parse(body)).toEqual({ id: 'reply-1', conversationId: 'c-1', channel: 'sms', body: 'We open at 9.', author: 'ai' });
    expect(headers).toMatchObject({ 'content-type': 'application/json', 'webhook-id': 'reply-1', 'webhook-timestamp': '1800000000' });
    const expected = createHmac('sha256', Buffer.from(SECRET.slice('whsec_'.length), 'base64')).update(`reply-1.1800000000.${body}`).digest('base64');
    expect(headers['webhook-signature']).toBe(`v1,${expected}`);
  });

  it('throws with the status when the receiver refuses', async () => {
    const { url } = await receiver(503);
    await expect(createWebhookConnector({ url, secret: SECRET }).deliver(message)).rejects.toThrow('the webhook answered 503 Service Unavailable');
  });

  it('gives up after its timeout', async () => {
    const { url } = await receiver(null);
    const started = Date.now();
    await expect(createWebhookConnector({ url, secret: SECRET, timeoutMs: 300 }).deliver(message)).rejects.toThrow('the webhook did not answer within 300 ms');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('says when nothing listens', async () => {
    const { url } = await receiver(204);
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = null;
    await expect(createWebhookConnector({ url, secret: SECRET }).deliver(message)).rejects.toThrow('the webhook could not be reached (ECONNREFUSED)');
  });
});
