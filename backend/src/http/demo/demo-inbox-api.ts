// The demo inbox's JSON API under /demo/api/<tenantSlug>/…: reads its threads, injects customer
// messages through the signed inbound webhook, and reports agent sends like POST /webhooks/agent-reply.
import type Router from '@koa/router';
import type { Context, Next } from 'koa';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { InboundWebhook } from '../../../../shared/webhooks.js';
import type { TenantRow } from '../../db/entities/tenancy.entities.js';
import { DomainError } from '../../domain/errors.js';
import type { Services } from '../../features/index.js';
import { fieldErrorBody, ZAgentMessageInput, ZCustomerMessageInput, ZExternalId, ZTenantSlug, type AgentMessageInput, type CustomerMessageInput } from './demo-inbox-inputs.js';
import { DEMO_CONNECTOR, findTenantBySlug, listAgents, listDemoConversations, nextDemoExternalId, readDemoThread } from './demo-inbox-queries.js';
import { loopbackOrigin, postInboundWebhook } from './loopback-webhook.js';

const MAX_BODY_BYTES = 64 * 1024;
/** Webhook and service field names → the demo API's own names, so a 400 names what the caller sent. */
const FIELD_NAMES: Record<string, string> = { externalConversationId: 'externalId', 'lead.name': 'name', 'lead.phone': 'phone', 'lead.email': 'email' };
const apiField = (field: string | undefined | null) => (field ? (FIELD_NAMES[field] ?? field) : null);

function answer(ctx: Context, status: number, body: unknown): void {
  ctx.status = status;
  ctx.body = body;
}

/** Reads a JSON body: only `application/json` (so a cross-site form cannot post without a CORS preflight), capped. */
async function readJson(ctx: Context): Promise<{ ok: true; value: unknown } | { ok: false }> {
  if (!ctx.is('application/json')) {
    answer(ctx, 415, { error: 'Send the body as JSON (Content-Type: application/json)', field: null });
    return { ok: false };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      answer(ctx, 413, { error: `Body larger than ${MAX_BODY_BYTES} bytes`, field: null });
      return { ok: false };
    }
    chunks.push(chunk as Buffer);
  }
  try {
    return { ok: true, value: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
  } catch {
    answer(ctx, 400, { error: 'The body is not valid JSON', field: null });
    return { ok: false };
  }
}

/** Parses a JSON body with `schema`, or answers 400 naming the fields at fault. */
async function parseBody<T extends z.ZodType>(ctx: Context, schema: T): Promise<z.infer<T> | null> {
  const json = await readJson(ctx);
  if (!json.ok) return null;
  const parsed = schema.safeParse(json.value);
  if (parsed.success) return parsed.data;
  answer(ctx, 400, fieldErrorBody(parsed.error));
  return null;
}

/** The tenant named in the URL (400 for a malformed slug, 404 for an unknown one). */
async function tenantOf(ctx: Context, services: Services): Promise<TenantRow | null> {
  const slug = ZTenantSlug.safeParse(ctx.params.slug);
  if (!slug.success) {
    answer(ctx, 400, fieldErrorBody(slug.error, ['tenant']));
    return null;
  }
  const tenant = await findTenantBySlug(services.infra.db, slug.data);
  if (!tenant) answer(ctx, 404, { error: `No tenant "${slug.data}"`, field: 'tenant' });
  return tenant;
}

/** Writes come from the demo page itself: a request another site's page sends is refused. */
async function sameOriginWrites(ctx: Context, next: Next): Promise<void> {
  const origin = ctx.get('origin');
  let originHost: string | null = null;
  try {
    originHost = origin ? new URL(origin).host : null;
  } catch {
    originHost = 'invalid';
  }
  if (ctx.get('sec-fetch-site') === 'cross-site' || (originHost !== null && originHost !== ctx.get('host'))) {
    return answer(ctx, 403, { error: 'The demo inbox only accepts requests from its own pages', field: null });
  }
  await next();
}

/** New threads get `DEMO-<n>`: allocating and creating one at a time keeps two new customers apart. */
const allocations = new Map<string, Promise<unknown>>();
function oneAtATime<T>(key: string, work: () => Promise<T>): Promise<T> {
  const next = (allocations.get(key) ?? Promise.resolve()).then(work, work);
  const settled = next.catch(() => undefined);
  allocations.set(key, settled);
  void settled.then(() => allocations.get(key) === settled && allocations.delete(key));
  return next;
}

async function sendCustomerMessage(ctx: Context, tenant: TenantRow, input: CustomerMessageInput, services: Services): Promise<void> {
  const deliver = async (externalId: string) => {
    const lead = Object.fromEntries(Object.entries({ name: input.name, phone: input.phone, email: input.email }).filter(([, value]) => value !== undefined));
    const payload: InboundWebhook = { tenant: tenant.slug, connector: DEMO_CONNECTOR, externalConversationId: externalId, externalMessageId: `demo-in:${randomUUID()}`, lead, channel: input.channel, body: input.body };
    try {
      return { externalId, webhook: await postInboundWebhook(loopbackOrigin(ctx.req.socket), tenant.webhookSecret, payload) };
    } catch (error) {
      return { externalId, webhook: { status: 0, body: { error: `could not reach it (${(error as Error).message})` } } };
    }
  };
  const { externalId, webhook } = input.externalId
    ? await deliver(input.externalId)
    : await oneAtATime(tenant.id, async () => deliver(await nextDemoExternalId(services.infra.db, tenant.id)));
  if (webhook.status === 200 || webhook.status === 202) return answer(ctx, 200, { externalId });
  if (webhook.status === 400) {
    const fieldErrors = Object.fromEntries(Object.entries((webhook.body.fieldErrors ?? {}) as Record<string, string>).map(([field, message]) => [apiField(field)!, message]));
    return answer(ctx, 400, { error: String(webhook.body.error ?? 'Invalid customer message'), field: Object.keys(fieldErrors)[0] ?? null, fieldErrors });
  }
  const outcome = webhook.status ? `answered ${webhook.status}: ${String(webhook.body.error ?? 'no details')}` : String(webhook.body.error);
  answer(ctx, 502, { error: `The inbound webhook ${outcome}`, field: null });
}

async function sendAgentMessage(ctx: Context, tenant: TenantRow, input: AgentMessageInput, services: Services): Promise<void> {
  if (!input.reportToBaton) {
    // The helpdesk "sends" it without telling Baton: only the extension's report will record it.
    const agents = await listAgents(services.infra.db, tenant.id);
    if (!agents.some((agent) => agent.email === input.agentEmail.toLowerCase())) return answer(ctx, 404, { error: `No active agent ${input.agentEmail} in this tenant`, field: 'agentEmail' });
    if (!(await readDemoThread(services.infra.db, tenant.id, input.externalId))) return answer(ctx, 404, { error: `No conversation ${input.externalId} in this inbox`, field: 'externalId' });
    return answer(ctx, 200, { ok: true, report: 'skipped' });
  }
  try {
    const result = await services.messages.recordAgentReplyFromWebhook(tenant, {
      tenant: tenant.slug,
      connector: DEMO_CONNECTOR,
      externalConversationId: input.externalId,
      agentEmail: input.agentEmail,
      channel: input.channel,
      body: input.body,
      externalMessageId: `demo:${input.draftId}`,
    });
    answer(ctx, 200, { ok: true, report: result.status });
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    answer(ctx, error.code === 'NOT_FOUND' ? 404 : error.code === 'CONFLICT' ? 409 : 400, { error: error.message, field: apiField(error.field) });
  }
}

/** Registers the JSON API routes (before the page routes: `/demo/api/c/…` must not read as a thread URL). */
export function mountDemoInboxApi(routes: Router, services: Services): void {
  const db = services.infra.db;

  routes.get('/demo/api/:slug/conversations', async (ctx) => {
    const tenant = await tenantOf(ctx, services);
    if (tenant) answer(ctx, 200, { conversations: await listDemoConversations(db, tenant.id) });
  });

  routes.get('/demo/api/:slug/threads/:externalId', async (ctx) => {
    const tenant = await tenantOf(ctx, services);
    if (!tenant) return;
    const externalId = ZExternalId.safeParse(ctx.params.externalId);
    if (!externalId.success) return answer(ctx, 400, fieldErrorBody(externalId.error, ['externalId']));
    const thread = await readDemoThread(db, tenant.id, externalId.data);
    if (!thread) return answer(ctx, 404, { error: `No conversation ${externalId.data} in this inbox`, field: 'externalId' });
    answer(ctx, 200, thread);
  });

  routes.get('/demo/api/:slug/agents', async (ctx) => {
    const tenant = await tenantOf(ctx, services);
    if (tenant) answer(ctx, 200, { agents: await listAgents(db, tenant.id) });
  });

  routes.post('/demo/api/:slug/customer-message', sameOriginWrites, async (ctx) => {
    const tenant = await tenantOf(ctx, services);
    const input = tenant && (await parseBody(ctx, ZCustomerMessageInput));
    if (tenant && input) await sendCustomerMessage(ctx, tenant, input, services);
  });

  routes.post('/demo/api/:slug/agent-message', sameOriginWrites, async (ctx) => {
    const tenant = await tenantOf(ctx, services);
    const input = tenant && (await parseBody(ctx, ZAgentMessageInput));
    if (tenant && input) await sendAgentMessage(ctx, tenant, input, services);
  });
}
