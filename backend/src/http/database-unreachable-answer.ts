// Webhooks while the database is unreachable (issue 14 item 1): 503 with Retry-After and "not stored,
// retry", instead of a 500 after which a sender may or may not try again.
import type { Middleware } from 'koa';
import { isDatabaseUnreachable } from '../db/errors.js';
import type { Logger } from '../logger.js';

/** What a sender waits before trying again: MariaDB restarts in seconds (BENCHMARKS, chaos run). */
export const DATABASE_UNREACHABLE_RETRY_AFTER_SECONDS = 5;

/** Wraps a webhook route: a database that cannot be reached answers 503; any other failure goes on to the error boundary. */
export function answerDatabaseUnreachable(log: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      if (!isDatabaseUnreachable(error)) throw error;
      log.warn({ err: error, path: ctx.path, requestId: ctx.state.requestId }, 'webhook refused with 503: the database is unreachable');
      ctx.status = 503;
      ctx.set('Retry-After', String(DATABASE_UNREACHABLE_RETRY_AFTER_SECONDS));
      ctx.body = {
        error: `The database is unreachable: the message was not stored. Send the same request again in ${DATABASE_UNREACHABLE_RETRY_AFTER_SECONDS} seconds.`,
        retryAfterSeconds: DATABASE_UNREACHABLE_RETRY_AFTER_SECONDS,
      };
    }
  };
}
