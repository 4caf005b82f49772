// Mounts the demo helpdesk at /demo (every BATON_ENV but production): pages, static assets, JSON API,
// behind a strict Content-Security-Policy.
import Router from '@koa/router';
import type { Context, Next } from 'koa';
import { randomUUID } from 'node:crypto';
import type { BatonEnvironment } from '../../env.js';
import type { Services } from '../../features/index.js';
import { DEMO_CLIENT_SCRIPT } from './demo-client-script.js';
import { mountDemoInboxApi } from './demo-inbox-api.js';
import { ZAgentQuery, ZExternalId, ZTenantSlug } from './demo-inbox-inputs.js';
import { findTenantBySlug, listAgents, listDemoConversations, readDemoThread } from './demo-inbox-queries.js';
import { DEMO_SCRIPT_PATH, DEMO_STYLES_PATH, renderDemoPage, renderUnknownTenantPage } from './demo-page.js';
import { DEMO_STYLES } from './demo-styles.js';
import { loopbackOnly } from './loopback-only.js';

/** The tenant `npm start` seeds: `/demo` opens its inbox. */
export const DEFAULT_DEMO_TENANT = 'demo';

/**
 * Scripts only from this origin (no inline script); inline styles stay allowed so a browser
 * extension's shadow-root UI (WXT inserts a <style>) is not blocked by the host page's policy.
 */
export const DEMO_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Whether the demo inbox is served: never in production (issue 9), and then only to this machine (loopback-only.ts). */
export const demoInboxEnabled = (batonEnv: BatonEnvironment) => batonEnv !== 'production';

async function securityHeaders(ctx: Context, next: Next): Promise<void> {
  if (ctx.path !== '/demo' && !ctx.path.startsWith('/demo/')) return next();
  ctx.set('Content-Security-Policy', DEMO_CONTENT_SECURITY_POLICY);
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Referrer-Policy', 'no-referrer');
  ctx.set('Cache-Control', ctx.path.startsWith('/demo/assets/') ? 'no-cache' : 'no-store');
  await next();
}

async function renderInboxPage(ctx: Context, services: Services, externalIdParam: string | null): Promise<void> {
  const db = services.infra.db;
  ctx.type = 'text/html; charset=utf-8';
  const slug = ZTenantSlug.safeParse(ctx.params.slug);
  const tenant = slug.success ? await findTenantBySlug(db, slug.data) : null;
  if (!tenant) {
    ctx.status = 404;
    ctx.body = renderUnknownTenantPage(String(ctx.params.slug ?? ''));
    return;
  }
  const externalId = externalIdParam === null ? null : ZExternalId.safeParse(externalIdParam);
  const agents = await listAgents(db, tenant.id);
  const requested = ZAgentQuery.safeParse(ctx.query.agent);
  const requestedEmail = requested.success ? requested.data?.toLowerCase() : undefined;
  const thread = externalId?.success ? await readDemoThread(db, tenant.id, externalId.data) : null;
  ctx.status = externalIdParam !== null && !thread ? 404 : 200;
  ctx.body = renderDemoPage({
    tenantSlug: tenant.slug,
    agent: agents.find((agent) => agent.email === requestedEmail) ?? agents[0] ?? null,
    conversations: await listDemoConversations(db, tenant.id),
    openExternalId: externalIdParam,
    thread,
    draftId: randomUUID(),
  });
}

/**
 * The router of everything under /demo. Mount it only where `demoInboxEnabled` (else /demo is a 404).
 * @example if (demoInboxEnabled(env.batonEnv)) app.use(createDemoInboxRouter(services).routes());
 */
export function createDemoInboxRouter(services: Services): Router {
  const routes = new Router();
  // Router middleware runs only for requests one of these routes matches.
  routes.use(loopbackOnly);
  routes.use(securityHeaders);
  routes.get('/demo', (ctx) => {
    ctx.redirect(`/demo/${DEFAULT_DEMO_TENANT}${ctx.querystring ? `?${ctx.querystring}` : ''}`);
  });
  routes.get(DEMO_SCRIPT_PATH, (ctx) => {
    ctx.type = 'application/javascript; charset=utf-8';
    ctx.body = DEMO_CLIENT_SCRIPT;
  });
  routes.get(DEMO_STYLES_PATH, (ctx) => {
    ctx.type = 'text/css; charset=utf-8';
    ctx.body = DEMO_STYLES;
  });
  // The API first: `/demo/api/c/…` is an API path, not tenant "api"'s thread "…".
  mountDemoInboxApi(routes, services);
  routes.get('/demo/:slug', (ctx) => renderInboxPage(ctx, services, null));
  routes.get('/demo/:slug/c/:externalId', (ctx) => renderInboxPage(ctx, services, String(ctx.params.externalId)));
  return routes;
}
