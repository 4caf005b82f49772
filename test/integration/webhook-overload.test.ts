// Overload (issue 13 "Bad input"): a burst above a process's webhook limit is answered 503 with
// Retry-After before anything is stored; every message accepted is stored once, and a retry of a
// refused one is accepted — nothing is lost, the server stays up.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedWebhookHeaders } from '../../backend/src/http/webhook-signature.js';
import type { CreatedTenant } from '../../backend/src/features/admin/tenants.service.js';
import { startTestBackend, type TestBackend } from '../support/in-process-server.js';

const MAX_IN_FLIGHT = 2;
const BURST = 40;
let backend: TestBackend;
let acme: CreatedTenant;

beforeAll(async () => {
  backend = await startTestBackend('overload', { dialect: 'mysql', redis: true, env: { BATON_WEBHOOK_MAX_IN_FLIGHT: String(MAX_IN_FLIGHT) } });
  acme = await backend.createTenant('acme');
});

afterAll(() => backend?.stop());

async function postMessage(externalMessageId: string) {
  const raw = JSON.stringify({ tenant: acme.tenant.slug, connector: 'sms-gateway', channel: 'sms', lead: { phone: '+15550100' }, externalConversationId: `burst-${externalMessageId}`, externalMessageId, body: 'Hi there' });
  const response = await fetch(`${backend.server.url}/webhooks/inbound`, { method: 'POST', headers: { 'content-type': 'application/json', ...signedWebhookHeaders(acme.webhookSecret, raw) }, body: raw });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as { error?: string } };
}

const storedIds = async (ids: string[]) =>
  ((await backend.server.db.query(`SELECT external_message_id AS id FROM messages WHERE external_message_id IN (${ids.map(() => '?').join(',')})`, ids)) as { id: string }[]).map((row) => row.id).sort();

describe('a burst above the webhook limit', () => {
  it('refuses the excess with 503 + Retry-After, stores exactly the accepted ones, and takes the retries', async () => {
    const ids = Array.from({ length: BURST }, () => randomUUID());
    const answers = await Promise.all(ids.map(postMessage));
    const accepted = ids.filter((_, index) => answers[index]!.status === 202);
    const refused = ids.filter((_, index) => answers[index]!.status === 503);
    expect(accepted.length + refused.length).toBe(BURST);
    expect(refused.length).toBeGreaterThan(0);
    expect(accepted.length).toBeGreaterThanOrEqual(MAX_IN_FLIGHT);
    for (const answer of answers.filter((each) => each.status === 503)) {
      expect(answer.retryAfter).toBe('1');
      expect(answer.body.error).toMatch(/^Busy: .*nothing was stored, retry after 1 s$/);
    }
    expect(await storedIds(ids)).toEqual([...accepted].sort());

    // The sender retries what was refused, a few at a time: all accepted, each stored once.
    for (let index = 0; index < refused.length; index += MAX_IN_FLIGHT) {
      const retried = await Promise.all(refused.slice(index, index + MAX_IN_FLIGHT).map(postMessage));
      expect(retried.map((answer) => answer.status)).toEqual(retried.map(() => 202));
    }
    expect(await storedIds(ids)).toEqual([...ids].sort());
    const [{ n }] = await backend.server.db.query(`SELECT COUNT(*) AS n FROM messages WHERE external_message_id IN (${ids.map(() => '?').join(',')})`, ids);
    expect(Number(n)).toBe(BURST);
    expect((await fetch(`${backend.server.url}/healthz`)).status).toBe(200);
  });
});
