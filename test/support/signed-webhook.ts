// Posts a JSON body to a Baton webhook, signed the way connectors sign it (X-Baton-Signature).
import { signBody } from '../../backend/src/http/webhook-signature.js';

/** `signature` overrides the computed header (to test bad signatures). */
export async function postSignedWebhook(baseUrl: string, path: string, secret: string, body: unknown, signature?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const raw = JSON.stringify(body);
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-baton-signature': signature ?? signBody(secret, raw) },
    body: raw,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
