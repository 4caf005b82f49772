// One signed customer message: `POST /webhooks/inbound` with `x-baton-timestamp` + `x-baton-signature`, and what the answer
// says — accepted (a new message stored), duplicate (an external id already seen) or an error.
import type { InboundWebhook } from '../../shared/webhooks';
import { signedWebhookHeaders } from '../../backend/src/http/webhook-signature';
import type { createHttpClient } from '../support/http-client';

/**
 * A message as posted: the raw body is kept so it can be redelivered byte for byte; it is signed at each
 * post, as a connector's retry is (a signature older than 5 minutes is refused as a replay).
 */
export interface SignedMessage {
  raw: string;
  secret: string;
}

export type PostOutcome =
  | { kind: 'accepted' | 'duplicate'; messageId: string; conversationId: string | null }
  /** `status` 0: the request failed (connection refused, reset, …). */
  | { kind: 'error'; status: number };

export function signMessage(secret: string, message: InboundWebhook): SignedMessage {
  const raw = JSON.stringify(message);
  return { raw, secret };
}

export async function postMessage(client: ReturnType<typeof createHttpClient>, backendUrl: string, message: SignedMessage): Promise<PostOutcome> {
  let answer;
  try {
    answer = await client.request(`${backendUrl}/webhooks/inbound`, { method: 'POST', headers: { 'content-type': 'application/json', ...signedWebhookHeaders(message.secret, message.raw) }, body: message.raw });
  } catch {
    return { kind: 'error', status: 0 };
  }
  if (answer.status < 200 || answer.status > 299) return { kind: 'error', status: answer.status };
  try {
    const body = JSON.parse(answer.body) as { status?: unknown; messageId?: unknown; conversationId?: unknown };
    const conversationId = typeof body.conversationId === 'string' ? body.conversationId : null;
    if (typeof body.messageId === 'string' && (body.status === 'accepted' || body.status === 'duplicate')) return { kind: body.status, messageId: body.messageId, conversationId };
  } catch {
    // A 2xx without the expected body is an error below.
  }
  return { kind: 'error', status: answer.status };
}
