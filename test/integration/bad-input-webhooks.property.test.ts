// Bad input to both signed webhooks (issue 14 item 2), as fast-check properties over real HTTP on
// MariaDB + Redis: validly signed bad bodies → 400 naming the field; over 256 KB → 413; not UTF-8 → 400;
// bad signatures → 401. Nothing stored, the server still healthy.
import fc from 'fast-check';
import type { ZodType } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedTenant } from '../../backend/src/features/admin/tenants.service.js';
import { signedWebhookHeaders, signWebhook } from '../../backend/src/http/webhook-signature.js';
import { ZAgentReplyWebhook, ZInboundWebhook } from '../../shared/webhooks.js';
import { caseTally, deeplyNested, notUtf8, refusedFieldValue, unknownFields, withBytesInField, withRawField } from '../support/bad-input.js';
import { startTestBackend, type TestBackend } from '../support/in-process-server.js';
import { postRawWebhook, postSignedWebhook, type WebhookAnswer } from '../support/signed-webhook.js';
import { updateSettings } from '../support/settings.js';
import { settledTenantRowCounts, tenantRowCounts } from '../support/tenant-rows.js';
import { createTestClient } from '../support/trpc-client.js';

/** The webhooks' body limit (backend/src/http/webhooks.ts). */
const MAX_BODY_BYTES = 256 * 1024;

let backend: TestBackend;
let acme: CreatedTenant;

/** A delivery Baton has already stored: sent again it is a duplicate (200), so it stores nothing. */
const DELIVERED_INBOUND = {
  tenant: 'acme', connector: 'sms-gateway', externalConversationId: 'thread-1', externalMessageId: 'msg-1',
  lead: { name: 'Dee', phone: '+15550100', email: 'dee@example.test' }, channel: 'sms', body: 'Is the shop open today?', sentAt: '2026-01-05T10:00:00Z',
};

interface Webhook {
  path: string;
  schema: ZodType;
  /** A validly signed body that stores nothing: a duplicate delivery, or a reply to a thread Baton does not know (404). */
  valid: Record<string, unknown>;
  validStatus: number;
}

const WEBHOOKS: Webhook[] = [
  { path: '/webhooks/inbound', schema: ZInboundWebhook, valid: DELIVERED_INBOUND, validStatus: 200 },
  {
    path: '/webhooks/agent-reply',
    schema: ZAgentReplyWebhook,
    valid: { tenant: 'acme', connector: 'sms-gateway', externalConversationId: 'no-such-thread', agentEmail: 'admin@acme.test', channel: 'sms', body: 'On my way', externalMessageId: 'reply-1' },
    validStatus: 404,
  },
];

beforeAll(async () => {
  backend = await startTestBackend('bad-input-webhooks', { dialect: 'mysql', redis: true, env: { BATON_WEBHOOKS_PER_SECOND: '100000', BATON_WEBHOOK_BURST: '1000000' } });
  acme = await backend.createTenant('acme');
  // The AI's reply to the delivery stays scheduled for the whole run, so nothing else writes meanwhile.
  await updateSettings(createTestClient(backend.server.url, acme.apiKey), { replyCadence: { enabled: true, minDelaySeconds: 3_000, maxDelaySeconds: 3_600 } });
  expect((await postSignedWebhook(backend.server.url, '/webhooks/inbound', acme.webhookSecret, DELIVERED_INBOUND)).status).toBe(202);
  await settledTenantRowCounts(backend.server.db, acme.tenant.id, (counts) => counts.scheduled_replies === 1);
}, 60_000);

afterAll(() => backend?.stop());

const tally = caseTally();
const fieldsOf = (webhook: Webhook) => (webhook.schema as unknown as { shape: Record<string, ZodType> }).shape;
const textFieldsOf = (webhook: Webhook) => Object.keys(fieldsOf(webhook)).filter((field) => typeof webhook.valid[field] === 'string');
/** Signed with the tenant's secret now: it reaches validation. */
const postSigned = (webhook: Webhook, raw: string | Buffer) => postRawWebhook(backend.server.url, webhook.path, raw, signedWebhookHeaders(acme.webhookSecret, raw));

/** 400 whose fieldErrors name `field` (or a field inside it). */
const namesField = (answer: WebhookAnswer, field: string) =>
  answer.status === 400 && Object.keys((answer.body.fieldErrors as Record<string, string> | undefined) ?? {}).some((key) => key === field || key.startsWith(`${field}.`));

/** Runs `check` for both webhooks, then asserts nothing of the tenant was stored and /healthz answers. */
async function forBothWebhooks(property: string, check: (webhook: Webhook) => Promise<void>) {
  const before = await tenantRowCounts(backend.server.db, acme.tenant.id);
  for (const webhook of WEBHOOKS) await check(webhook);
  expect(await tenantRowCounts(backend.server.db, acme.tenant.id), `${property} stored something`).toEqual(before);
  expect((await fetch(`${backend.server.url}/healthz`)).status).toBe(200);
  // A property whose filters left nothing to send would pass without testing anything.
  expect(tally.cases[property] ?? 0, `${property}: cases run`).toBeGreaterThanOrEqual(WEBHOOKS.length);
  console.log(`bad input / webhooks / ${property}: ${tally.cases[property]} cases over ${WEBHOOKS.length} webhooks`);
}

describe('bad input to the signed webhooks (issue 14 item 2)', () => {
  it('answers the valid bodies without storing anything (the base the properties break)', async () => {
    await forBothWebhooks('valid body', async (webhook) => {
      tally.count('valid body');
      expect((await postSigned(webhook, JSON.stringify(webhook.valid))).status, webhook.path).toBe(webhook.validStatus);
    });
  });

  it('answers a wrong type or value in any field with 400 naming it (a wrong tenant: 401, as a bad signature)', async () => {
    await forBothWebhooks('wrong types', async (webhook) => {
      const fields = fieldsOf(webhook);
      await fc.assert(
        fc.asyncProperty(refusedFieldValue(fields), async ([field, value]) => {
          tally.count('wrong types');
          const answer = await postSigned(webhook, JSON.stringify({ ...webhook.valid, [field]: value }));
          const what = `${webhook.path} ${field} = ${JSON.stringify(value)}: ${JSON.stringify(answer)}`;
          // The tenant names the secret to check against: without a known one the request cannot be authenticated.
          if (field === 'tenant') expect(answer.status, what).toBe(401);
          else expect(namesField(answer, field), what).toBe(true);
        }),
        { numRuns: 40 },
      );
    });
  }, 60_000);

  it('strips unknown fields: the answer is the one without them', async () => {
    await forBothWebhooks('unknown fields', async (webhook) => {
      const known = new Set(Object.keys(fieldsOf(webhook)));
      await fc.assert(
        fc.asyncProperty(unknownFields(known), async (extra) => {
          tally.count('unknown fields');
          const answer = await postSigned(webhook, JSON.stringify({ ...extra, ...webhook.valid }));
          expect(answer.status, `${webhook.path} + ${JSON.stringify(extra)}: ${JSON.stringify(answer)}`).toBe(webhook.validStatus);
        }),
        { numRuns: 10 },
      );
    });
  }, 60_000);

  it('answers a huge string with 400 naming the field, and a body over 256 KB with 413', async () => {
    await forBothWebhooks('huge strings', async (webhook) => {
      const fields = textFieldsOf(webhook).filter((field) => field !== 'tenant');
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...fields), fc.integer({ min: 20_001, max: 400_000 }), fc.constantFrom('x', 'é', '😀'), async (field, size, unit) => {
          tally.count('huge strings');
          const text = unit.repeat(Math.ceil(size / unit.length));
          const raw = JSON.stringify({ ...webhook.valid, [field]: text });
          const answer = await postSigned(webhook, raw);
          const what = `${webhook.path} ${field}: ${size} × ${unit} (${Buffer.byteLength(raw)} bytes): ${JSON.stringify(answer)}`;
          if (Buffer.byteLength(raw) > MAX_BODY_BYTES) expect(answer.status, what).toBe(413);
          // zod counts code points: 10,001 emoji (20,002 UTF-16 units) fit a 20,000 limit.
          else if (fieldsOf(webhook)[field]!.safeParse(text).success) expect(answer.status, what).toBe(webhook.validStatus);
          else expect(namesField(answer, field), what).toBe(true);
        }),
        { numRuns: 12 },
      );
    });
  }, 60_000);

  it('answers deep nesting (up to 10,000 levels) in a field with 400 naming it, never a crash', async () => {
    await forBothWebhooks('deep nesting', async (webhook) => {
      const fields = Object.keys(fieldsOf(webhook)).filter((field) => field !== 'tenant');
      const nested = fc.record({ depth: fc.integer({ min: 500, max: 10_000 }), kind: fc.constantFrom('array', 'object'), field: fc.constantFrom(...fields) });
      await fc.assert(
        fc.asyncProperty(nested, async ({ depth, kind, field }) => {
          tally.count('deep nesting');
          const deep = deeplyNested(depth, kind);
          const answer = await postSigned(webhook, withRawField(webhook.valid, field, deep));
          const what = `${webhook.path} ${field}: ${depth} levels of ${kind}: ${JSON.stringify(answer)}`;
          // Nested objects under keys the schema does not know are stripped (lead: {a: {a: …}} is a lead with no details).
          if (fieldsOf(webhook)[field]!.safeParse(JSON.parse(deep)).success) expect(answer.status, what).toBe(webhook.validStatus);
          else expect(namesField(answer, field), what).toBe(true);
        }),
        { numRuns: 10 },
      );
    });
  }, 60_000);

  it('answers a validly signed body that is not UTF-8 with 400 naming the body', async () => {
    await forBothWebhooks('invalid UTF-8', async (webhook) => {
      const fields = textFieldsOf(webhook).filter((field) => field !== 'tenant');
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...fields), notUtf8, async (field, bytes) => {
          tally.count('invalid UTF-8');
          const answer = await postSigned(webhook, withBytesInField(webhook.valid, field, bytes));
          expect(namesField(answer, 'body') && answer.body.error === 'body: must be UTF-8 text', `${webhook.path} ${field} with ${Buffer.from(bytes).toString('hex')}: ${JSON.stringify(answer)}`).toBe(true);
        }),
        { numRuns: 10 },
      );
    });
  }, 60_000);

  it('answers a bad signature with 401, even on a body that would be stored', async () => {
    const signature = (raw: string) => signedWebhookHeaders(acme.webhookSecret, raw)['x-baton-signature'];
    await forBothWebhooks('bad signatures', async (webhook) => {
      // A new delivery (a new message id): with a good signature it would be stored.
      const fresh = fc.uuid().map((id) => JSON.stringify({ ...webhook.valid, externalMessageId: id, externalConversationId: `thread-${id}` }));
      const forged = fc.oneof(
        fc.record({ kind: fc.constant('wrong secret'), secret: fc.string({ minLength: 1, maxLength: 80 }).filter((secret) => secret !== acme.webhookSecret) }),
        fc.record({ kind: fc.constant('truncated'), keep: fc.integer({ min: 0, max: 70 }) }),
        fc.record({ kind: fc.constant('other algorithm'), prefix: fc.constantFrom('sha1=', 'sha512=', 'md5=', 'sha256:', '', 'v1,') }),
        fc.record({ kind: fc.constant('one hex digit changed'), at: fc.integer({ min: 7, max: 70 }) }),
        fc.record({ kind: fc.constant("another body's signature"), other: fc.string({ maxLength: 30 }) }),
        fc.record({ kind: fc.constant('missing') }),
      );
      await fc.assert(
        fc.asyncProperty(fresh, forged, async (raw, forgery) => {
          tally.count('bad signatures');
          const headers: Record<string, string> = { ...signedWebhookHeaders(acme.webhookSecret, raw) };
          const good = headers['x-baton-signature']!;
          const timestamp = Number(headers['x-baton-timestamp']);
          if (forgery.kind === 'wrong secret') headers['x-baton-signature'] = signWebhook(forgery.secret, timestamp, raw);
          if (forgery.kind === 'truncated') headers['x-baton-signature'] = good.slice(0, forgery.keep);
          if (forgery.kind === 'other algorithm') headers['x-baton-signature'] = `${forgery.prefix}${good.slice('sha256='.length)}`;
          if (forgery.kind === 'one hex digit changed') headers['x-baton-signature'] = `${good.slice(0, forgery.at)}${good[forgery.at] === '0' ? '1' : '0'}${good.slice(forgery.at + 1)}`;
          if (forgery.kind === "another body's signature") headers['x-baton-signature'] = signature(`${raw}${forgery.other} `);
          if (forgery.kind === 'missing') delete headers['x-baton-signature'];
          const answer = await postRawWebhook(backend.server.url, webhook.path, raw, headers);
          expect(answer.status, `${webhook.path} ${JSON.stringify(forgery)}: ${JSON.stringify(answer)}`).toBe(401);
        }),
        { numRuns: 30 },
      );
    });
  }, 60_000);

  afterAll(() => {
    console.log(`bad input / webhooks: ${tally.total()} cases in all (${JSON.stringify(tally.cases)})`);
  });
});
