// A typed tRPC client for tests: HTTP batching for queries/mutations, SSE for subscriptions.
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink, TRPCClientError } from '@trpc/client';
import { EventSource } from 'eventsource';
import type { AppRouter } from '../../backend/src/trpc/router.js';

export interface TestClientOptions {
  /**
   * Subscriptions send these connectionParams (in their URL, evaluated per connection) instead of
   * the Authorization header, e.g. `{ ticket }` from `events.streamTicket`.
   */
  connectionParams?: () => Promise<Record<string, string>> | Record<string, string>;
}

export function createTestClient(baseUrl: string, credential: string | null, options: TestClientOptions = {}) {
  const authorization = credential ? `Bearer ${credential}` : undefined;
  const streamAuthorization = options.connectionParams ? undefined : authorization;
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({
          url: `${baseUrl}/trpc`,
          EventSource,
          connectionParams: options.connectionParams,
          eventSourceOptions: {
            fetch: (input, init) => fetch(input, { ...init, headers: { ...init.headers, ...(streamAuthorization ? { authorization: streamAuthorization } : {}) } }),
          },
        }),
        false: httpBatchLink({ url: `${baseUrl}/trpc`, headers: () => (authorization ? { authorization } : {}) }),
      }),
    ],
  });
}

export type TestClient = ReturnType<typeof createTestClient>;

/** Awaits a call expected to fail and returns its tRPC error code, message and field. */
export async function expectTrpcError(call: Promise<unknown>): Promise<{ code: string; message: string; field: string | null; fieldErrors: Record<string, string> | null }> {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCClientError) {
      const data = error.data as { code: string; field?: string | null; fieldErrors?: Record<string, string> | null };
      return { code: data.code, message: error.message, field: data.field ?? null, fieldErrors: data.fieldErrors ?? null };
    }
    throw error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
