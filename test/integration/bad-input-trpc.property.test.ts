// Bad input to every tRPC procedure (issue 14 item 2), as fast-check properties over real HTTP on
// MariaDB + Redis: wrong types and out-of-range numbers, unknown fields, huge strings, deep nesting and
// invalid UTF-8 → a 4xx naming the field, nothing stored, the server still healthy.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { ZodType } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedTenant } from '../../backend/src/features/admin/tenants.service.js';
import { appRouter } from '../../backend/src/trpc/router.js';
import { startTestBackend, type TestBackend } from '../support/in-process-server.js';
import { inputFieldsOf, routerProcedures, type RouterProcedure } from '../support/router-procedures.js';
import { anyJson, caseTally, deeplyNested, notUtf8, refusedFieldValue, unknownFields, withBytesInField, withRawField } from '../support/bad-input.js';
import { settledTenantRowCounts, tenantRowCounts } from '../support/tenant-rows.js';
import { createTestClient } from '../support/trpc-client.js';

/** tRPC's request body limit (backend/src/http/app.ts): larger bodies are answered 413. */
const MAX_BODY_BYTES = 1024 * 1024;
/** Node's default limit on a request's head (its URL included): longer query URLs are answered 431. */
const MAX_HEADER_BYTES = 16 * 1024;

let backend: TestBackend;
let acme: CreatedTenant;
/** An admin API key acting for the tenant's admin (procedures that need an agent accept it). */
let adminKey: string;

beforeAll(async () => {
  backend = await startTestBackend('bad-input-trpc', { dialect: 'mysql', redis: true, env: { BATON_MUTATIONS_PER_SECOND: '100000', BATON_MUTATION_BURST: '1000000' } });
  acme = await backend.createTenant('acme');
  adminKey = (await createTestClient(backend.server.url, acme.apiKey).apiKeys.create.mutate({ name: 'fuzzing admin', role: 'admin', agentId: acme.admin.id })).key;
  await settledTenantRowCounts(backend.server.db, acme.tenant.id);
}, 60_000);

afterAll(() => backend?.stop());

const missing = () => randomUUID();
/**
 * For each procedure that takes input: a valid input the server answers without storing anything —
 * a read, or a change the domain refuses (an id that does not exist, a stale version, a duplicate
 * name). The properties break one thing in it at a time.
 */
const VALID_INPUTS: Record<string, () => Record<string, unknown>> = {
  'agents.create': () => ({ email: 'admin@acme.test', name: 'Duplicate', role: 'agent' }),
  'agents.update': () => ({ id: missing(), name: 'Nobody', active: true }),
  'teams.create': () => ({ name: 'Support' }),
  'teams.addMember': () => ({ teamId: missing(), agentId: missing() }),
  'teams.removeMember': () => ({ teamId: missing(), agentId: missing() }),
  'apiKeys.create': () => ({ name: 'key', role: 'agent', agentId: missing() }),
  'apiKeys.revoke': () => ({ id: missing() }),
  // From the tenant's first position, so an open stream answers at once with an event.
  'events.onChange': () => ({ lastEventId: '0' }),
  'conversations.get': () => ({ id: missing() }),
  'conversations.byExternalRef': () => ({ connector: 'sms-gateway', externalId: 'no-such-thread' }),
  'conversations.list': () => ({ filter: { takenOver: false }, limit: 10 }),
  'conversations.timeline': () => ({ id: missing(), limit: 10 }),
  'conversations.rememberHelpdeskUrl': () => ({ id: missing(), url: 'https://helpdesk.example/t/1' }),
  'conversations.takeOver': () => ({ id: missing(), source: 'api', expectedHolderId: null }),
  'conversations.release': () => ({ id: missing(), source: 'api' }),
  'settings.update': () => ({ expectedVersion: 999_999, releaseWarningMinutes: 20, hipaaMode: false }),
  'replies.pending': () => ({ conversationId: missing() }),
  'replies.sendNow': () => ({ id: missing() }),
  'replies.editAndSend': () => ({ id: missing(), body: 'Edited' }),
  'replies.cancel': () => ({ id: missing() }),
  'messages.sendManual': () => ({ conversationId: missing(), channel: 'sms', body: 'Hello', idempotencyKey: 'k-1' }),
  'messages.recordAgentReply': () => ({ conversationId: missing(), channel: 'email', body: 'Hello', idempotencyKey: 'k-2' }),
  'escalations.open': () => ({ leadId: missing(), teamId: missing(), reason: 'Angry', reasonCode: 'urgent', bypassCooldown: false, conversationId: missing() }),
  'escalations.resolve': () => ({ id: missing(), reason: 'other', note: 'Called' }),
  'escalations.get': () => ({ id: missing() }),
  'escalations.forLead': () => ({ leadId: missing() }),
  'escalations.listOpen': () => ({ myTeams: true, limit: 10 }),
  'tasks.create': () => ({ leadId: missing(), title: 'Call back', dueAt: '2030-01-01T10:00:00Z', assignedAgentId: missing() }),
  'tasks.complete': () => ({ id: missing(), disposition: 'connected', resolutionReason: 'handled', note: 'Done' }),
  'tasks.list': () => ({ leadId: missing(), status: 'open', limit: 10 }),
  'notifications.list': () => ({ unreadOnly: true, limit: 10 }),
  'notifications.markRead': () => ({ ids: [missing()] }),
  'rules.save': () => ({ expectedVersion: 999_999, rules: [] }),
};

const withInput = routerProcedures(appRouter).filter((procedure) => procedure.inputs.length > 0);
const fieldsOf = (procedure: RouterProcedure) => inputFieldsOf<ZodType>(procedure)!;
interface ZodDef {
  _zod: { def: { type: string; innerType?: ZodDef; in?: ZodDef } };
}
/** The type under `.optional()`, `.nullable()`, `.default()` and pipes: 'string', 'number', 'object'… */
function baseTypeOf(schema: unknown): string {
  const { def } = (schema as ZodDef)._zod;
  const inner = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
  return inner ? baseTypeOf(inner) : def.type;
}
/** The fields that take text (ids, names, bodies, URLs, dates). */
const stringFieldsOf = (procedure: RouterProcedure) => Object.entries(fieldsOf(procedure)).filter(([, schema]) => baseTypeOf(schema) === 'string').map(([field]) => field);

interface Answer {
  status: number;
  code: string | null;
  field: string | null;
  fieldErrors: Record<string, string> | null;
}

/** Percent-encodes bytes as they are, so invalid UTF-8 reaches the server's URL decoder. */
const percentEncode = (bytes: Uint8Array) => [...bytes].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');

/** Sends `input` (JSON text or raw bytes) to a procedure the way tRPC clients do, non-batched; never waits more than 20 s. */
async function send(procedure: RouterProcedure, input: string | Uint8Array): Promise<Answer> {
  const url = `${backend.server.url}/trpc/${procedure.path}`;
  const signal = AbortSignal.timeout(20_000);
  const headers = { authorization: `Bearer ${adminKey}` };
  if (procedure.type === 'mutation') {
    const response = await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: typeof input === 'string' ? input : Uint8Array.from(input), signal });
    return answerOf(response.status, await response.text());
  }
  const query = typeof input === 'string' ? encodeURIComponent(input) : percentEncode(input);
  if (procedure.type === 'query') {
    const response = await fetch(`${url}?input=${query}`, { headers, signal });
    return answerOf(response.status, await response.text());
  }
  return subscriptionAnswer(await fetch(`${url}?input=${query}`, { headers: { ...headers, accept: 'text/event-stream' }, signal }));
}

function answerOf(status: number, text: string): Answer {
  let error: { data?: { code?: string; field?: string | null; fieldErrors?: Record<string, string> | null } } | undefined;
  try {
    error = (JSON.parse(text) as { error?: typeof error }).error;
  } catch {
    // 413 / 431 from Node itself carry no JSON.
  }
  return { status, code: error?.data?.code ?? null, field: error?.data?.field ?? null, fieldErrors: error?.data?.fieldErrors ?? null };
}

/**
 * An SSE subscription answers 200, then an error event (its httpStatus is the answer) or events. Errors
 * come right after `connected`: a stream quiet for 2 s after it is open (e.g. no new events yet).
 */
async function subscriptionAnswer(response: Response): Promise<Answer> {
  if (response.status !== 200 || !response.body) return answerOf(response.status, await response.text());
  const reader = response.body.getReader();
  const open: Answer = { status: 200, code: null, field: null, fieldErrors: null };
  let text = '';
  try {
    for (;;) {
      const quiet = text.includes('event: connected') ? new Promise<null>((resolve) => setTimeout(() => resolve(null), 2_000)) : null;
      const chunk = await (quiet ? Promise.race([reader.read(), quiet]) : reader.read());
      if (chunk === null) return open;
      if (chunk.done) return { status: 500, code: 'stream ended without an answer', field: null, fieldErrors: null };
      text += Buffer.from(chunk.value).toString('utf8');
      const error = /event: serialized-error\ndata: (.*)\n/.exec(text);
      if (error) {
        const data = (JSON.parse(error[1]!) as { data: { httpStatus: number } }).data;
        return answerOf(data.httpStatus, JSON.stringify({ error: { data } }));
      }
      if (/\nid: /.test(`\n${text}`)) return open;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/**
 * A query whose input makes its URL too long for Node's request head (431): allowed only when the URL
 * is near the limit (the other headers share it).
 */
function refusedAsTooLongUrl(procedure: RouterProcedure, body: string, answer: Answer): boolean {
  return procedure.type !== 'mutation' && answer.status === 431 && Buffer.byteLength(encodeURIComponent(body)) > MAX_HEADER_BYTES - 2_048;
}

/** A BAD_REQUEST names `field` (or a field inside it) in `data.fieldErrors`. */
function namesField(answer: Answer, field: string): boolean {
  return answer.code === 'BAD_REQUEST' && Object.keys(answer.fieldErrors ?? {}).some((key) => key === field || key.startsWith(`${field}.`));
}

const tally = caseTally();

/** Runs `check` for every procedure with input, then asserts nothing of tenant A was stored and /healthz answers. */
async function forEveryProcedure(property: string, check: (procedure: RouterProcedure) => Promise<void>) {
  const before = await tenantRowCounts(backend.server.db, acme.tenant.id);
  for (const procedure of withInput) await check(procedure);
  expect(await tenantRowCounts(backend.server.db, acme.tenant.id), `${property} stored something`).toEqual(before);
  expect((await fetch(`${backend.server.url}/healthz`)).status).toBe(200);
  // A property whose filters left nothing to send would pass without testing anything.
  expect(tally.cases[property] ?? 0, `${property}: cases run`).toBeGreaterThanOrEqual(withInput.length);
  console.log(`bad input / ${property}: ${tally.cases[property]} cases over ${withInput.length} procedures`);
}

describe('bad input to every tRPC procedure (issue 14 item 2)', () => {
  it('has a valid input for every procedure that takes one, and each valid input stores nothing', async () => {
    const missingRows = withInput.map(({ path }) => path).filter((path) => !(path in VALID_INPUTS));
    expect(missingRows, `procedures without a row in VALID_INPUTS: ${missingRows.join(', ')}`).toEqual([]);
    await forEveryProcedure('valid input', async (procedure) => {
      const answer = await send(procedure, JSON.stringify(VALID_INPUTS[procedure.path]!()));
      tally.count('valid input');
      // Accepted by the schema: the answer is the domain's (or data), never a validation error.
      expect(answer.code, `${procedure.path}: ${JSON.stringify(answer)}`).not.toBe('BAD_REQUEST');
      expect(answer.status, procedure.path).toBeLessThan(500);
    });
  });

  it('answers a wrong type or an out-of-range value in any field with BAD_REQUEST naming that field', async () => {
    await forEveryProcedure('wrong types', async (procedure) => {
      const fields = fieldsOf(procedure);
      await fc.assert(
        fc.asyncProperty(refusedFieldValue(fields), async ([field, value]) => {
          tally.count('wrong types');
          const answer = await send(procedure, JSON.stringify({ ...VALID_INPUTS[procedure.path]!(), [field]: value }));
          expect(answer.status, `${procedure.path}.${field} = ${JSON.stringify(value)}: ${JSON.stringify(answer)}`).toBe(400);
          expect(namesField(answer, field), `${procedure.path}.${field}: ${JSON.stringify(answer)}`).toBe(true);
        }),
        { numRuns: 20 },
      );
      // Not an object at all: the whole input is named.
      await fc.assert(
        fc.asyncProperty(anyJson.filter((value) => value === null || typeof value !== 'object' || Array.isArray(value)), async (value) => {
          tally.count('wrong types');
          const answer = await send(procedure, JSON.stringify(value));
          expect(namesField(answer, 'input'), `${procedure.path} = ${JSON.stringify(value)}: ${JSON.stringify(answer)}`).toBe(true);
        }),
        { numRuns: 4 },
      );
    });
  }, 120_000);

  it('strips unknown fields: the answer is the one without them', async () => {
    await forEveryProcedure('unknown fields', async (procedure) => {
      const known = new Set(Object.keys(fieldsOf(procedure)));
      const valid = VALID_INPUTS[procedure.path]!;
      const expected = await send(procedure, JSON.stringify(valid()));
      await fc.assert(
        fc.asyncProperty(unknownFields(known), async (extra) => {
          tally.count('unknown fields');
          const answer = await send(procedure, JSON.stringify({ ...extra, ...valid() }));
          expect({ status: answer.status, code: answer.code }, `${procedure.path} + ${JSON.stringify(extra)}`).toEqual({ status: expected.status, code: expected.code });
        }),
        { numRuns: 5 },
      );
    });
  }, 120_000);

  // Where the code means strict (shared/routing-rules.ts, business-hours.ts): a typo must not be dropped silently.
  it('refuses unknown fields inside routing rules and the weekly hours, naming where', async () => {
    const rulesSave = withInput.find(({ path }) => path === 'rules.save')!;
    const settingsUpdate = withInput.find(({ path }) => path === 'settings.update')!;
    const rule = { name: 'Refunds', condition: { keywords: ['refund'] }, actions: [{ type: 'tag', tag: 'billing' }] };
    const strictPlaces = fc.constantFrom('condition', 'tag action', 'escalate action', 'takeover_hold action', 'weekly hours');
    const before = await tenantRowCounts(backend.server.db, acme.tenant.id);
    await fc.assert(
      fc.asyncProperty(strictPlaces, unknownFields(new Set(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun', 'keywords', 'pattern', 'channel', 'leadTags', 'businessHours', 'type', 'tag', 'teamId', 'reason', 'reasonCode', 'bypassCooldown'])), async (place, extra) => {
        tally.count('strict nested objects');
        const actions = { 'tag action': { type: 'tag', tag: 'billing' }, 'escalate action': { type: 'escalate', teamId: acme.team.id, reason: 'Refund' }, 'takeover_hold action': { type: 'takeover_hold' } };
        const [procedure, input, field] =
          place === 'weekly hours'
            ? [settingsUpdate, { expectedVersion: 999_999, businessHours: { weekly: { mon: [{ open: '09:00', close: '17:00' }], ...extra } } }, 'businessHours.weekly']
            : place === 'condition'
              ? [rulesSave, { expectedVersion: 999_999, rules: [{ ...rule, condition: { ...rule.condition, ...extra } }] }, 'rules.0.condition']
              : [rulesSave, { expectedVersion: 999_999, rules: [{ ...rule, actions: [{ ...actions[place], ...extra }] }] }, 'rules.0.actions.0'];
        const answer = await send(procedure, JSON.stringify(input));
        expect(namesField(answer, field), `${place} + ${JSON.stringify(extra)}: ${JSON.stringify(answer)}`).toBe(true);
      }),
      { numRuns: 25 },
    );
    expect(await tenantRowCounts(backend.server.db, acme.tenant.id)).toEqual(before);
    console.log(`bad input / strict nested objects: ${tally.cases['strict nested objects']} cases`);
  }, 60_000);

  // tRPC parses no input for a procedure that declares none: a query ignores what its URL carries, and so
  // does a mutation (webhookSecret.rotate still rotates on a body of garbage). Bytes that are not UTF-8 are refused first.
  it('answers the procedures without input: a mutation whose body is not UTF-8 with 400, storing nothing; a query ignores its input', async () => {
    const withoutInput = routerProcedures(appRouter).filter((procedure) => procedure.inputs.length === 0);
    const garbage = (procedure: RouterProcedure) =>
      procedure.type === 'mutation' ? notUtf8.map((bytes): string | Buffer => Buffer.from([0x22, ...bytes, 0x22])) : fc.constantFrom<string | Buffer>('{', '{"a":', 'undefined', "{'a':1}", '[1,]');
    const before = await tenantRowCounts(backend.server.db, acme.tenant.id);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...withoutInput).chain((procedure) => fc.tuple(fc.constant(procedure), garbage(procedure))), async ([procedure, body]) => {
        tally.count('no input');
        const answer = await send(procedure, body);
        expect(answer.status, `${procedure.path} ← ${JSON.stringify(body.toString())}: ${JSON.stringify(answer)}`).toBe(procedure.type === 'mutation' ? 400 : 200);
      }),
      { numRuns: 40 },
    );
    expect(await tenantRowCounts(backend.server.db, acme.tenant.id)).toEqual(before);
    console.log(`bad input / no input: ${tally.cases['no input']} cases over ${withoutInput.length} procedures without input`);
  }, 60_000);

  it('answers huge strings with BAD_REQUEST naming the field, or 413 / 431 when the request is over the limit', async () => {
    await forEveryProcedure('huge strings', async (procedure) => {
      const fields = stringFieldsOf(procedure);
      if (fields.length === 0) return;
      // Query inputs travel in the URL; mutation bodies up to and past 1 MiB.
      const length = procedure.type === 'mutation' ? fc.integer({ min: 100_000, max: 1_200_000 }) : fc.integer({ min: 1_000, max: 20_000 });
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...fields), length, fc.constantFrom('x', 'é', '😀'), async (field, size, unit) => {
          tally.count('huge strings');
          const body = JSON.stringify({ ...VALID_INPUTS[procedure.path]!(), [field]: unit.repeat(size / unit.length) });
          const answer = await send(procedure, body);
          const what = `${procedure.path}.${field}: ${size} × ${unit}: ${JSON.stringify(answer)}`;
          const bytes = Buffer.byteLength(body);
          if (procedure.type === 'mutation' && bytes > MAX_BODY_BYTES) expect(answer.status, what).toBe(413);
          else if (refusedAsTooLongUrl(procedure, body, answer)) return;
          else if (fieldsOf(procedure)[field]!.safeParse(unit.repeat(size / unit.length)).success) expect(answer.status, what).toBeLessThan(500);
          else expect(namesField(answer, field), what).toBe(true);
        }),
        { numRuns: 3 },
      );
    });
  }, 120_000);

  it('answers deep nesting (up to 10,000 levels) with a 4xx naming the field, never a crash', async () => {
    await forEveryProcedure('deep nesting', async (procedure) => {
      const fields = Object.keys(fieldsOf(procedure));
      const nested = fc.record({ depth: fc.integer({ min: 500, max: 10_000 }), kind: fc.constantFrom('array', 'object'), field: fc.constantFrom('input', ...fields) });
      await fc.assert(
        fc.asyncProperty(nested, async ({ depth, kind, field }) => {
          tally.count('deep nesting');
          const deep = deeplyNested(depth, kind);
          const body = field === 'input' ? deep : withRawField(VALID_INPUTS[procedure.path]!(), field, deep);
          const answer = await send(procedure, body);
          const what = `${procedure.path}.${field}: ${depth} levels of ${kind}: ${JSON.stringify(answer)}`;
          // Nested objects under keys the schema does not know are stripped, so some inputs stay valid.
          const schema = (field === 'input' ? procedure.inputs[0] : fieldsOf(procedure)[field]) as ZodType;
          if (refusedAsTooLongUrl(procedure, body, answer)) return;
          if (schema.safeParse(JSON.parse(deep)).success) expect(answer.status, what).toBeLessThan(500);
          else expect(namesField(answer, field) || (field === 'input' && answer.code === 'BAD_REQUEST'), what).toBe(true);
        }),
        { numRuns: 4 },
      );
    });
  }, 120_000);

  it('answers a body that is not UTF-8 with BAD_REQUEST and stores nothing', async () => {
    await forEveryProcedure('invalid UTF-8', async (procedure) => {
      if (procedure.type !== 'mutation') return;
      const fields = stringFieldsOf(procedure);
      if (fields.length === 0) return;
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...fields), notUtf8, async (field, bytes) => {
          tally.count('invalid UTF-8');
          const answer = await send(procedure, withBytesInField(VALID_INPUTS[procedure.path]!(), field, bytes));
          expect(namesField(answer, 'input'), `${procedure.path}.${field} with ${Buffer.from(bytes).toString('hex')}: ${JSON.stringify(answer)}`).toBe(true);
        }),
        { numRuns: 3 },
      );
    });
  }, 120_000);

  afterAll(() => {
    console.log(`bad input / tRPC: ${tally.total()} cases in all (${JSON.stringify(tally.cases)}), ${withInput.length} procedures with input`);
  });
});
