// The only reader of process.env: parses and validates Baton's configuration once, at boot.
import path from 'node:path';
import { z } from 'zod';
import { parseWebhookSecret } from './connectors/standard-webhooks.js';
import { DEFAULT_WEBHOOK_MAX_IN_FLIGHT } from './http/webhook-admission.js';
import { DEFAULT_RATE_LIMITS, type RateLimitPolicies } from './platform/rate-limit/rate-limits.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const BATON_ENVIRONMENTS = ['production', 'staging', 'development'] as const;
export type BatonEnvironment = (typeof BATON_ENVIRONMENTS)[number];

/** Empty strings count as "not set", so `FOO=` in a shell behaves like an absent variable. */
const optionalText = z.preprocess((value) => (value === '' ? undefined : value), z.string().optional());

const urlWithScheme = (schemes: string[], example: string) =>
  optionalText.superRefine((value, issue) => {
    if (value === undefined) return;
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      issue.addIssue({ code: 'custom', message: `is not a URL (expected something like ${example})` });
      return;
    }
    if (!schemes.includes(parsed.protocol)) {
      issue.addIssue({
        code: 'custom',
        message: `must start with ${schemes.map((s) => `${s}//`).join(' or ')} (got ${parsed.protocol}//…; e.g. ${example})`,
      });
    } else if (!parsed.hostname) {
      issue.addIssue({ code: 'custom', message: `has no host (expected something like ${example})` });
    }
  });

const integerText = (min: number, max: number) =>
  z.preprocess(
    (value) => (value === '' || value === undefined ? undefined : Number(value)),
    z
      .number({ error: `must be a whole number between ${min} and ${max}` })
      .int({ error: `must be a whole number between ${min} and ${max}` })
      .min(min, { error: `must be a whole number between ${min} and ${max}` })
      .max(max, { error: `must be a whole number between ${min} and ${max}` })
      .optional(),
  );

/** BATON_CLOCK_OFFSET_MS is at most an hour either way. */
const MAX_CLOCK_OFFSET_MS = 3600_000;

const ZEnvironment = z.object({
  DATABASE_URL: urlWithScheme(['mysql:', 'mariadb:'], 'mysql://root@127.0.0.1:3306/baton'),
  REDIS_URL: urlWithScheme(['redis:', 'rediss:'], 'redis://127.0.0.1:6379'),
  PORT: integerText(0, 65535),
  HOST: optionalText,
  BATON_ENV: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.enum(BATON_ENVIRONMENTS, { error: `must be one of ${BATON_ENVIRONMENTS.join(', ')}` }).optional(),
  ),
  COOLDOWN_SECONDS: integerText(0, 31 * 24 * 3600),
  JWT_ISSUER: optionalText,
  JWT_AUDIENCE: optionalText,
  JWT_JWKS_URL: urlWithScheme(['http:', 'https:'], 'https://cognito-idp.<region>.amazonaws.com/<pool>/.well-known/jwks.json'),
  JWT_GROUPS_CLAIM: optionalText,
  LOG_LEVEL: z.preprocess(
    (value) => (value === '' || value === undefined ? undefined : String(value).toLowerCase()),
    z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).optional(),
  ),
  BATON_DATA_DIR: optionalText,
  BATON_PUBLIC_URL: urlWithScheme(['http:', 'https:'], 'http://127.0.0.1:8787'),
  BATON_CLOCK_OFFSET_MS: integerText(-MAX_CLOCK_OFFSET_MS, MAX_CLOCK_OFFSET_MS),
  BATON_OUTBOUND_WEBHOOK_URL: urlWithScheme(['http:', 'https:'], 'https://helpdesk.example/baton/outbound'),
  BATON_OUTBOUND_WEBHOOK_SECRET: optionalText,
  BATON_OUTBOUND_WEBHOOK_TIMEOUT_MS: integerText(100, 60_000),
  BATON_WEBHOOK_MAX_IN_FLIGHT: integerText(1, 100_000),
  BATON_MUTATIONS_PER_SECOND: integerText(1, 1_000_000),
  BATON_MUTATION_BURST: integerText(1, 10_000_000),
  BATON_WEBHOOKS_PER_SECOND: integerText(1, 1_000_000),
  BATON_WEBHOOK_BURST: integerText(1, 10_000_000),
});

/** Validated configuration with defaults applied. */
export interface Env {
  /** mysql:// or mariadb:// URL; null means the embedded SQLite database under dataDir. */
  databaseUrl: string | null;
  /** redis:// URL; null means the in-process event bus (one process only). */
  redisUrl: string | null;
  port: number;
  host: string;
  /** BATON_ENV, `development` when unset (for defaults such as the cooldown and the demo inbox). */
  batonEnv: BatonEnvironment;
  /**
   * Development tokens are accepted (issue 14 item 4): only when BATON_ENV=development is set
   * explicitly. An unset BATON_ENV picks development defaults but never development credentials,
   * so a deployment that forgot to say `production` does not accept them. `npm start` sets it.
   */
  developmentTokens: boolean;
  /** Escalation cooldown after a noisy resolution (SPEC §5.8): production 7,200 s, otherwise 180 s. */
  cooldownSeconds: number;
  /** JWT verification; null jwksUrl means JWTs from an identity provider are not accepted. */
  jwt: { issuer: string | null; audience: string | null; jwksUrl: string | null; groupsClaim: string };
  logLevel: (typeof LOG_LEVELS)[number];
  /** Folder for the embedded SQLite database and the local development-token key. */
  dataDir: string;
  /** URL printed for people and used in links; defaults to http://host:port. */
  publicUrl: string;
  /**
   * Tests only (BATON_ENV=development, set explicitly, like development tokens): milliseconds added to this process's OS clock, to simulate a
   * wrong clock; the database clock must correct it (issue 11, item 4). 0 when unset.
   */
  clockOffsetMs: number;
  /**
   * Outbound messages leave by a signed POST here (connectors/webhook.connector.ts); null: the
   * embedded `outbox` connector (nothing leaves Baton). Issue 12 moves connectors into tenant settings.
   */
  outboundWebhook: { url: string; secret: string; timeoutMs: number | null } | null;
  /** Webhook requests this process works on at once; more are answered 503 with Retry-After (issue 13). */
  webhookMaxInFlight: number;
  /**
   * Abuse limits (issue 14 item 5), token buckets answered 429 with Retry-After: tRPC mutations per
   * credential (BATON_MUTATIONS_PER_SECOND / BATON_MUTATION_BURST, default 20/s, burst 100) and
   * webhook requests per tenant (BATON_WEBHOOKS_PER_SECOND / BATON_WEBHOOK_BURST, default 200/s,
   * burst 1,000). Shared through Redis when REDIS_URL is set.
   */
  rateLimits: RateLimitPolicies;
}

/** A configuration error that names every bad variable; main.ts prints it and exits non-zero. */
export class ConfigurationError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(
      `Invalid configuration:\n${problems.map((problem) => `  ${problem.variable} ${problem.message}`).join('\n')}`,
    );
    this.name = 'ConfigurationError';
  }
}

export const DEFAULT_PORT = 8787;
/** Escalation cooldown by environment (SPEC §5.8); COOLDOWN_SECONDS overrides it. */
export const COOLDOWN_BY_ENVIRONMENT: Readonly<Record<BatonEnvironment, number>> = {
  production: 7200,
  staging: 180,
  development: 180,
};

/**
 * Parses configuration from a variables object (process.env by default).
 * @example loadEnv({ DATABASE_URL: 'mysql://root@127.0.0.1:3306/baton' }).databaseUrl
 * @throws ConfigurationError naming each bad variable.
 */
export function loadEnv(variables: Record<string, string | undefined> = process.env): Env {
  const parsed = ZEnvironment.safeParse(variables);
  if (!parsed.success) {
    throw new ConfigurationError(
      parsed.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? 'configuration'),
        message: issue.message,
      })),
    );
  }
  const value = parsed.data;
  // The rule: unset BATON_ENV means development *defaults* (cooldown, demo inbox, seed), while what
  // weakens security or correctness (development tokens, a shifted clock) needs BATON_ENV=development said explicitly.
  const batonEnv = value.BATON_ENV ?? 'development';
  const explicitlyDevelopment = value.BATON_ENV === 'development';
  if (value.BATON_CLOCK_OFFSET_MS !== undefined && !explicitlyDevelopment) {
    const stated = value.BATON_ENV ?? 'unset';
    throw new ConfigurationError([
      { variable: 'BATON_CLOCK_OFFSET_MS', message: `is a test setting (it shifts this process's clock) and is refused when BATON_ENV is ${stated}; unset it${value.BATON_ENV ? '' : ' or set BATON_ENV=development'}` },
    ]);
  }
  const outboundWebhook = outboundWebhookOf(value);
  const port = value.PORT ?? DEFAULT_PORT;
  const host = value.HOST ?? '127.0.0.1';
  return {
    databaseUrl: value.DATABASE_URL ?? null,
    redisUrl: value.REDIS_URL ?? null,
    port,
    host,
    batonEnv,
    developmentTokens: explicitlyDevelopment,
    cooldownSeconds: value.COOLDOWN_SECONDS ?? COOLDOWN_BY_ENVIRONMENT[batonEnv],
    jwt: {
      issuer: value.JWT_ISSUER ?? null,
      audience: value.JWT_AUDIENCE ?? null,
      jwksUrl: value.JWT_JWKS_URL ?? null,
      groupsClaim: value.JWT_GROUPS_CLAIM ?? 'cognito:groups',
    },
    logLevel: value.LOG_LEVEL ?? 'info',
    dataDir: path.resolve(value.BATON_DATA_DIR ?? 'data'),
    publicUrl: value.BATON_PUBLIC_URL ?? `http://${host}:${port}`,
    clockOffsetMs: value.BATON_CLOCK_OFFSET_MS ?? 0,
    outboundWebhook,
    webhookMaxInFlight: value.BATON_WEBHOOK_MAX_IN_FLIGHT ?? DEFAULT_WEBHOOK_MAX_IN_FLIGHT,
    rateLimits: {
      mutation: { ratePerSecond: value.BATON_MUTATIONS_PER_SECOND ?? DEFAULT_RATE_LIMITS.mutation.ratePerSecond, burst: value.BATON_MUTATION_BURST ?? DEFAULT_RATE_LIMITS.mutation.burst },
      webhook: { ratePerSecond: value.BATON_WEBHOOKS_PER_SECOND ?? DEFAULT_RATE_LIMITS.webhook.ratePerSecond, burst: value.BATON_WEBHOOK_BURST ?? DEFAULT_RATE_LIMITS.webhook.burst },
    },
  };
}

/** The outbound webhook: URL and secret together or neither; the secret must be a Standard Webhooks `whsec_` key. */
function outboundWebhookOf(value: z.infer<typeof ZEnvironment>): Env['outboundWebhook'] {
  const url = value.BATON_OUTBOUND_WEBHOOK_URL;
  const secret = value.BATON_OUTBOUND_WEBHOOK_SECRET;
  if (url === undefined && secret === undefined) return null;
  const problem = (variable: string, message: string) => new ConfigurationError([{ variable, message }]);
  if (url === undefined) throw problem('BATON_OUTBOUND_WEBHOOK_URL', 'is required when BATON_OUTBOUND_WEBHOOK_SECRET is set (where outbound messages are POSTed)');
  if (secret === undefined) throw problem('BATON_OUTBOUND_WEBHOOK_SECRET', 'is required when BATON_OUTBOUND_WEBHOOK_URL is set (a whsec_… key the receiver checks signatures with)');
  try {
    parseWebhookSecret(secret);
  } catch (error) {
    throw problem('BATON_OUTBOUND_WEBHOOK_SECRET', (error as Error).message);
  }
  return { url, secret, timeoutMs: value.BATON_OUTBOUND_WEBHOOK_TIMEOUT_MS ?? null };
}
