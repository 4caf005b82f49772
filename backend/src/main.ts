// Composition root: env → logger → server (database, bus, services, HTTP) → signals.
import path from 'node:path';
import { ConfigurationError, loadEnv, type Env } from './env.js';
import { createLogger } from './logger.js';
import { seedDemoTenantOnFirstStart, type DemoSeed } from './seed.js';
import { DEFAULT_DEMO_TENANT, demoInboxEnabled } from './http/demo/demo-inbox-routes.js';
import { startServer } from './server.js';

const EXTENSION_DIR = path.resolve('dist/extension/chrome-mv3');

/** The two API keys' lines, values aligned (their labels are longer than the others'). */
const keyLine = (label: string, value: string) => `  ${label.padEnd(60)}${value}`;

function printWelcome(env: Env, url: string, seed: DemoSeed | null): void {
  const lines = [
    '',
    `Baton is running at ${url}  (health: ${url}/healthz, metrics: ${url}/metrics, API: ${url}/trpc)`,
    `Database: ${env.databaseUrl ? 'MySQL/MariaDB' : `SQLite in ${env.dataDir}`}; event bus: ${env.redisUrl ? 'Redis' : 'in-process'}.`,
    `Extension: open chrome://extensions, turn on Developer mode, "Load unpacked" and pick ${EXTENSION_DIR}`,
    `           then open its options and enter the backend URL ${url} and the extension API key (printed on the first start).`,
  ];
  if (demoInboxEnabled(env.batonEnv)) {
    lines.push(`Demo inbox: ${url}/demo/${DEFAULT_DEMO_TENANT}  (a sample helpdesk to try the extension on)`);
  }
  if (seed) {
    lines.push(
      '',
      'First start: created the demo tenant. These secrets are shown once; copy them now:',
      `  tenant:              ${seed.tenantSlug}`,
      `  admin agent:         ${seed.adminEmail} (${seed.adminName})`,
      keyLine(`extension API key (acts as ${seed.adminName}):`, `${seed.extensionApiKey}   <- paste this one into the extension`),
      keyLine('integration API key (no agent; for webhooks/integrations):', seed.apiKey),
      `  webhook secret:      ${seed.webhookSecret}`,
      ...(env.developmentTokens
        ? [`  admin dev token:     ${seed.devToken}`, '  (more dev tokens: npm run dev-token -- --email admin@demo.test)']
        : ['  development tokens:  refused (they need BATON_ENV=development set explicitly; `npm start` sets it)']),
    );
  }
  process.stdout.write(lines.join('\n') + '\n\n');
}

async function main(): Promise<void> {
  let env: Env;
  try {
    env = loadEnv();
  } catch (error) {
    if (error instanceof ConfigurationError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const log = createLogger(env.logLevel);
  let server;
  try {
    server = await startServer(env, log);
  } catch (error) {
    log.fatal({ err: error }, (error as Error).message);
    log.flush();
    process.stderr.write(`Baton could not start: ${(error as Error).message}\n`);
    process.exit(1);
  }
  const seed = env.batonEnv === 'production' ? null : await seedDemoTenantOnFirstStart(server.services);
  printWelcome(env, server.url, seed);
  // The last start-up line: tests and supervisors wait for it.
  log.info({ url: server.url, port: server.port, batonEnv: env.batonEnv }, 'listening');

  const shutdown = (signal: string) => {
    log.info({ signal }, 'shutting down: draining requests and streams');
    const forced = setTimeout(() => {
      log.error('shutdown took longer than 15 s; exiting');
      process.exit(1);
    }, 15_000);
    forced.unref();
    server
      .close()
      .then(() => {
        log.info('shut down cleanly');
        log.flush();
        process.exit(0);
      })
      .catch((error: unknown) => {
        log.error({ err: error }, 'error during shutdown');
        process.exit(1);
      });
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled promise rejection (kept running)'));
}

void main();
