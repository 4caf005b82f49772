// Local development tokens for the embedded default: HS256 JWTs signed with an installation key
// kept in the database, so every backend process (and the CLI) shares it. Refused in production.
import { randomBytes } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import type { DataSource } from 'typeorm';
import { InstanceSecretEntity } from '../db/entities/tenancy.entities.js';

export const DEV_TOKEN_ISSUER = 'baton-dev';
const KEY_NAME = 'dev_token_signing_key';
const keyCache = new WeakMap<DataSource, Uint8Array>();

/** Loads the signing key, creating it on first use (two processes racing both end with the same key). */
async function signingKey(db: DataSource): Promise<Uint8Array> {
  const cached = keyCache.get(db);
  if (cached) return cached;
  const repository = db.getRepository(InstanceSecretEntity);
  let row = await repository.findOneBy({ name: KEY_NAME });
  if (!row) {
    try {
      await repository.insert({ name: KEY_NAME, value: randomBytes(32).toString('base64url'), createdAt: new Date() });
    } catch {
      // Another process inserted it first: read theirs below.
    }
    row = await repository.findOneByOrFail({ name: KEY_NAME });
  }
  const key = Buffer.from(row.value, 'base64url');
  keyCache.set(db, key);
  return key;
}

export interface DevTokenClaims {
  tenantId: string;
  agentId: string;
}

/** Issues a development token for an agent (the `npm run dev-token` command and the first-start seed). */
export async function issueDevToken(db: DataSource, claims: DevTokenClaims, now: Date, ttlSeconds = 30 * 24 * 3600): Promise<string> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new SignJWT({ tenant: claims.tenantId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(DEV_TOKEN_ISSUER)
    .setSubject(claims.agentId)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ttlSeconds)
    .sign(await signingKey(db));
}

/** Verifies a development token; throws jose's error when the signature or expiry is wrong. */
export async function verifyDevToken(db: DataSource, token: string, now: Date): Promise<DevTokenClaims> {
  const { payload } = await jwtVerify(token, await signingKey(db), {
    issuer: DEV_TOKEN_ISSUER,
    algorithms: ['HS256'],
    currentDate: now,
  });
  if (typeof payload.sub !== 'string' || typeof payload.tenant !== 'string') throw new Error('token lacks sub or tenant');
  return { tenantId: payload.tenant, agentId: payload.sub };
}
