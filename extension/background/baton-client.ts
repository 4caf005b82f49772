// The typed tRPC client for the saved backend: the credential goes in an Authorization header only;
// the event stream opens with a short-lived stream ticket instead (issue 14 item 4).
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink, type TRPCClient } from '@trpc/client';
import { EventSource } from 'eventsource';
import type { AppRouter } from '../../backend/src/trpc/router';
import type { BackendConfig } from './backend-config';

/** The Baton API as the background calls it. */
export type BatonClient = TRPCClient<AppRouter>;

/** Dependencies of {@link createBatonClient}; tests pass their own `fetch`. */
export interface BatonClientOptions {
  fetch?: typeof globalThis.fetch;
  /** Give up on a query or mutation after this long (default 15 s), so no action spins forever. */
  requestTimeoutMs?: number;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;

/**
 * Builds the client for one saved configuration: queries and mutations batched over HTTP with the
 * credential in the Authorization header; the event stream over SSE (the `eventsource` package),
 * opened with a 60 s stream ticket in its URL's connectionParams, fetched anew for every connection
 * attempt: the credential never goes in a URL.
 *
 * @example
 * const client = createBatonClient({ url: 'http://127.0.0.1:8787', credential: 'bk_…' });
 * const view = await client.conversations.byExternalRef.query({ connector: 'demo', externalId: 'DEMO-1' });
 */
export function createBatonClient(config: BackendConfig, options: BatonClientOptions = {}): BatonClient {
  const fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const authorization = `Bearer ${config.credential}`;
  const url = `${config.url}/trpc`;

  const fetchWithTimeout: typeof fetch = (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    return fetchFn(input, { ...init, signal });
  };

  const client: BatonClient = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({
          url,
          EventSource,
          // Evaluated for every connection (reconnects too), so each gets a fresh ticket; a refused
          // credential fails here with UNAUTHORIZED, which the stream reports as such.
          connectionParams: async () => ({ ticket: (await client.events.streamTicket.mutate()).ticket }),
          eventSourceOptions: { fetch: (input, init) => fetchFn(input, init) },
        }),
        false: httpBatchLink({ url, fetch: fetchWithTimeout, headers: { authorization } }),
      }),
    ],
  });
  return client;
}
