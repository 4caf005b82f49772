// A local identity provider for tests: an RSA key pair, a JWKS endpoint on 127.0.0.1, and a token signer.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type JWTPayload } from 'jose';

export interface LocalIdentityProvider {
  jwksUrl: string;
  issuer: string;
  audience: string;
  sign(claims: JWTPayload, options?: { expiresInSeconds?: number; issuer?: string; audience?: string; signWithForeignKey?: boolean }): Promise<string>;
  close(): Promise<void>;
}

export async function startLocalIdentityProvider(): Promise<LocalIdentityProvider> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const foreign = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const server = http.createServer((req, res) => {
    if (req.url === '/.well-known/jwks.json') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${base}/pool`;
  const audience = 'baton-extension';
  return {
    jwksUrl: `${base}/.well-known/jwks.json`,
    issuer,
    audience,
    async sign(claims, options = {}) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
        .setIssuer(options.issuer ?? issuer)
        .setAudience(options.audience ?? audience)
        .setIssuedAt(now - 60)
        .setExpirationTime(now + (options.expiresInSeconds ?? 600))
        .sign(options.signWithForeignKey ? foreign.privateKey : privateKey);
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
