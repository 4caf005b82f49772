// Event-stream credentials (issue 14 item 4) on two backends sharing MariaDB and Redis: streams open
// with short-lived tickets, never with a long-lived credential in the URL, and a revoked key or a
// deactivated agent ends its open streams on every backend at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRPCClientError } from '@trpc/client';
import { issueDevToken } from '../../backend/src/auth/dev-token.js';
import type { CreatedTenant } from '../../backend/src/features/admin/tenants.service.js';
import { startTestBackend, type TestBackend } from '../support/in-process-server.js';
import { createTestClient, expectTrpcError, type TestClient } from '../support/trpc-client.js';

let backendA: TestBackend;
let backendB: TestBackend;
let acme: CreatedTenant;

beforeAll(async () => {
  backendA = await startTestBackend('streamcred', { dialect: 'mysql', redis: true });
  backendB = await startTestBackend('streamcred_b', { dialect: 'mysql', redis: true, database: backendA.database! });
  acme = await backendA.createTenant('acme');
}, 60_000);

afterAll(async () => {
  await backendB?.stop();
  await backendA?.stop();
});

/** A client whose subscriptions open with a fresh stream ticket from `ticketsFrom` (every connection asks anew). */
function ticketClient(streamUrl: string, credential: string, ticketsFrom: string = streamUrl): TestClient {
  const issuer = createTestClient(ticketsFrom, credential);
  return createTestClient(streamUrl, credential, { connectionParams: async () => ({ ticket: (await issuer.events.streamTicket.mutate()).ticket }) });
}

interface OpenStream {
  teamNames: string[];
  started: Promise<void>;
  /** Settles with how the stream ended: an error (code and message) or `complete`. */
  ended: Promise<{ code: string | null; message: string; at: number }>;
  isOpen(): boolean;
  stop(): void;
}

function openStream(client: TestClient, lastEventId?: string): OpenStream {
  const teamNames: string[] = [];
  let open = true;
  let markStarted = () => undefined as void;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  let markEnded: (value: { code: string | null; message: string; at: number }) => void = () => undefined;
  const ended = new Promise<{ code: string | null; message: string; at: number }>((resolve) => (markEnded = resolve));
  const finish = (code: string | null, message: string) => {
    open = false;
    markEnded({ code, message, at: Date.now() });
  };
  const subscription = client.events.onChange.subscribe(
    { lastEventId },
    {
      onStarted: () => markStarted(),
      onData: ({ data }) => void (data.type === 'team.created' && teamNames.push(String(data.after?.name))),
      onError: (error) => finish(error instanceof TRPCClientError ? ((error.data as { code?: string } | undefined)?.code ?? null) : null, error.message),
      onComplete: () => finish(null, 'complete'),
    },
  );
  return { teamNames, started, ended, isOpen: () => open, stop: () => subscription.unsubscribe() };
}

async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function waitUntil(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('stream tickets', () => {
  it('open the stream on another backend than the one that issued them, and a reconnect resumes from its last event id', async () => {
    const admin = createTestClient(backendA.server.url, acme.apiKey);
    const first = openStream(ticketClient(backendB.server.url, acme.apiKey, backendA.server.url), await admin.events.latestId.query());
    await first.started;
    await admin.teams.create.mutate({ name: 'Ticket 1' });
    await waitUntil(() => first.teamNames.includes('Ticket 1'), 'the first team on the stream');
    const resumeFrom = await admin.events.latestId.query();
    first.stop();
    await admin.teams.create.mutate({ name: 'Ticket 2' });

    const second = openStream(ticketClient(backendB.server.url, acme.apiKey), resumeFrom);
    await second.started;
    await waitUntil(() => second.teamNames.includes('Ticket 2'), 'the missed team replayed');
    second.stop();
    expect(second.teamNames).toEqual(['Ticket 2']);
  });

  it('last 60 seconds and are refused when forged (a longer life, a changed signature), outside a stream or in the Authorization header', async () => {
    const admin = createTestClient(backendA.server.url, acme.apiKey);
    const issued = await admin.events.streamTicket.mutate();
    expect(Date.parse(issued.expiresAt) - Date.now()).toBeGreaterThan(55_000);
    expect(Date.parse(issued.expiresAt) - Date.now()).toBeLessThanOrEqual(60_000);

    const [payload, signature] = issued.ticket.slice(3).split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const tampered = `st_${Buffer.from(JSON.stringify({ ...claims, expiresAtMs: Date.now() + 3_600_000 })).toString('base64url')}.${signature}`;
    const refusedTicket = async (ticket: string) => within(openStream(createTestClient(backendB.server.url, null, { connectionParams: () => ({ ticket }) })).ended, 5000, 'the refusal');
    expect(await refusedTicket(tampered)).toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringMatching(/signature is wrong/) });
    expect(await refusedTicket(`${issued.ticket.slice(0, -2)}xx`)).toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringMatching(/Stream ticket refused/) });

    const asQuery = await fetch(`${backendB.server.url}/trpc/events.latestId?connectionParams=${encodeURIComponent(JSON.stringify({ ticket: issued.ticket }))}`);
    expect(asQuery.status).toBe(401);
    expect(JSON.stringify(await asQuery.json())).toMatch(/only opens the event stream/);
    expect((await expectTrpcError(createTestClient(backendB.server.url, issued.ticket).events.latestId.query())).message).toMatch(/only opens the event stream/);
  });

  it('replace the long-lived credential in the URL, which is refused with a pointer to events.streamTicket', async () => {
    const inUrl: Record<string, string>[] = [{ authorization: `Bearer ${acme.apiKey}` }, { token: acme.apiKey }];
    for (const connectionParams of inUrl) {
      const refused = await within(openStream(createTestClient(backendB.server.url, null, { connectionParams: () => connectionParams })).ended, 5000, 'the refusal');
      expect(refused).toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringMatching(/events\.streamTicket/) });
    }
  });
});

describe('revoking a credential ends its open streams at once, on every backend', () => {
  it('revoking an API key ends its streams on both backends within a second; other streams stay open; its tickets and reconnects are refused', async () => {
    const admin = createTestClient(backendA.server.url, acme.apiKey);
    const { key, apiKey } = await admin.apiKeys.create.mutate({ name: 'Laptop', role: 'agent', agentId: acme.admin.id });
    const staleTicket = (await createTestClient(backendB.server.url, key).events.streamTicket.mutate()).ticket;
    const onA = openStream(ticketClient(backendA.server.url, key));
    const onB = openStream(ticketClient(backendB.server.url, key));
    const overHeader = openStream(createTestClient(backendB.server.url, key));
    const bystander = openStream(ticketClient(backendB.server.url, acme.apiKey), await admin.events.latestId.query());
    await Promise.all([onA.started, onB.started, overHeader.started, bystander.started]);

    await admin.apiKeys.revoke.mutate({ id: apiKey.id });
    const revokedAt = Date.now();
    const endings = await within(Promise.all([onA.ended, onB.ended, overHeader.ended]), 1000, 'the end of the revoked key’s streams');
    for (const ending of endings) expect(ending).toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringMatching(/API key of this event stream was revoked/) });
    console.info(`[stream-credentials] revoked key's 3 streams ended ${Math.max(...endings.map((ending) => ending.at)) - revokedAt} ms after apiKeys.revoke answered`);

    await admin.teams.create.mutate({ name: 'After revocation' });
    await waitUntil(() => bystander.teamNames.includes('After revocation'), 'the bystander stream still delivering');
    expect(bystander.isOpen()).toBe(true);
    bystander.stop();

    const reconnect = await within(openStream(createTestClient(backendB.server.url, null, { connectionParams: () => ({ ticket: staleTicket }) })).ended, 5000, 'the refusal');
    expect(reconnect).toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringMatching(/was revoked/) });
    expect((await expectTrpcError(createTestClient(backendB.server.url, key).events.streamTicket.mutate())).code).toBe('UNAUTHORIZED');
  });

  it('deactivating an agent ends the streams of its keys and tokens within a second; changing its role ends them for a reconnect', async () => {
    const admin = createTestClient(backendA.server.url, acme.apiKey);
    const mia = await admin.agents.create.mutate({ email: 'mia@acme.test', name: 'Mia', role: 'agent' });
    const otto = await admin.agents.create.mutate({ email: 'otto@acme.test', name: 'Otto', role: 'agent' });
    const miaKey = (await admin.apiKeys.create.mutate({ name: 'Mia laptop', role: 'agent', agentId: mia.id })).key;
    const miaToken = await issueDevToken(backendA.server.db, { tenantId: acme.tenant.id, agentId: mia.id }, new Date());
    const ottoToken = await issueDevToken(backendA.server.db, { tenantId: acme.tenant.id, agentId: otto.id }, new Date());

    const ottoStream = openStream(ticketClient(backendB.server.url, ottoToken));
    const byRole = openStream(ticketClient(backendB.server.url, miaToken));
    await Promise.all([ottoStream.started, byRole.started]);
    await admin.agents.update.mutate({ id: mia.id, role: 'admin' });
    expect(await within(byRole.ended, 1000, 'the end of the stream after a role change')).toMatchObject({ code: null, message: 'complete' });

    const miaStreams = [openStream(ticketClient(backendA.server.url, miaKey)), openStream(ticketClient(backendB.server.url, miaToken)), openStream(createTestClient(backendB.server.url, miaToken))];
    await Promise.all(miaStreams.map((stream) => stream.started));
    await admin.agents.update.mutate({ id: mia.id, active: false });
    const endings = await within(Promise.all(miaStreams.map((stream) => stream.ended)), 1000, 'the end of the deactivated agent’s streams');
    for (const ending of endings) expect(ending).toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringMatching(/agent of this event stream was deactivated/) });
    expect(ottoStream.isOpen()).toBe(true);
    ottoStream.stop();
    expect((await expectTrpcError(createTestClient(backendB.server.url, miaToken).events.streamTicket.mutate())).message).toMatch(/deactivated/);
  });
});

describe('the embedded default (SQLite, in-process bus)', () => {
  it('opens streams with tickets and ends them when the key is revoked', async () => {
    const embedded = await startTestBackend('streamcred_sqlite', { dialect: 'sqlite' });
    try {
      const tenant = await embedded.createTenant('solo');
      const admin = createTestClient(embedded.server.url, tenant.apiKey);
      const { key, apiKey } = await admin.apiKeys.create.mutate({ name: 'Laptop', role: 'agent', agentId: tenant.admin.id });
      const stream = openStream(ticketClient(embedded.server.url, key));
      await stream.started;
      await admin.apiKeys.revoke.mutate({ id: apiKey.id });
      expect(await within(stream.ended, 1000, 'the end of the stream')).toMatchObject({ code: 'UNAUTHORIZED' });
    } finally {
      await embedded.stop();
    }
  });
});
