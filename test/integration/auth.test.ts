// Authentication through the HTTP API on MariaDB: API keys, identity-provider JWTs (local JWKS), dev tokens.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueDevToken } from '../../backend/src/auth/dev-token.js';
import type { CreatedTenant } from '../../backend/src/features/admin/tenants.service.js';
import { startTestBackend, type TestBackend } from '../support/in-process-server.js';
import { startLocalIdentityProvider, type LocalIdentityProvider } from '../support/jwks-server.js';
import { createTestClient, expectTrpcError } from '../support/trpc-client.js';

let idp: LocalIdentityProvider;
let backend: TestBackend;
let tenant: CreatedTenant;

beforeAll(async () => {
  idp = await startLocalIdentityProvider();
  backend = await startTestBackend('auth', {
    dialect: 'mysql',
    env: { JWT_JWKS_URL: idp.jwksUrl, JWT_ISSUER: idp.issuer, JWT_AUDIENCE: idp.audience },
  });
  tenant = await backend.createTenant('acme');
});

afterAll(async () => {
  await backend?.stop();
  await idp?.close();
});

const client = (credential: string | null) => createTestClient(backend.server.url, credential);

describe('API keys', () => {
  it('authenticate as the tenant with the key role', async () => {
    const me = await client(tenant.apiKey).auth.me.query();
    expect(me).toMatchObject({ tenant: { id: tenant.tenant.id, slug: 'acme' }, role: 'admin', via: 'api_key', agentId: null });
    expect(Date.parse(me.serverNow)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('an agent key acts as its agent, with no more than the agent role allows', async () => {
    const admin = client(tenant.apiKey);
    const agent = await admin.agents.create.mutate({ email: 'sam@acme.test', name: 'Sam', role: 'agent' });
    const { key } = await admin.apiKeys.create.mutate({ name: "Sam's extension", role: 'agent', agentId: agent.id });
    expect(await client(key).auth.me.query()).toMatchObject({ agentId: agent.id, role: 'agent', displayName: 'Sam' });
    const refused = await expectTrpcError(admin.apiKeys.create.mutate({ name: 'too strong', role: 'admin', agentId: agent.id }));
    expect(refused).toMatchObject({ code: 'BAD_REQUEST', field: 'role' });
    expect((await expectTrpcError(client(key).agents.list.query())).code).toBe('FORBIDDEN');
  });

  it('shows a key once, lists only its prefix, and a revoked key stops working at once', async () => {
    const admin = client(tenant.apiKey);
    const created = await admin.apiKeys.create.mutate({ name: 'integration', role: 'admin' });
    expect(created.key).toMatch(/^bk_[A-Za-z0-9_-]{32}$/);
    expect(created.key.startsWith(created.apiKey.prefix)).toBe(true);
    const listed = await admin.apiKeys.list.query();
    expect(JSON.stringify(listed)).not.toContain(created.key);
    expect(listed.find((key) => key.id === created.apiKey.id)).toMatchObject({ prefix: created.apiKey.prefix, revokedAt: null });

    expect((await client(created.key).auth.me.query()).role).toBe('admin');
    const revoked = await admin.apiKeys.revoke.mutate({ id: created.apiKey.id });
    expect(revoked.revokedAt).not.toBeNull();
    const again = await admin.apiKeys.revoke.mutate({ id: created.apiKey.id });
    expect(again.revokedAt).toBe(revoked.revokedAt);
    const error = await expectTrpcError(client(created.key).auth.me.query());
    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.message).toMatch(/revoked/);
  });

  it('stops accepting an agent key as soon as its agent is deactivated (no stale cached sign-in)', async () => {
    const admin = client(tenant.apiKey);
    const agent = await admin.agents.create.mutate({ email: 'leaver@acme.test', name: 'Leaver', role: 'agent' });
    const { key } = await admin.apiKeys.create.mutate({ name: 'leaver', role: 'agent', agentId: agent.id });
    expect((await client(key).auth.me.query()).agentId).toBe(agent.id);
    await admin.agents.update.mutate({ id: agent.id, active: false });
    expect((await expectTrpcError(client(key).auth.me.query())).message).toMatch(/deactivated/);
  });

  it('rejects an unknown key, a malformed header and anonymous calls to agent procedures', async () => {
    expect(await expectTrpcError(client('bk_doesnotexist').auth.me.query())).toMatchObject({ code: 'UNAUTHORIZED', message: 'Unknown API key' });
    expect((await expectTrpcError(client('not-a-token').auth.me.query())).message).toMatch(/neither a Baton API key/);
    expect((await expectTrpcError(client(null).auth.me.query())).code).toBe('UNAUTHORIZED');
  });
});

describe('identity-provider JWTs (Cognito-style, verified against the JWKS URL)', () => {
  it('signs in a known agent by email, links the subject, and maps the groups claim to a role', async () => {
    const token = await idp.sign({ sub: 'idp-user-1', email: 'ADMIN@acme.test', 'custom:tenant': 'acme', 'cognito:groups': ['admin'] });
    const me = await client(token).auth.me.query();
    expect(me).toMatchObject({ agentId: tenant.admin.id, role: 'admin', via: 'jwt', groups: ['admin'] });
    const agents = await client(tenant.apiKey).agents.list.query();
    expect(agents.find((agent) => agent.id === tenant.admin.id)?.linkedToIdentityProvider).toBe(true);
  });

  it('provisions a new agent on first sign-in, with the role its groups give', async () => {
    const superuser = await idp.sign({ sub: 'idp-user-2', email: 'root@acme.test', name: 'Root', 'custom:tenant': 'acme', 'cognito:groups': ['superuser'] });
    expect(await client(superuser).auth.me.query()).toMatchObject({ role: 'superuser', displayName: 'Root' });
    const plain = await idp.sign({ sub: 'idp-user-3', email: 'pat@acme.test', 'custom:tenant': 'acme' });
    const me = await client(plain).auth.me.query();
    expect(me).toMatchObject({ role: 'agent', groups: [] });
    // Same subject later: the same agent, even without the email claim.
    const again = await idp.sign({ sub: 'idp-user-3', 'custom:tenant': 'acme' });
    expect((await client(again).auth.me.query()).agentId).toBe(me.agentId);
  });

  it.each([
    ['a token signed by another key', { signWithForeignKey: true }, /signature/],
    ['an expired token', { expiresInSeconds: -120 }, /exp/],
    ['another audience', { audience: 'someone-else' }, /aud/],
    ['another issuer', { issuer: 'https://evil.example' }, /iss/],
  ])('rejects %s', async (_name, options, message) => {
    const token = await idp.sign({ sub: 'idp-user-1', email: 'admin@acme.test', 'custom:tenant': 'acme' }, options);
    const error = await expectTrpcError(client(token).auth.me.query());
    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.message).toMatch(message);
  });

  it('rejects a token that names an unknown tenant or none', async () => {
    const unknown = await idp.sign({ sub: 'x', email: 'x@y.test', 'custom:tenant': 'nope' });
    expect((await expectTrpcError(client(unknown).auth.me.query())).message).toMatch(/Unknown tenant "nope"/);
    const none = await idp.sign({ sub: 'x', email: 'x@y.test' });
    expect((await expectTrpcError(client(none).auth.me.query())).message).toMatch(/custom:tenant/);
  });

  it('refuses a deactivated agent', async () => {
    const admin = client(tenant.apiKey);
    const agent = await admin.agents.create.mutate({ email: 'gone@acme.test', name: 'Gone', role: 'agent' });
    await admin.agents.update.mutate({ id: agent.id, active: false });
    const token = await idp.sign({ sub: 'idp-gone', email: 'gone@acme.test', 'custom:tenant': 'acme' });
    expect((await expectTrpcError(client(token).auth.me.query())).message).toMatch(/deactivated/);
  });
});

describe('local development tokens', () => {
  it('authenticate the agent they were issued for', async () => {
    const token = await issueDevToken(backend.server.db, { tenantId: tenant.tenant.id, agentId: tenant.admin.id }, new Date());
    expect(await client(token).auth.me.query()).toMatchObject({ agentId: tenant.admin.id, via: 'dev_token', role: 'admin' });
  });

  it('reject a tampered or expired token', async () => {
    const token = await issueDevToken(backend.server.db, { tenantId: tenant.tenant.id, agentId: tenant.admin.id }, new Date());
    const [header, payload, signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), sub: 'someone-else' })).toString('base64url');
    expect((await expectTrpcError(client(`${header}.${forged}.${signature}`).auth.me.query())).code).toBe('UNAUTHORIZED');
    const expired = await issueDevToken(backend.server.db, { tenantId: tenant.tenant.id, agentId: tenant.admin.id }, new Date(Date.now() - 3_600_000), 60);
    expect((await expectTrpcError(client(expired).auth.me.query())).message).toMatch(/exp/);
  });

  // Only BATON_ENV=development said explicitly accepts them (issue 14 item 4); this file's backend says it.
  it.each([
    ['production', 'production'],
    ['staging', 'staging'],
    ['unset', ''],
  ])('are refused by a server whose BATON_ENV is %s, also as a stream ticket', async (_label, batonEnv) => {
    const other = await startTestBackend('auth-nodev', { dialect: 'mysql', database: backend.database!, env: { BATON_ENV: batonEnv } });
    try {
      const token = await issueDevToken(backend.server.db, { tenantId: tenant.tenant.id, agentId: tenant.admin.id }, new Date());
      const error = await expectTrpcError(createTestClient(other.server.url, token).auth.me.query());
      expect(error).toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringMatching(/^Development tokens are refused: .*BATON_ENV=development/) });
      // A ticket issued where development tokens are accepted does not open a stream where they are not.
      const { ticket } = await client(token).events.streamTicket.mutate();
      const refused = await new Promise<string>((resolve) => {
        const stream = createTestClient(other.server.url, null, { connectionParams: () => ({ ticket }) }).events.onChange.subscribe({}, { onError: (streamError) => resolve(streamError.message) });
        setTimeout(() => {
          stream.unsubscribe();
          resolve('still open after 5 s');
        }, 5000).unref();
      });
      expect(refused).toMatch(/^Development tokens are refused/);
    } finally {
      await other.stop();
    }
  });
});
