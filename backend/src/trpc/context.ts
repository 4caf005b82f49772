// The tRPC context: services plus the caller's credential, authenticated on first need.
import type { Principal } from '../auth/principal.js';
import { DomainError } from '../domain/errors.js';
import type { Logger } from '../logger.js';
import type { Services } from '../features/index.js';

export interface Context {
  services: Services;
  log: Logger;
  /** The raw Authorization value (header, or SSE connection params); null: anonymous. */
  authorization: string | null;
  /** Resolves the principal once per request (throws UNAUTHORIZED for a bad credential). */
  authenticate(): Promise<Principal | null>;
}

export interface ContextInput {
  services: Services;
  log: Logger;
  authorization: string | null;
  /** A stream ticket from the event stream's connectionParams (http/request-credential.ts). */
  streamTicket?: string | null;
  /** The request carried a credential where none is accepted: authenticating fails with this. */
  refusal?: string | null;
}

/** Builds a context without HTTP: used by the HTTP adapter and by tests through `createCaller`. */
export function createContextInner(input: ContextInput): Context {
  const { services, log, authorization, streamTicket, refusal } = input;
  const resolve = (): Promise<Principal | null> => {
    if (refusal) return Promise.reject(new DomainError('UNAUTHORIZED', refusal));
    if (streamTicket) return services.authenticator.authenticateStreamTicket(streamTicket);
    return services.authenticator.authenticate(authorization);
  };
  let resolved: Promise<Principal | null> | null = null;
  return { services, log, authorization, authenticate: () => (resolved ??= resolve()) };
}
