// POST /webhooks/inbound: signed customer messages from connectors (ARCHITECTURE.md "API surface").
import type Router from '@koa/router';
import type { Context } from 'koa';
import { ZInboundWebhook } from '../../../shared/webhooks.js';
import { TenantEntity } from '../db/entities/tenancy.entities.js';
import type { Services } from '../services/index.js';
import { isValidSignature } from './webhook-signature.js';

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

export function mountWebhooks(routes: Router, services: Services): void {
  routes.post('/webhooks/inbound', async (ctx) => {
    const raw = await readRawBody(ctx);
    const body = parseJson(raw);
    const slug = typeof (body as { tenant?: unknown })?.tenant === 'string' ? (body as { tenant: string }).tenant : null;
    const tenant = slug ? await services.infra.db.getRepository(TenantEntity).findOneBy({ slug }) : null;
    // Unknown tenant and bad signature answer the same, so neither can be probed.
    if (!tenant || !isValidSignature(tenant.webhookSecret, raw, ctx.get('x-baton-signature') || undefined)) {
      ctx.status = 401;
      ctx.body = { error: 'Invalid signature: X-Baton-Signature must be sha256=<hex HMAC of the raw body with the tenant webhook secret>' };
      return;
    }
    const parsed = ZInboundWebhook.safeParse(body);
    if (!parsed.success) {
      const fieldErrors = Object.fromEntries(parsed.error.issues.map((issue) => [issue.path.join('.') || 'body', issue.message]));
      ctx.status = 400;
      ctx.body = { error: Object.entries(fieldErrors).map(([field, message]) => `${field}: ${message}`).join('; '), fieldErrors };
      return;
    }
    const result = await services.inbound.receive(tenant, parsed.data);
    ctx.status = result.status === 'accepted' ? 202 : 200;
    ctx.body = result;
  });
}
