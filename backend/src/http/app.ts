// The Koa app: one error boundary, request logs and metrics, health, metrics, the demo inbox and tRPC at /trpc.
import Router from '@koa/router';
import { nodeHTTPRequestHandler } from '@trpc/server/adapters/node-http';
import Koa from 'koa';
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Logger } from '../logger.js';
import type { Services } from '../features/index.js';
import { createContextInner } from '../trpc/context.js';
import { requestCredential } from './request-credential.js';
import { appRouter } from '../trpc/router.js';
import { checkHealth, type JobsHealth } from './health.js';
import { routeLabel, type Metrics } from './metrics.js';
import { mountWebhooks } from './webhooks.js';
import { createWebhookAdmission, DEFAULT_WEBHOOK_MAX_IN_FLIGHT } from './webhook-admission.js';
import { createTwilioInboundHandler, twilioTenantFinder } from './twilio-inbound.js';
import { createDemoInboxRouter, demoInboxEnabled } from './demo/demo-inbox-routes.js';
import { admitTenantWebhook } from './tenant-webhook-limit.js';
import { retryAfterResponseMeta } from '../trpc/mutation-rate-limit.js';
import { readTrpcBody, refuseUnreadableBody } from './utf8-body.js';
import type { BatonEnvironment } from '../env.js';

export interface AppDependencies {
  services: Services;
  log: Logger;
  metrics: Metrics;
  jobsHealth: JobsHealth;
  /** Absent: the environment the services were built for. The demo inbox is not served in production. */
  batonEnv: BatonEnvironment;
  /** Webhook requests worked on at once; more are answered 503 with Retry-After. */
  webhookMaxInFlight?: number;
}

const MAX_BODY_BYTES = 1024 * 1024;

export interface BatonApp {
  app: Koa;
  /** Ends every open event stream (clients reconnect elsewhere and resume by last event id). */
  endStreams(): void;
}

export function createApp({ services, log, metrics, jobsHealth, batonEnv, webhookMaxInFlight = DEFAULT_WEBHOOK_MAX_IN_FLIGHT }: AppDependencies): BatonApp {
  const app = new Koa();
  const openStreams = new Set<ServerResponse>();
  app.proxy = true;

  // The one error boundary: log everything, show clients only what is meant for them.
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      const err = error as Error & { status?: number; expose?: boolean };
      const status = err.status && err.status >= 400 && err.status < 600 ? err.status : 500;
      ctx.status = status;
      ctx.body = { error: err.expose ? err.message : 'Internal error: it has been logged.' };
      if (status >= 500) log.error({ err, path: ctx.path, requestId: ctx.state.requestId }, 'request failed');
    }
  });
  app.on('error', (error: Error) => log.debug({ err: error }, 'koa error event'));

  app.use(async (ctx, next) => {
    const started = process.hrtime.bigint();
    ctx.state.requestId = ctx.get('x-request-id') || randomUUID();
    ctx.set('x-request-id', ctx.state.requestId);
    const route = routeLabel(ctx.path);
    const done = () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const status = String(ctx.res.statusCode);
      metrics.httpRequests.inc({ method: ctx.method, route, status });
      metrics.httpDuration.observe({ method: ctx.method, route }, seconds);
      log.info({ requestId: ctx.state.requestId, method: ctx.method, route, status: ctx.res.statusCode, ms: Math.round(seconds * 1000) }, 'request');
    };
    ctx.res.once('close', done);
    await next();
  });

  app.use(createWebhookAdmission(webhookMaxInFlight).middleware);

  const routes = new Router();
  routes.get('/healthz', async (ctx) => {
    const report = await checkHealth(services.infra.db, services.infra.bus, jobsHealth);
    ctx.status = report.status === 'down' ? 503 : 200;
    ctx.body = report;
  });
  routes.get('/metrics', async (ctx) => {
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  });
  mountWebhooks(routes, services);
  // Twilio's "A message comes in" webhook: https://<public Baton>/webhooks/twilio/<tenant slug>, HTTP POST (issue 12).
  routes.post('/webhooks/twilio/:tenantSlug', createTwilioInboundHandler({
    findTwilioTenant: twilioTenantFinder(services.infra.db),
    receive: services.inbound.receive,
    admitTenant: (ctx, tenant) => admitTenantWebhook(ctx, services.rateLimits, tenant.id),
  }));
  app.use(routes.routes());
  app.use(routes.allowedMethods());
  // The demo helpdesk at /demo (issue 9): every environment but production.
  if (demoInboxEnabled(batonEnv)) app.use(createDemoInboxRouter(services).routes());

  // tRPC has no Koa adapter: hand the raw request to its node-http handler (reference/toolchain.md).
  app.use(async (ctx, next) => {
    if (!ctx.path.startsWith('/trpc/')) return next();
    ctx.respond = false;
    ctx.res.statusCode = 200;
    const isSubscription = ctx.get('accept').includes('text/event-stream');
    if (isSubscription) {
      metrics.eventSubscribers.inc();
      openStreams.add(ctx.res);
      ctx.res.once('close', () => {
        metrics.eventSubscribers.dec();
        openStreams.delete(ctx.res);
      });
    }
    // Read here so bytes that are not UTF-8 are refused, not turned into U+FFFD and stored (issue 14 item 2).
    if (ctx.method === 'POST') await readTrpcBody(ctx.req, MAX_BODY_BYTES);
    await nodeHTTPRequestHandler({
      router: appRouter,
      req: ctx.req,
      res: ctx.res,
      path: ctx.path.slice('/trpc/'.length),
      maxBodySize: MAX_BODY_BYTES,
      // A mutation refused by the per-credential limit says when to retry (Retry-After).
      responseMeta: retryAfterResponseMeta,
      // The event stream opens with a stream ticket; a long-lived credential is refused in connectionParams (the URL).
      createContext: ({ req, info }) => {
        refuseUnreadableBody(req);
        return createContextInner({ services, log, ...requestCredential(req.headers.authorization, info) });
      },
      onError: ({ error, path }) => {
        if (error.code === 'INTERNAL_SERVER_ERROR') log.error({ err: error.cause ?? error, path, requestId: ctx.state.requestId }, 'procedure failed');
        else if (error.code === 'SERVICE_UNAVAILABLE') log.warn({ err: error.cause ?? error, path, requestId: ctx.state.requestId }, 'procedure failed: database unreachable');
      },
    });
  });

  return {
    app,
    endStreams: () => {
      for (const stream of openStreams) stream.destroy();
    },
  };
}
