// POST /webhooks/twilio/:tenantSlug — Twilio's incoming-SMS webhook (issue 12 item 4): checks
// X-Twilio-Signature with the tenant's auth token, then hands the text to the inbound pipeline
// like a signed POST /webhooks/inbound (deduped on the MessageSid), and answers empty TwiML.
import type { Context } from 'koa';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import type { InboundWebhook } from '../../../shared/webhooks.js';
import { TenantEntity, type TenantRow } from '../db/entities/tenancy.entities.js';
import type { InboundResult } from '../features/inbound/inbound.service.js';
import { readTenantSettings } from '../platform/tenant-settings.js';
import { isValidTwilioSignature } from '../connectors/twilio-signature.js';

/** A Twilio webhook is a few kilobytes of form fields (an SMS body is at most 1,600 characters). */
const MAX_BODY_BYTES = 64 * 1024;
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';
const ZSlug = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/);

/** The fields Baton uses from Twilio's incoming-message request (Twilio sends many more, all signed). */
export const ZTwilioIncomingSms = z.object({
  MessageSid: z.string().trim().min(1, { error: 'is required' }).max(64),
  From: z.string().trim().min(1, { error: 'is required' }).max(32),
  To: z.string().trim().min(1, { error: 'is required' }).max(32),
  Body: z.string().max(20_000).default(''),
  NumMedia: z.coerce.number().int().min(0).default(0),
});
export type TwilioIncomingSms = z.infer<typeof ZTwilioIncomingSms>;

export interface TwilioInboundDependencies {
  /** The tenant with this slug and its Twilio auth token; null when there is none or it has no Twilio connector. */
  findTwilioTenant(slug: string): Promise<{ tenant: TenantRow; authToken: string } | null>;
  receive(tenant: TenantRow, message: InboundWebhook): Promise<InboundResult>;
  /**
   * The origin Twilio was told to call (`https://baton.example.com`). Twilio signs the URL it called,
   * so behind a proxy that does not pass X-Forwarded-Proto/-Host, name it here. Absent: the request's.
   */
  publicOrigin?: string;
  /** The tenant's webhook rate limit (issue 14 item 5): false when it answered 429. Absent: no limit. */
  admitTenant?(ctx: Context, tenant: TenantRow): Promise<boolean>;
}

/** Finds a tenant and the auth token of its Twilio connector (settings `connectors.twilio`). */
export function twilioTenantFinder(db: DataSource): TwilioInboundDependencies['findTwilioTenant'] {
  return async (slug) => {
    const tenant = await db.getRepository(TenantEntity).findOneBy({ slug });
    const twilio = tenant ? (await readTenantSettings(db.manager, tenant.id)).connectors.twilio : null;
    return tenant && twilio ? { tenant, authToken: twilio.authToken } : null;
  };
}

/** The customer message of one incoming SMS; the conversation is the customer's number. */
export function inboundOfTwilioSms(tenantSlug: string, sms: TwilioIncomingSms): InboundWebhook {
  const text = sms.Body.trim() || (sms.NumMedia > 0 ? `(${sms.NumMedia} attachment${sms.NumMedia === 1 ? '' : 's'} without text)` : '(an empty message)');
  return {
    tenant: tenantSlug,
    connector: 'twilio',
    externalConversationId: sms.From,
    externalMessageId: sms.MessageSid,
    lead: { phone: sms.From },
    channel: 'sms',
    body: text,
  };
}

async function readForm(ctx: Context): Promise<URLSearchParams | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/**
 * The route's handler.
 * @example routes.post('/webhooks/twilio/:tenantSlug', createTwilioInboundHandler({ findTwilioTenant: twilioTenantFinder(services.infra.db), receive: services.inbound.receive }))
 */
export function createTwilioInboundHandler(dependencies: TwilioInboundDependencies): (ctx: Context) => Promise<void> {
  return async (ctx) => {
    const form = ctx.is('application/x-www-form-urlencoded') ? await readForm(ctx) : null;
    if (!form) {
      ctx.status = ctx.is('application/x-www-form-urlencoded') ? 413 : 415;
      ctx.body = { error: ctx.status === 413 ? `Body larger than ${MAX_BODY_BYTES} bytes` : 'Twilio posts application/x-www-form-urlencoded' };
      return;
    }
    const slug = ZSlug.safeParse((ctx.params as Record<string, string | undefined> | undefined)?.tenantSlug);
    const found = slug.success ? await dependencies.findTwilioTenant(slug.data) : null;
    // Not ctx.origin: in Koa 3 that is the Origin request header. protocol/host follow X-Forwarded-* when app.proxy is set.
    const calledUrl = `${dependencies.publicOrigin?.replace(/\/+$/, '') ?? `${ctx.protocol}://${ctx.host}`}${ctx.originalUrl}`;
    // An unknown tenant and a bad signature answer the same, so neither can be probed.
    if (!found || !isValidTwilioSignature(found.authToken, ctx.get('x-twilio-signature') || undefined, calledUrl, form)) {
      ctx.status = 403;
      ctx.body = { error: 'Invalid signature: X-Twilio-Signature must be Twilio’s signature of this URL and form with the tenant’s auth token' };
      return;
    }
    const sms = ZTwilioIncomingSms.safeParse(Object.fromEntries(form));
    if (!sms.success) {
      ctx.status = 400;
      ctx.body = { error: sms.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; ') };
      return;
    }
    if (dependencies.admitTenant && !(await dependencies.admitTenant(ctx, found.tenant))) return;
    // A replayed MessageSid is a duplicate for the pipeline: Twilio's retry changes nothing.
    await dependencies.receive(found.tenant, inboundOfTwilioSms(found.tenant.slug, sms.data));
    ctx.status = 200;
    ctx.type = 'text/xml';
    ctx.body = EMPTY_TWIML;
  };
}
