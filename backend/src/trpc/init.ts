// tRPC initialisation: the base procedures, the single domain-error mapping and error shapes.
import { TRPCError, initTRPC } from '@trpc/server';
import { isDatabaseUnreachable, isUniqueViolation } from '../db/errors.js';
import { isAdmin } from '../auth/principal.js';
import { DomainError } from '../domain/errors.js';
import type { Context } from './context.js';
import { refuseMutationOverLimit } from './mutation-rate-limit.js';

interface ValidationIssue {
  path?: readonly (PropertyKey | { key: PropertyKey })[];
  message: string;
}

/** The field errors of an input validation failure (zod / Standard Schema issues), by dotted path. */
function fieldErrorsOf(cause: unknown): Record<string, string> | null {
  const issues = (cause as { issues?: ValidationIssue[] } | undefined)?.issues;
  if (!Array.isArray(issues)) return null;
  const fields: Record<string, string> = {};
  for (const issue of issues) {
    const path = (issue.path ?? []).map((part) => String(typeof part === 'object' ? part.key : part)).join('.') || 'input';
    fields[path] ??= issue.message;
  }
  return fields;
}

const t = initTRPC.context<Context>().create({
  isDev: false,
  sse: { ping: { enabled: true, intervalMs: 15_000 }, client: { reconnectAfterInactivityMs: 40_000 } },
  errorFormatter({ shape, error }) {
    const fieldErrors = error.code === 'BAD_REQUEST' ? fieldErrorsOf(error.cause) : null;
    const domainField = error.cause instanceof DomainError ? (error.cause.field ?? null) : null;
    const message = fieldErrors
      ? Object.entries(fieldErrors).map(([field, text]) => `${field}: ${text}`).join('; ')
      : error.code === 'INTERNAL_SERVER_ERROR'
        ? 'Something went wrong on our side. It has been logged; please try again.'
        : shape.message;
    return {
      ...shape,
      message,
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        path: shape.data.path,
        /** The input field at fault, for inline form errors. */
        field: domainField ?? (fieldErrors ? Object.keys(fieldErrors)[0] : null) ?? null,
        fieldErrors: fieldErrors ?? (domainField ? { [domainField]: shape.message } : null),
      },
    };
  },
});

/** The one place a domain failure becomes a TRPCError (STYLE.md habit 4). */
const mapDomainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (result.ok) return result;
  const cause = result.error.cause;
  if (cause instanceof DomainError) throw new TRPCError({ code: cause.code, message: cause.message, cause });
  if (isUniqueViolation(cause)) {
    throw new TRPCError({ code: 'CONFLICT', message: 'That already exists: another change got there first. Reload and try again.', cause });
  }
  // A database restart is an outage to wait out, not a bug: 503, so clients (and agents) retry later.
  if (isDatabaseUnreachable(cause)) {
    throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: 'Baton cannot reach its database right now, so this may not have been saved. Check, then try again in a few seconds.', cause });
  }
  return result;
});

const requirePrincipal = t.middleware(async ({ ctx, next }) => {
  let principal;
  try {
    principal = await ctx.authenticate();
  } catch (error) {
    if (error instanceof DomainError) throw new TRPCError({ code: error.code, message: error.message, cause: error });
    throw error;
  }
  if (!principal) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in first: send "Authorization: Bearer <API key or token>"' });
  return next({ ctx: { principal } });
});


export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(mapDomainErrors);
/** Any authenticated agent or API key; `ctx.principal` is non-null and scopes every query. */
export const agentProcedure = publicProcedure.use(requirePrincipal).use(async ({ ctx, type, next }) => {
  // Mutations only, per credential (issue 14 item 5): reads and event streams are not limited here.
  if (type === 'mutation') await refuseMutationOverLimit(ctx.services.rateLimits, ctx.principal);
  return next();
});
/** Admins and superusers (and admin API keys). */
export const adminProcedure = agentProcedure.use(({ ctx, next }) => {
  if (!isAdmin(ctx.principal)) throw new TRPCError({ code: 'FORBIDDEN', message: 'Only an admin can do this' });
  return next();
});
