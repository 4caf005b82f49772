// Turns an Authorization header into a Principal: API keys, identity-provider JWTs (JWKS), dev tokens;
// and issues and checks the short-lived stream tickets the event stream is opened with.
import { createRemoteJWKSet, decodeJwt, jwtVerify, type JWTPayload } from 'jose';
import { randomUUID } from 'node:crypto';
import type { Env } from '../env.js';
import { DomainError } from '../domain/errors.js';
import { AgentEntity, ApiKeyEntity, TenantEntity, type AgentRow, type ApiKeyRow, type TenantRow } from '../db/entities/tenancy.entities.js';
import { withTransaction, type Infrastructure } from '../platform/unit-of-work.js';
import { API_KEY_PREFIX, hashApiKey } from './api-key-codec.js';
import { instanceKey } from './instance-key.js';
import { readStreamTicket, signStreamTicket, STREAM_TICKET_PREFIX, type StreamTicketClaims } from './stream-ticket.js';
import { DEV_TOKEN_ISSUER, verifyDevToken } from './dev-token.js';
import { higherRole, roleFromGroups, type Principal } from './principal.js';

/** How long a resolved credential is reused (saves 2–3 queries per request; bounds revocation lag across processes). */
const PRINCIPAL_CACHE_MS = 2000;
const PRINCIPAL_CACHE_SIZE = 5000;

/** `lastUsedAt` of an API key is refreshed at most this often (not on every request). */
const LAST_USED_REFRESH_MS = 5 * 60_000;

export interface AuthSettings {
  batonEnv: Env['batonEnv'];
  /** Accept development tokens: only when BATON_ENV=development is set explicitly (env.ts). Absent: refused. */
  developmentTokens?: boolean;
  jwt: Env['jwt'];
  /** The claim that names the tenant (its slug) in identity-provider tokens. */
  tenantClaim?: string;
}

const unauthorized = (message: string) => new DomainError('UNAUTHORIZED', message);

const STREAM_TICKET_KEY = 'stream_ticket_signing_key';

export class Authenticator {
  private readonly jwks;
  private readonly tenantClaim: string;
  private readonly recent = new Map<string, { principal: Principal; untilMs: number }>();

  constructor(
    private readonly infra: Infrastructure,
    private readonly settings: AuthSettings,
  ) {
    this.jwks = settings.jwt.jwksUrl ? createRemoteJWKSet(new URL(settings.jwt.jwksUrl), { timeoutDuration: 3000 }) : null;
    this.tenantClaim = settings.tenantClaim ?? 'custom:tenant';
  }

  /**
   * Resolves the caller. No header: null (public procedures only). A header that does not
   * prove an identity: UNAUTHORIZED with the reason, never a silent anonymous fallback.
   */
  async authenticate(authorization: string | undefined | null): Promise<Principal | null> {
    if (!authorization) return null;
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match?.[1]) throw unauthorized('Authorization header must be "Bearer <API key or token>"');
    const credential = match[1];
    if (credential.startsWith(STREAM_TICKET_PREFIX)) throw unauthorized('A stream ticket only opens the event stream (as connectionParams.ticket); send an API key or token here');
    const nowMs = this.infra.clock.now().getTime();
    const cached = this.recent.get(credential);
    if (cached && cached.untilMs > nowMs) return cached.principal;
    const principal = await this.resolve(credential);
    this.remember(credential, principal, nowMs);
    return principal;
  }

  /**
   * A ticket that opens the event stream as `principal` for the next 60 s (stream-ticket.ts), so
   * the long-lived credential never goes in a URL.
   */
  async issueStreamTicket(principal: Principal): Promise<{ ticket: string; expiresAt: Date }> {
    const claims: StreamTicketClaims = { tenantId: principal.tenantId, via: principal.via, apiKeyId: principal.apiKeyId, agentId: principal.agentId, groups: principal.groups };
    return signStreamTicket(await instanceKey(this.infra.db, STREAM_TICKET_KEY), claims, this.infra.clock.now());
  }

  /** Resolves a stream ticket: genuine, unexpired, and its key or agent still active now (never cached). */
  async authenticateStreamTicket(ticket: string): Promise<Principal> {
    let claims: StreamTicketClaims;
    try {
      claims = readStreamTicket(await instanceKey(this.infra.db, STREAM_TICKET_KEY), ticket, this.infra.clock.now());
    } catch (error) {
      throw unauthorized(`Stream ticket refused: ${(error as Error).message}`);
    }
    return this.principalFrom(claims);
  }

  /**
   * The principal as the database says it is now (bypassing the cache): UNAUTHORIZED when its key
   * was revoked or its agent deactivated since it was resolved.
   */
  revalidate(principal: Principal): Promise<Principal> {
    return this.principalFrom({ tenantId: principal.tenantId, via: principal.via, apiKeyId: principal.apiKeyId, agentId: principal.agentId, groups: principal.groups });
  }

  /**
   * Forgets every cached principal (a key revoked or an agent changed in this process, or a process
   * whose open stream saw the revocation on the bus). Other processes notice within PRINCIPAL_CACHE_MS.
   */
  invalidateAll(): void {
    this.recent.clear();
  }

  private remember(credential: string, principal: Principal, nowMs: number): void {
    let untilMs = nowMs + PRINCIPAL_CACHE_MS;
    if (!credential.startsWith(API_KEY_PREFIX)) {
      const expiresAt = decodeJwt(credential).exp;
      if (expiresAt) untilMs = Math.min(untilMs, expiresAt * 1000);
    }
    if (this.recent.size >= PRINCIPAL_CACHE_SIZE) this.recent.delete(this.recent.keys().next().value!);
    this.recent.set(credential, { principal, untilMs });
  }

  private async resolve(credential: string): Promise<Principal> {
    if (credential.startsWith(API_KEY_PREFIX)) return this.fromApiKey(credential);
    let issuer: string | undefined;
    try {
      issuer = decodeJwt(credential).iss;
    } catch {
      throw unauthorized('The credential is neither a Baton API key (bk_…) nor a JWT');
    }
    return issuer === DEV_TOKEN_ISSUER ? this.fromDevToken(credential) : this.fromIdentityProvider(credential);
  }

  /** Re-resolves who a principal (or a ticket's claims) names from the rows as they are now. */
  private async principalFrom(claims: StreamTicketClaims): Promise<Principal> {
    if (claims.via === 'api_key') {
      const row = claims.apiKeyId ? await this.infra.db.getRepository(ApiKeyEntity).findOneBy({ id: claims.apiKeyId, tenantId: claims.tenantId }) : null;
      if (!row) throw unauthorized('The API key behind this credential no longer exists');
      return this.apiKeyPrincipal(row);
    }
    if (claims.via === 'dev_token') this.assertDevelopmentTokens();
    const tenant = await this.tenant(claims.tenantId);
    if (!claims.agentId) throw unauthorized('The credential names no agent');
    const agent = await this.activeAgent(tenant.id, claims.agentId);
    return { ...this.agentPrincipal(tenant, agent, claims.groups), via: claims.via };
  }

  private async fromApiKey(key: string): Promise<Principal> {
    const row = await this.infra.db.getRepository(ApiKeyEntity).findOneBy({ keyHash: hashApiKey(key) });
    if (!row) throw unauthorized('Unknown API key');
    return this.apiKeyPrincipal(row);
  }

  private async apiKeyPrincipal(row: ApiKeyRow): Promise<Principal> {
    const repository = this.infra.db.getRepository(ApiKeyEntity);
    if (row.revokedAt) throw unauthorized(`This API key (${row.prefix}…) was revoked on ${row.revokedAt.toISOString()}`);
    const tenant = await this.tenant(row.tenantId);
    const now = this.infra.clock.now();
    if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > LAST_USED_REFRESH_MS) {
      repository.update({ id: row.id }, { lastUsedAt: now }).catch((error: unknown) => this.infra.log.warn({ err: error }, 'could not record API key use'));
    }
    const base = { tenantId: tenant.id, tenantSlug: tenant.slug, via: 'api_key' as const, apiKeyId: row.id, groups: [], actor: `api_key:${row.id}` };
    if (!row.agentId) return { ...base, agentId: null, role: row.role, displayName: `API key "${row.name}"` };
    const agent = await this.activeAgent(tenant.id, row.agentId);
    // A key never grants more than its agent holds now (an agent demoted since keeps an agent key).
    const role = row.role === 'admin' && agent.role !== 'agent' ? 'admin' : 'agent';
    return { ...base, agentId: agent.id, role, displayName: agent.name };
  }

  /** Development tokens need BATON_ENV=development set explicitly: an unset BATON_ENV is not a development server. */
  private assertDevelopmentTokens(): void {
    if (!this.settings.developmentTokens) {
      throw unauthorized('Development tokens are refused: this server does not run with BATON_ENV=development (set explicitly; `npm start` does). Use an API key or a sign-in token');
    }
  }

  private async fromDevToken(token: string): Promise<Principal> {
    this.assertDevelopmentTokens();
    let claims;
    try {
      claims = await verifyDevToken(this.infra.db, token, this.infra.clock.now());
    } catch (error) {
      throw unauthorized(`Development token rejected: ${(error as Error).message}`);
    }
    const tenant = await this.tenant(claims.tenantId);
    const agent = await this.activeAgent(tenant.id, claims.agentId);
    return { ...this.agentPrincipal(tenant, agent, []), via: 'dev_token' };
  }

  private async fromIdentityProvider(token: string): Promise<Principal> {
    if (!this.jwks) throw unauthorized('This server accepts no identity-provider tokens (JWT_JWKS_URL is not set)');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.jwks, {
        issuer: this.settings.jwt.issuer ?? undefined,
        audience: this.settings.jwt.audience ?? undefined,
        currentDate: this.infra.clock.now(),
      }));
    } catch (error) {
      throw unauthorized(`Sign-in token rejected: ${(error as Error).message}`);
    }
    const tenantSlug = payload[this.tenantClaim];
    if (typeof tenantSlug !== 'string') throw unauthorized(`Sign-in token has no "${this.tenantClaim}" claim naming the tenant`);
    if (typeof payload.sub !== 'string') throw unauthorized('Sign-in token has no subject');
    const tenant = await this.infra.db.getRepository(TenantEntity).findOneBy({ slug: tenantSlug });
    if (!tenant) throw unauthorized(`Unknown tenant "${tenantSlug}" in the sign-in token`);
    const rawGroups = payload[this.settings.jwt.groupsClaim];
    const groups = Array.isArray(rawGroups) ? rawGroups.filter((group): group is string => typeof group === 'string') : [];
    const email = typeof payload.email === 'string' ? payload.email.toLowerCase() : null;
    const agent = await this.agentForSubject(tenant, payload.sub, email, typeof payload.name === 'string' ? payload.name : null, groups);
    return { ...this.agentPrincipal(tenant, agent, groups), via: 'jwt' };
  }

  /** Finds the agent by subject, else by email (binding the subject), else provisions one. */
  private async agentForSubject(tenant: TenantRow, subject: string, email: string | null, name: string | null, groups: string[]): Promise<AgentRow> {
    const repository = this.infra.db.getRepository(AgentEntity);
    const bySubject = await repository.findOneBy({ tenantId: tenant.id, externalSubject: subject });
    if (bySubject) return this.ensureActive(bySubject);
    if (!email) throw unauthorized('Sign-in token has no email claim and its subject is not linked to an agent');
    const byEmail = await repository.findOneBy({ tenantId: tenant.id, email });
    if (byEmail) {
      if (byEmail.externalSubject && byEmail.externalSubject !== subject) throw unauthorized(`The agent ${email} is linked to another identity`);
      await withTransaction(this.infra, tenant.id, async (uow) => {
        await uow.manager.getRepository(AgentEntity).update({ id: byEmail.id, tenantId: tenant.id }, { externalSubject: subject });
        await uow.record({ type: 'agent.updated', actor: 'system', before: { id: byEmail.id, linkedToIdentityProvider: false }, after: { id: byEmail.id, linkedToIdentityProvider: true } });
      });
      return this.ensureActive({ ...byEmail, externalSubject: subject });
    }
    try {
      return await this.provisionAgent(tenant, subject, email, name, groups);
    } catch (error) {
      // Two first requests of the same person at once: the other one created the agent.
      const created = await repository.findOneBy({ tenantId: tenant.id, externalSubject: subject });
      if (created) return this.ensureActive(created);
      throw error;
    }
  }

  /** First sign-in of someone the identity provider vouches for: create their agent. */
  private provisionAgent(tenant: TenantRow, subject: string, email: string, name: string | null, groups: string[]): Promise<AgentRow> {
    return withTransaction(this.infra, tenant.id, async (uow) => {
      const agent: AgentRow = {
        id: randomUUID(),
        tenantId: tenant.id,
        email,
        name: name ?? email,
        role: roleFromGroups(groups),
        externalSubject: subject,
        active: true,
        createdAt: uow.now,
      };
      await uow.manager.getRepository(AgentEntity).insert(agent);
      await uow.record({ type: 'agent.created', actor: 'system', after: { id: agent.id, email, role: agent.role, source: 'identity_provider' } });
      return agent;
    });
  }

  private agentPrincipal(tenant: TenantRow, agent: AgentRow, groups: string[]): Omit<Principal, 'via'> {
    return {
      tenantId: tenant.id,
      tenantSlug: tenant.slug,
      agentId: agent.id,
      apiKeyId: null,
      role: higherRole(agent.role, roleFromGroups(groups)),
      groups,
      displayName: agent.name,
      actor: `agent:${agent.id}`,
    };
  }

  private async tenant(tenantId: string): Promise<TenantRow> {
    const tenant = await this.infra.db.getRepository(TenantEntity).findOneBy({ id: tenantId });
    if (!tenant) throw unauthorized('The credential belongs to a tenant that no longer exists');
    return tenant;
  }

  private async activeAgent(tenantId: string, agentId: string): Promise<AgentRow> {
    const agent = await this.infra.db.getRepository(AgentEntity).findOneBy({ id: agentId, tenantId });
    if (!agent) throw unauthorized('The credential names an agent that does not exist');
    return this.ensureActive(agent);
  }

  private ensureActive(agent: AgentRow): AgentRow {
    if (!agent.active) throw unauthorized(`The agent ${agent.email} is deactivated`);
    return agent;
  }
}
