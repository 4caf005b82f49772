// The tRPC context: services plus the caller's credential, authenticated on first need.
import type { Principal } from '../auth/principal.js';
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

/** Builds a context without HTTP: used by the HTTP adapter and by tests through `createCaller`. */
export function createContextInner(input: { services: Services; log: Logger; authorization: string | null }): Context {
  let resolved: Promise<Principal | null> | null = null;
  return {
    ...input,
    authenticate: () => (resolved ??= input.services.authenticator.authenticate(input.authorization)),
  };
}
