// POST /webhooks/inbound: signed customer messages from connectors (ARCHITECTURE.md "API surface").
import type Router from '@koa/router';
import type { Context } from 'koa';
import { ZAgentReplyWebhook, ZInboundWebhook } from '../../../shared/webhooks.js';
import type { ZodType } from 'zod';
import type { TenantRow } from '../db/entities/tenancy.entities.js';
import { TenantEntity } from '../db/entities/tenancy.entities.js';
import type { Services } from '../features/index.js';
import { checkTimestamp, isValidSignature, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './webhook-signature.js';
import { acceptedWebhookSecrets } from '../domain/webhook-secret-grace.js';
import { DomainError } from '../domain/errors.js';
import { admitTenantWebhook } from './tenant-webhook-limit.js';
import { decodeUtf8, readBodyUpTo } from './utf8-body.js';
import { answerDatabaseUnreachable } from './database-unreachable-answer.js';

const MAX_BODY_BYTES = 256 * 1024;

async function readRawBody(ctx: Context): Promise<Buffer> {
  const raw = await readBodyUpTo(ctx.req, MAX_BODY_BYTES);
  if (raw === null) {
    // The rest of the upload is not kept: close the connection after the answer instead of reusing it.
    ctx.set('Connection', 'close');
    ctx.throw(413, `Body larger than ${MAX_BODY_BYTES} bytes`);
  }
  return raw;
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Reads, authenticates and validates a webhook body, or answers the error. Authentic: a timestamp within
 * the tolerance of the server clock (replay protection), and an HMAC of "<timestamp>.<raw body>" with the
 * tenant's secret, or its previous one during the rotation grace (webhook-signature.ts).
 */
async function signedBody<T>(ctx: Context, services: Services, schema: ZodType<T>): Promise<{ tenant: TenantRow; body: T } | null> {
  const raw = await readRawBody(ctx);
  const now = services.infra.clock.now();
  const timestamp = checkTimestamp(ctx.get(TIMESTAMP_HEADER) || undefined, now);
  if (!timestamp.ok) {
    ctx.status = 401;
    ctx.body = { error: timestamp.reason, field: TIMESTAMP_HEADER };
    return null;
  }
  const body = parseJson(raw);
  const slug = typeof (body as { tenant?: unknown })?.tenant === 'string' ? (body as { tenant: string }).tenant : null;
  const tenant = slug ? await services.infra.db.getRepository(TenantEntity).findOneBy({ slug }) : null;
  // Unknown tenant and bad signature answer the same, so neither can be probed.
  if (!tenant || !isValidSignature(acceptedWebhookSecrets(tenant, now), timestamp.timestampSeconds, raw, ctx.get(SIGNATURE_HEADER) || undefined)) {
    ctx.status = 401;
    ctx.body = { error: `Invalid signature: ${SIGNATURE_HEADER} must be sha256=<hex HMAC-SHA256 of "<${TIMESTAMP_HEADER}>.<raw body>" with the tenant webhook secret>`, field: SIGNATURE_HEADER };
    return null;
  }
  // Authentic but not UTF-8: refused, not stored with U+FFFD in place of the bytes (issue 14 item 2).
  if (decodeUtf8(raw) === null) {
    ctx.status = 400;
    ctx.body = { error: 'body: must be UTF-8 text', fieldErrors: { body: 'must be UTF-8 text: the request body has bytes that are not UTF-8' } };
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
  const unreachableDatabase = answerDatabaseUnreachable(services.infra.log);
  routes.post('/webhooks/inbound', unreachableDatabase, async (ctx) => {
    const request = await signedBody(ctx, services, ZInboundWebhook);
    if (!request || !(await admitTenantWebhook(ctx, services.rateLimits, request.tenant.id))) return;
    const result = await services.inbound.receive(request.tenant, request.body);
    ctx.status = result.status === 'accepted' ? 202 : 200;
    ctx.body = result;
  });

  /** An agent reply seen by the helpdesk or gateway: the same command as messages.recordAgentReply. */
  routes.post('/webhooks/agent-reply', unreachableDatabase, async (ctx) => {
    const request = await signedBody(ctx, services, ZAgentReplyWebhook);
    if (!request || !(await admitTenantWebhook(ctx, services.rateLimits, request.tenant.id))) return;
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
