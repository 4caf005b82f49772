// Overload protection for the webhooks (issue 13 "Bad input"): at most `maxInFlight` webhook requests
// are worked on at once per process; one more is answered 503 with Retry-After at once, before its
// body is read, so a burst above what the database can take queues at the sender, never here without
// bound. A 503 stores nothing: the sender retries it (Twilio, gateways and RT's poller all do), and
// every request admitted is worked to its end as before — nothing accepted is lost.
import type { Middleware } from 'koa';

export interface WebhookAdmission {
  middleware: Middleware;
  /** Webhook requests being worked on now (for tests and /metrics). */
  inFlight(): number;
}

export const DEFAULT_WEBHOOK_MAX_IN_FLIGHT = 256;
/** A second is long enough for a burst's queue to drain and short enough not to delay a message noticeably. */
const RETRY_AFTER_SECONDS = 1;

export function createWebhookAdmission(maxInFlight: number): WebhookAdmission {
  let inFlight = 0;
  const middleware: Middleware = async (ctx, next) => {
    if (!ctx.path.startsWith('/webhooks/')) return next();
    if (inFlight >= maxInFlight) {
      ctx.status = 503;
      ctx.set('Retry-After', String(RETRY_AFTER_SECONDS));
      ctx.body = { error: `Busy: more than ${maxInFlight} webhook requests in progress on this server; nothing was stored, retry after ${RETRY_AFTER_SECONDS} s` };
      return;
    }
    inFlight += 1;
    try {
      await next();
    } finally {
      inFlight -= 1;
    }
  };
  return { middleware, inFlight: () => inFlight };
}
