// @vitest-environment node
// The real client over real HTTP against a tiny tRPC server on 127.0.0.1: the credential travels in
// the Authorization header only, the stream opens with a fresh stream ticket per connection and
// resumes by lastEventId, errors map.
import { initTRPC, tracked, TRPCError } from '@trpc/server';
import { createHTTPServer } from '@trpc/server/adapters/standalone';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isCredentialRejected, toActionFailure } from './action-result';
import { createBatonClient } from './baton-client';

const CREDENTIAL = 'bk_Ab12cdeFGhijKLmnOPqrSTuvWXyz0123456';

/** Every request the server saw: its URL, Authorization header and connectionParams. */
const seen: { url: string; authorization: string | undefined; connectionParams: Record<string, string | undefined> | null }[] = [];
/** The stream tickets the server issued (each opens one stream). */
const issuedTickets = new Set<string>();
/** What the last subscription asked to resume from. */
let resumedFrom: string | null | undefined;

const t = initTRPC.context<{ authorization: string | undefined; ticket: string | undefined }>().create({
  sse: { ping: { enabled: false } },
  // The shape of backend/src/trpc/init.ts: field and fieldErrors in `data`.
  errorFormatter: ({ shape, error }) => {
    const cause = error.cause as { field?: string } | undefined;
    const field = cause?.field ?? null;
    return { ...shape, data: { ...shape.data, field, fieldErrors: field ? { [field]: error.message } : null } };
  },
});
const authed = t.procedure.use(({ ctx, next }) => {
  if (ctx.authorization !== `Bearer ${CREDENTIAL}`) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Unknown API key' });
  return next();
});
const ticketed = t.procedure.use(({ ctx, next }) => {
  if (!ctx.ticket || !issuedTickets.delete(ctx.ticket)) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Stream ticket refused' });
  return next();
});
const router = t.router({
  events: t.router({
    latestId: authed.query(() => '41'),
    streamTicket: authed.mutation(() => {
      const ticket = `st_${issuedTickets.size + 1}_${Math.random().toString(36).slice(2)}`;
      issuedTickets.add(ticket);
      return { ticket, expiresAt: new Date(Date.now() + 60_000).toISOString() };
    }),
    onChange: ticketed.input(z.object({ lastEventId: z.string().nullish() })).subscription(async function* ({ input }) {
      resumedFrom = input.lastEventId;
      const from = Number(input.lastEventId ?? 0);
      for (let id = from + 1; id <= from + 2; id += 1) {
        yield tracked(String(id), { id: String(id), type: 'message.received', conversationId: 'c-1', leadId: 'l-1', actor: 'customer', before: null, after: null, at: '2026-01-05T14:00:00.000Z' });
      }
      await new Promise(() => undefined); // stay open like the real stream
    }),
  }),
  conversations: t.router({
    takeOver: authed.input(z.object({ id: z.string() }).passthrough()).mutation(() => {
      throw new TRPCError({ code: 'CONFLICT', message: 'Dana Smith took this conversation over meanwhile' });
    }),
    release: authed.input(z.object({ id: z.string() }).passthrough()).mutation(() => {
      throw new TRPCError({ code: 'BAD_REQUEST', message: 'must be a conversation id (UUID)', cause: Object.assign(new Error('bad id'), { field: 'id' }) });
    }),
  }),
});

describe('createBatonClient over HTTP', () => {
  const server = createHTTPServer({
    router,
    basePath: '/trpc/',
    createContext: ({ req, info }: { req: IncomingMessage; info: { connectionParams: Record<string, string | undefined> | null } }) => {
      seen.push({ url: req.url ?? '', authorization: req.headers.authorization, connectionParams: info.connectionParams });
      return { authorization: req.headers.authorization, ticket: info.connectionParams?.ticket };
    },
  });
  let url = '';

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  // The router above is a stand-in with the same paths as AppRouter; the client is typed on AppRouter.
  const client = () => createBatonClient({ url, credential: CREDENTIAL });

  it('sends the credential as a Bearer header on queries, never in the URL', async () => {
    seen.length = 0;
    expect(await client().events.latestId.query()).toBe('41');
    expect(seen).toHaveLength(1);
    expect(seen[0]?.authorization).toBe(`Bearer ${CREDENTIAL}`);
    expect(seen[0]?.url).not.toContain(CREDENTIAL.slice(3));
  });

  it('streams tracked events over SSE opened with a stream ticket (the credential in no URL), resuming from lastEventId', async () => {
    seen.length = 0;
    const received: { id: string; type: string }[] = [];
    let started = false;
    const subscription = client().events.onChange.subscribe(
      { lastEventId: '41' },
      {
        onStarted: () => (started = true),
        onData: ({ id, data }) => received.push({ id, type: data.type }),
      },
    );
    await expect.poll(() => received.length, { timeout: 5_000 }).toBe(2);
    subscription.unsubscribe();
    expect(started).toBe(true);
    expect(resumedFrom).toBe('41');
    expect(received).toEqual([
      { id: '42', type: 'message.received' },
      { id: '43', type: 'message.received' },
    ]);
    const [ticketRequest, streamRequest] = seen;
    expect(ticketRequest).toMatchObject({ authorization: `Bearer ${CREDENTIAL}`, connectionParams: null });
    expect(ticketRequest?.url).toContain('events.streamTicket');
    expect(streamRequest?.url).toContain('events.onChange');
    expect(streamRequest?.authorization).toBeUndefined();
    expect(streamRequest?.connectionParams?.ticket).toMatch(/^st_/);
    expect(seen.every((request) => !request.url.includes(CREDENTIAL.slice(3)))).toBe(true);
  });

  it('asks for a new ticket for every connection (a ticket opens one stream here)', async () => {
    seen.length = 0;
    const baton = client();
    for (let connection = 0; connection < 2; connection += 1) {
      let received = 0;
      const subscription = baton.events.onChange.subscribe({ lastEventId: '41' }, { onData: () => (received += 1) });
      await expect.poll(() => received, { timeout: 5_000 }).toBe(2);
      subscription.unsubscribe();
    }
    const tickets = seen.filter((request) => request.url.includes('events.onChange')).map((request) => request.connectionParams?.ticket);
    expect(tickets).toHaveLength(2);
    expect(new Set(tickets).size).toBe(2);
  });

  it('reports a refused credential on the stream as an error the stream treats as unauthorized', async () => {
    const wrong = createBatonClient({ url, credential: 'bk_wrong' });
    const error = await new Promise<unknown>((resolve) => {
      const subscription = wrong.events.onChange.subscribe(
        { lastEventId: null },
        {
          onError: (cause) => {
            subscription.unsubscribe();
            resolve(cause);
          },
        },
      );
    });
    expect(isCredentialRejected(error, { forbiddenToo: true })).toBe(true);
  });

  it('maps server errors to ActionResult failures with their code, message and field errors', async () => {
    const conflict = await client().conversations.takeOver.mutate({ id: 'c-1', source: 'manual', expectedHolderId: null }).catch((error: unknown) => error);
    expect(toActionFailure(conflict)).toEqual({ ok: false, code: 'CONFLICT', message: 'Dana Smith took this conversation over meanwhile', field: null, fieldErrors: null });
    const badRequest = await client().conversations.release.mutate({ id: 'nope' }).catch((error: unknown) => error);
    expect(toActionFailure(badRequest)).toEqual({
      ok: false,
      code: 'BAD_REQUEST',
      message: 'must be a conversation id (UUID)',
      field: 'id',
      fieldErrors: { id: 'must be a conversation id (UUID)' },
    });
  });

  it('maps an unreachable backend to OFFLINE', async () => {
    const offline = createBatonClient({ url: 'http://127.0.0.1:9', credential: CREDENTIAL });
    const error = await offline.events.latestId.query().catch((cause: unknown) => cause);
    expect(toActionFailure(error)).toMatchObject({ ok: false, code: 'OFFLINE', message: 'Baton is offline — try again when it reconnects' });
  });

  it('gives up on a request that hangs, as OFFLINE', async () => {
    const hanging: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
    const slow = createBatonClient({ url, credential: CREDENTIAL }, { fetch: hanging, requestTimeoutMs: 50 });
    const error = await slow.events.latestId.query().catch((cause: unknown) => cause);
    expect(toActionFailure(error)).toMatchObject({ code: 'OFFLINE' });
  });
});
