// The per-credential limit on tRPC mutations (issue 14 item 5): a 429 with Retry-After when exceeded.
import { TRPCError } from '@trpc/server';
import type { Principal } from '../auth/principal.js';
import { describePolicy, type RateLimits } from '../platform/rate-limit/rate-limits.js';

/** The cause of a TOO_MANY_REQUESTS: carries the wait to the HTTP response (`retryAfterResponseMeta`). */
export class RateLimitedError extends Error {
  override name = 'RateLimitedError';
  constructor(readonly retryAfterSeconds: number, message: string) {
    super(message);
  }
}

/** The bucket a principal draws from: its API key, or the agent behind a token (one per person, however many tabs). */
export const credentialOf = (principal: Principal) => (principal.apiKeyId ? `api_key:${principal.apiKeyId}` : principal.actor);

/** Throws TOO_MANY_REQUESTS when the principal's credential has used up its mutations. */
export async function refuseMutationOverLimit(limits: RateLimits, principal: Principal): Promise<void> {
  const decision = await limits.takeMutation(credentialOf(principal));
  if (decision.allowed) return;
  const message = `Too many changes from this credential: at most ${describePolicy(decision.policy)}. Nothing was changed; retry after ${decision.retryAfterSeconds} s.`;
  throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message, cause: new RateLimitedError(decision.retryAfterSeconds, message) });
}

/**
 * The tRPC HTTP handler's `responseMeta`: a refused call's response carries `Retry-After` (the
 * longest wait of a batch). Everything else is left to tRPC.
 */
export function retryAfterResponseMeta({ errors }: { errors: readonly TRPCError[] }): { headers?: Record<string, string> } {
  const waits = errors.flatMap((error) => (error.cause instanceof RateLimitedError ? [error.cause.retryAfterSeconds] : []));
  return waits.length === 0 ? {} : { headers: { 'Retry-After': String(Math.max(...waits)) } };
}
