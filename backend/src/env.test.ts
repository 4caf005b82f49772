import { describe, expect, it } from 'vitest';
import { ConfigurationError, loadEnv } from './env.js';

function problemsOf(variables: Record<string, string>): { variable: string; message: string }[] {
  try {
    loadEnv(variables);
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems;
    throw error;
  }
  throw new Error('expected a configuration error');
}

describe('loadEnv', () => {
  it('gives the embedded default when nothing is set', () => {
    const env = loadEnv({});
    expect(env).toMatchObject({ databaseUrl: null, redisUrl: null, port: 8787, batonEnv: 'development', cooldownSeconds: 180, logLevel: 'info' });
    expect(env.jwt).toEqual({ issuer: null, audience: null, jwksUrl: null, groupsClaim: 'cognito:groups' });
  });

  it('reads MySQL, Redis and JWT settings', () => {
    const env = loadEnv({
      DATABASE_URL: 'mysql://root@127.0.0.1:3306/baton',
      REDIS_URL: 'redis://127.0.0.1:6379',
      PORT: '9000',
      JWT_ISSUER: 'https://issuer.example',
      JWT_AUDIENCE: 'baton',
      JWT_JWKS_URL: 'http://127.0.0.1:9999/jwks.json',
      JWT_GROUPS_CLAIM: 'groups',
      LOG_LEVEL: 'DEBUG',
    });
    expect(env).toMatchObject({ databaseUrl: 'mysql://root@127.0.0.1:3306/baton', redisUrl: 'redis://127.0.0.1:6379', port: 9000, logLevel: 'debug' });
    expect(env.jwt).toEqual({ issuer: 'https://issuer.example', audience: 'baton', jwksUrl: 'http://127.0.0.1:9999/jwks.json', groupsClaim: 'groups' });
  });

  it.each([
    ['production', 7200],
    ['staging', 180],
    ['development', 180],
  ])('uses the %s cooldown of %i s unless COOLDOWN_SECONDS overrides it', (batonEnv, seconds) => {
    expect(loadEnv({ BATON_ENV: batonEnv }).cooldownSeconds).toBe(seconds);
    expect(loadEnv({ BATON_ENV: batonEnv, COOLDOWN_SECONDS: '42' }).cooldownSeconds).toBe(42);
  });

  it('shifts the clock by BATON_CLOCK_OFFSET_MS only when BATON_ENV=development is set (a test setting), 0 otherwise', () => {
    expect(loadEnv({}).clockOffsetMs).toBe(0);
    expect(loadEnv({ BATON_ENV: 'development', BATON_CLOCK_OFFSET_MS: '-5000' }).clockOffsetMs).toBe(-5000);
    expect(loadEnv({ BATON_ENV: 'development', BATON_CLOCK_OFFSET_MS: '3600000' }).clockOffsetMs).toBe(3600000);
    expect(loadEnv({ BATON_ENV: 'production', BATON_CLOCK_OFFSET_MS: '' }).clockOffsetMs).toBe(0);
  });

  it.each([
    [{}, false],
    [{ BATON_ENV: '' }, false],
    [{ BATON_ENV: 'production' }, false],
    [{ BATON_ENV: 'staging' }, false],
    [{ BATON_ENV: 'development' }, true],
  ])('accepts development tokens only when BATON_ENV=development is set explicitly: %j → %s', (variables, accepted) => {
    expect(loadEnv(variables).developmentTokens).toBe(accepted);
  });

  it('treats empty variables as unset', () => {
    expect(loadEnv({ DATABASE_URL: '', REDIS_URL: '', PORT: '' })).toMatchObject({ databaseUrl: null, redisUrl: null, port: 8787 });
  });

  it.each([
    [{ DATABASE_URL: 'postgres://db/baton' }, 'DATABASE_URL', /mysql:\/\/ or mariadb:\/\//],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL', /is not a URL/],
    [{ REDIS_URL: 'http://127.0.0.1:6379' }, 'REDIS_URL', /redis:\/\//],
    [{ PORT: 'eighty' }, 'PORT', /whole number between 0 and 65535/],
    [{ PORT: '70000' }, 'PORT', /whole number between 0 and 65535/],
    [{ BATON_ENV: 'prod' }, 'BATON_ENV', /production, staging, development/],
    [{ COOLDOWN_SECONDS: '-5' }, 'COOLDOWN_SECONDS', /whole number/],
    [{ COOLDOWN_SECONDS: '1.5' }, 'COOLDOWN_SECONDS', /whole number/],
    [{ JWT_JWKS_URL: 'ftp://keys' }, 'JWT_JWKS_URL', /http:\/\/ or https:\/\//],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', /one of fatal, error/],
    [{ BATON_CLOCK_OFFSET_MS: '3600001' }, 'BATON_CLOCK_OFFSET_MS', /whole number between -3600000 and 3600000/],
    [{ BATON_CLOCK_OFFSET_MS: '+5 s' }, 'BATON_CLOCK_OFFSET_MS', /whole number/],
    [{ BATON_ENV: 'production', BATON_CLOCK_OFFSET_MS: '5000' }, 'BATON_CLOCK_OFFSET_MS', /test setting .* refused when BATON_ENV is production/],
    [{ BATON_ENV: 'staging', BATON_CLOCK_OFFSET_MS: '0' }, 'BATON_CLOCK_OFFSET_MS', /refused when BATON_ENV is staging/],
    [{ BATON_CLOCK_OFFSET_MS: '0' }, 'BATON_CLOCK_OFFSET_MS', /refused when BATON_ENV is unset; unset it or set BATON_ENV=development/],
    [{ BATON_OUTBOUND_WEBHOOK_URL: 'ftp://hook' }, 'BATON_OUTBOUND_WEBHOOK_URL', /http:\/\/ or https:\/\//],
    [{ BATON_OUTBOUND_WEBHOOK_URL: 'https://hook.example/in' }, 'BATON_OUTBOUND_WEBHOOK_SECRET', /required when BATON_OUTBOUND_WEBHOOK_URL is set/],
    [{ BATON_OUTBOUND_WEBHOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }, 'BATON_OUTBOUND_WEBHOOK_URL', /required when BATON_OUTBOUND_WEBHOOK_SECRET is set/],
    [{ BATON_OUTBOUND_WEBHOOK_URL: 'https://hook.example/in', BATON_OUTBOUND_WEBHOOK_SECRET: 'hunter2' }, 'BATON_OUTBOUND_WEBHOOK_SECRET', /must start with whsec_/],
  ])('rejects %j naming %s', (variables, variable, message) => {
    const problems = problemsOf(variables);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.variable).toBe(variable);
    expect(problems[0]!.message).toMatch(message);
  });

  it('reads the outbound webhook connector: URL, whsec_ secret and timeout, or none', () => {
    expect(loadEnv({}).outboundWebhook).toBeNull();
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    expect(loadEnv({ BATON_OUTBOUND_WEBHOOK_URL: 'https://hook.example/in', BATON_OUTBOUND_WEBHOOK_SECRET: secret, BATON_OUTBOUND_WEBHOOK_TIMEOUT_MS: '2500' }).outboundWebhook).toEqual({
      url: 'https://hook.example/in',
      secret,
      timeoutMs: 2500,
    });
  });

  it('bounds the webhook requests in progress per process: 256 by default, BATON_WEBHOOK_MAX_IN_FLIGHT from 1', () => {
    expect(loadEnv({}).webhookMaxInFlight).toBe(256);
    expect(loadEnv({ BATON_WEBHOOK_MAX_IN_FLIGHT: '32' }).webhookMaxInFlight).toBe(32);
    expect(() => loadEnv({ BATON_WEBHOOK_MAX_IN_FLIGHT: '0' })).toThrow(/BATON_WEBHOOK_MAX_IN_FLIGHT/);
  });

  it('reads the abuse limits: 20 mutations/s (burst 100) per credential and 200 webhooks/s (burst 1,000) per tenant by default', () => {
    expect(loadEnv({}).rateLimits).toEqual({ mutation: { ratePerSecond: 20, burst: 100 }, webhook: { ratePerSecond: 200, burst: 1000 } });
    expect(loadEnv({ BATON_MUTATIONS_PER_SECOND: '5', BATON_MUTATION_BURST: '10', BATON_WEBHOOKS_PER_SECOND: '50', BATON_WEBHOOK_BURST: '60' }).rateLimits).toEqual({
      mutation: { ratePerSecond: 5, burst: 10 },
      webhook: { ratePerSecond: 50, burst: 60 },
    });
    expect(() => loadEnv({ BATON_MUTATIONS_PER_SECOND: '0' })).toThrow(/BATON_MUTATIONS_PER_SECOND must be a whole number between 1 and 1000000/);
    expect(() => loadEnv({ BATON_WEBHOOK_BURST: '2.5' })).toThrow(/BATON_WEBHOOK_BURST/);
  });

  it('reports every bad variable at once, each by name', () => {
    const error = (() => {
      try {
        loadEnv({ DATABASE_URL: 'sqlite://x', PORT: 'x', BATON_ENV: 'qa' });
      } catch (caught) {
        return caught as ConfigurationError;
      }
    })();
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error!.problems.map((problem) => problem.variable).sort()).toEqual(['BATON_ENV', 'DATABASE_URL', 'PORT']);
    expect(error!.message).toMatch(/^Invalid configuration:\n {2}/);
  });
});
