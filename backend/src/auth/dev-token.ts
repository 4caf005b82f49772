// Local development tokens for the embedded default: HS256 JWTs signed with an installation key
// kept in the database, so every backend process (and the CLI) shares it. Accepted only when
// BATON_ENV=development is set explicitly (env.ts: developmentTokens).
import { SignJWT, jwtVerify } from 'jose';
import type { DataSource } from 'typeorm';
import { instanceKey } from './instance-key.js';

export const DEV_TOKEN_ISSUER = 'baton-dev';
const signingKey = (db: DataSource) => instanceKey(db, 'dev_token_signing_key');

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
