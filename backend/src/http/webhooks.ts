// POST /webhooks/inbound: signed customer messages from connectors (ARCHITECTURE.md "API surface").
import type Router from '@koa/router';
import type { Context } from 'koa';
import { ZAgentReplyWebhook, ZInboundWebhook } from '../../../shared/webhooks.js';
import type { ZodType } from 'zod';
import type { TenantRow } from '../db/entities/tenancy.entities.js';
import { TenantEntity } from '../db/entities/tenancy.entities.js';
import type { Services } from '../features/index.js';
import { isValidSignature } from './webhook-signature.js';
import { DomainError } from '../domain/errors.js';

const MAX_BODY_BYTES = 256 * 1024;

async function readRawBody(ctx: Context): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) ctx.throw(413, `Body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Reads, authenticates (HMAC with the tenant's secret) and validates a webhook body, or answers the error. */
async function signedBody<T>(ctx: Context, services: Services, schema: ZodType<T>): Promise<{ tenant: TenantRow; body: T } | null> {
  const raw = await readRawBody(ctx);
  const body = parseJson(raw);
  const slug = typeof (body as { tenant?: unknown })?.tenant === 'string' ? (body as { tenant: string }).tenant : null;
  const tenant = slug ? await services.infra.db.getRepository(TenantEntity).findOneBy({ slug }) : null;
  // Unknown tenant and bad signature answer the same, so neither can be probed.
  if (!tenant || !isValidSignature(tenant.webhookSecret, raw, ctx.get('x-baton-signature') || undefined)) {
    ctx.status = 401;
    ctx.body = { error: 'Invalid signature: X-Baton-Signature must be sha256=<hex HMAC of the raw body with the tenant webhook secret>' };
    return null;
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const fieldErrors = Object.fromEntries(parsed.error.issues.map((issue) => [issue.path.join('.') || 'body', issue.message]));
    ctx.status = 400;
    ctx.body = { error: Object.entries(fieldErrors).map(([field, message]) => `${field}: ${message}`).join('; '), fieldErrors };
    return null;
  }
  return { tenant, body: parsed.data };
}

export function mountWebhooks(routes: Router, services: Services): void {
  routes.post('/webhooks/inbound', async (ctx) => {
    const request = await signedBody(ctx, services, ZInboundWebhook);
    if (!request) return;
    const result = await services.inbound.receive(request.tenant, request.body);
    ctx.status = result.status === 'accepted' ? 202 : 200;
    ctx.body = result;
  });

  /** An agent reply seen by the helpdesk or gateway: the same command as messages.recordAgentReply. */
  routes.post('/webhooks/agent-reply', async (ctx) => {
    const request = await signedBody(ctx, services, ZAgentReplyWebhook);
    if (!request) return;
    try {
      const result = await services.messages.recordAgentReplyFromWebhook(request.tenant, request.body);
      ctx.status = result.status === 'accepted' ? 202 : 200;
      ctx.body = result;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      ctx.status = error.code === 'NOT_FOUND' ? 404 : 400;
      ctx.body = { error: error.message, field: error.field ?? null };
    }
  });
}
