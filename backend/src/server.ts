// Starts one Baton backend process from a validated Env: database → bus → services → HTTP.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { shiftedClock, systemClock, type Clock } from './clock.js';
import { createDatabaseClock, type DatabaseClock } from './db-clock.js';
import { dialectOf, openDatabase } from './db/data-source.js';
import type { Env } from './env.js';
import { createApp } from './http/app.js';
import { createMetrics } from './http/metrics.js';
import { registerClockMetrics } from './http/clock-metrics.js';
import type { Logger } from './logger.js';
import { InProcessEventBus, type EventBus } from './realtime/event-bus.js';
import { RedisEventBus, redactUrl } from './realtime/redis-event-bus.js';
import { createJobEngine, TIMER_LOCK_LIFETIME_MS, type JobEngine } from './jobs/job-engine.js';
import { createSweep } from './jobs/sweep.js';
import { AUTO_RELEASE_JOB, ZAutoReleasePayload } from './features/conversations/conversations.jobs.js';
import { ESCALATION_FLUSH_JOB, SLA_CHECK_JOB, ZEscalationFlushPayload, ZSlaCheckPayload } from './features/escalations/escalations.jobs.js';
import {
  AI_DRAFT_JOB,
  MESSAGE_DELIVER_JOB,
  REPLY_DELIVER_JOB,
  REPLY_SEND_JOB,
  ZAiDraftPayload,
  ZMessageDeliverPayload,
  ZReplyDeliverPayload,
  ZReplySendPayload,
  draftRetryDelayMs,
} from './features/replies/replies.jobs.js';
import { pendingRepliesSweepSource, sendingRepliesSweepSource, unansweredMessagesSweepSource } from './features/replies/reply-sweep-source.js';
import { connectorFromEnv } from './connectors/connector-from-env.js';
import { createConnectorRegistry, type ConnectorFactories, type ConnectorRegistry } from './connectors/connector-registry.js';
import { createRtHumanReplies } from './connectors/rt/rt-human-reply.js';
import { createRtInbound } from './connectors/rt/rt-inbound.js';
import { createRtPoller, type RtPoller } from './connectors/rt/rt-poller.js';
import { createSmtpConnector } from './connectors/smtp.connector.js';
import { createTwilioConnector } from './connectors/twilio.connector.js';
import { createServices, type Services } from './features/index.js';
import { createOutboxRelay } from './platform/outbox-relay.js';
import { ProcessCaches } from './platform/process-caches.js';
import { TenantDocumentCache } from './platform/tenant-document-cache.js';
import { useSettingsCache } from './platform/tenant-settings.js';
import { useRulesCache } from './features/settings/rules.service.js';
import { rateLimitsFor } from './platform/rate-limit/rate-limits.js';
import type { TenantSettings } from '../../shared/settings.js';
import type { StoredRoutingRule } from '../../shared/routing-rules.js';

export interface RunningServer {
  url: string;
  port: number;
  services: Services;
  db: DataSource;
  bus: EventBus;
  jobs: JobEngine;
  /** Baton's time: this process's clock corrected to the database's (issue 11, item 4). */
  clock: DatabaseClock;
  /** Outbound connectors per tenant (issue 12): picks one per message. */
  connectors: ConnectorRegistry;
  /** Request Tracker's inbound half: polls each tenant's RT while this process holds its lease. */
  rtPoller: RtPoller;
  /** Stops accepting requests, ends streams after `graceMs`, closes the bus and the pool. */
  close(graceMs?: number): Promise<void>;
}

/** The Twilio and SMTP connectors (issue 12 item 4), built from a tenant's settings by the registry. */
const connectorFactories: ConnectorFactories = { twilio: createTwilioConnector, smtp: createSmtpConnector };

/** A start-up failure with a message meant for the person running Baton. */
export class StartupError extends Error {
  override name = 'StartupError';
}

/**
 * Binds every job to the service that handles it — the one place jobs and services meet (issue 11
 * item 8); names, payloads and retry policies live in each feature's `*.jobs.ts`.
 */
export function registerJobHandlers(engine: JobEngine, services: Services): void {
  engine.define({ name: AUTO_RELEASE_JOB, schema: ZAutoReleasePayload, lockLifetimeMs: TIMER_LOCK_LIFETIME_MS, handle: async (payload) => { await services.conversations.autoRelease(payload); } });
  engine.define({
    name: AI_DRAFT_JOB,
    schema: ZAiDraftPayload,
    async handle(payload) {
      await services.drafting.draftReply(payload);
    },
    retryDelayMs: draftRetryDelayMs,
    // The customer is waiting: once the AI stays down, agents see it on the banner (issue 11 item 7).
    onRetriesExhausted: (payload, error, attempts) => services.drafting.recordDraftFailure(payload, error, attempts),
  });
  // Keeps the default lock: after its claim it makes the first delivery attempt, which may take a connector's timeout.
  engine.define({ name: REPLY_SEND_JOB, schema: ZReplySendPayload, handle: async (payload) => { await services.replies.sendDue(payload); } });
  // Deliveries after commit (issue 11 item 2): retried with the delivery backoff, then `failed`.
  engine.define({ name: REPLY_DELIVER_JOB, schema: ZReplyDeliverPayload, ...services.replies.deliveryJob });
  engine.define({ name: MESSAGE_DELIVER_JOB, schema: ZMessageDeliverPayload, ...services.messages.deliveryJob });
  engine.define({ name: SLA_CHECK_JOB, schema: ZSlaCheckPayload, lockLifetimeMs: TIMER_LOCK_LIFETIME_MS, handle: async (payload) => { await services.sla.checkResponse(payload); } });
  engine.define({ name: ESCALATION_FLUSH_JOB, schema: ZEscalationFlushPayload, handle: async (payload) => { await services.escalations.flushNotifications(payload); } });
}

/** `baseClock` stands for the OS clock (tests may pass another); Baton's clock is it corrected to the database's time. */
export async function startServer(env: Env, log: Logger, baseClock: Clock = systemClock): Promise<RunningServer> {
  const where = env.databaseUrl ? redactUrl(env.databaseUrl) : path.join(env.dataDir, 'baton.sqlite');
  let db: DataSource;
  try {
    db = await openDatabase({ databaseUrl: env.databaseUrl, sqlitePath: path.join(env.dataDir, 'baton.sqlite') });
  } catch (error) {
    throw new StartupError(`Database at ${where} could not be opened or migrated: ${(error as Error).message}`);
  }
  log.info({ database: where, dialect: db.options.type }, 'database ready, migrations applied');

  // One clock for every process on this database: facts the safety rail compares come from different processes.
  let clock: DatabaseClock;
  try {
    clock = await createDatabaseClock(db, shiftedClock(baseClock, env.clockOffsetMs), log.child({ component: 'clock' }));
  } catch (error) {
    await db.destroy();
    throw new StartupError(`Database at ${where} could not be asked for its time: ${(error as Error).message}`);
  }

  let bus: EventBus;
  try {
    bus = env.redisUrl ? await RedisEventBus.connect(env.redisUrl, log.child({ component: 'event-bus' })) : new InProcessEventBus();
  } catch (error) {
    clock.stop();
    await db.destroy();
    throw new StartupError((error as Error).message);
  }
  log.info({ bus: bus.status() }, env.redisUrl ? 'event bus on Redis' : 'event bus in-process (no REDIS_URL)');

  const metrics = createMetrics();
  registerClockMetrics(metrics.registry, clock);
  const jobs = createJobEngine({ db, redisUrl: env.redisUrl, log: log.child({ component: 'jobs' }), metrics, processName: `${os.hostname()}:${process.pid}` });
  const caches = new ProcessCaches();
  // MariaDB only: the embedded SQLite default is one process reading a local file.
  const documentCaches = dialectOf(db) === 'mysql' ? [new TenantDocumentCache<TenantSettings>(bus, 'settings.changed'), new TenantDocumentCache<StoredRoutingRule[]>(bus, 'rules.changed')] as const : null;
  if (documentCaches) {
    const [settingsCache, rulesCache] = documentCaches;
    useSettingsCache(db, settingsCache);
    useRulesCache(db, rulesCache);
    caches.onEventsCommitted((tenantId, events) => {
      settingsCache.heard(tenantId, events);
      rulesCache.heard(tenantId, events);
    });
  }
  // Per tenant and message: RT, Twilio, SMTP or the tenant's webhook when configured, else the process default.
  const connectors = createConnectorRegistry({ db, log: log.child({ component: 'connectors' }), fallback: connectorFromEnv(env), factories: connectorFactories });
  const rateLimits = rateLimitsFor({ redisUrl: env.redisUrl, policies: env.rateLimits, clock, log: log.child({ component: 'rate-limits' }) });
  const services = createServices({ db, bus, clock, log, caches }, { batonEnv: env.batonEnv, developmentTokens: env.developmentTokens, jwt: env.jwt, cooldownSeconds: env.cooldownSeconds }, jobs, { connector: connectors, rateLimits });
  registerJobHandlers(jobs, services);
  const rtPoller = createRtPoller({
    infra: services.infra,
    inbound: createRtInbound({ infra: services.infra, inbound: services.inbound, humanReplies: createRtHumanReplies(services.infra, services.messages) }),
    // Unique per server, even for two servers in one test process.
    owner: `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    log: log.child({ component: 'rt-connector' }),
  });
  const sweep = createSweep(jobs, [pendingRepliesSweepSource({ db, bus, clock, log }), sendingRepliesSweepSource({ db, bus, clock, log }), unansweredMessagesSweepSource({ db, bus, clock, log })], log.child({ component: 'sweep' }));
  const { app, endStreams } = createApp({ services, log, metrics, jobsHealth: () => jobs.health(), batonEnv: env.batonEnv, webhookMaxInFlight: env.webhookMaxInFlight });
  const server = http.createServer(app.callback());
  // SSE streams are long-lived: no request timeout, but keep idle sockets from piling up.
  server.requestTimeout = 0;
  server.keepAliveTimeout = 65_000;

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(env.port, env.host, () => resolve());
    });
  } catch (error) {
    clock.stop();
    await Promise.allSettled([bus.close(), rateLimits.close(), db.destroy()]);
    throw new StartupError(`Cannot listen on ${env.host}:${env.port}: ${(error as Error).message}`);
  }
  try {
    await jobs.start();
  } catch (error) {
    server.close();
    clock.stop();
    await Promise.allSettled([bus.close(), rateLimits.close(), db.destroy()]);
    throw new StartupError(`The job engine could not start: ${(error as Error).message}`);
  }
  sweep.start();
  rtPoller.start();
  // Performs outbox rows a committing process left behind (it died, or an effect failed).
  const outboxRelay = createOutboxRelay({ db, bus, clock, log: log.child({ component: 'outbox' }), caches }, { announceJob: (job) => jobs.announceScheduled(job), metrics });
  outboxRelay.start();
  const port = (server.address() as AddressInfo).port;
  const url = `http://${env.host}:${port}`;

  let closing: Promise<void> | null = null;
  const close = (graceMs = 5000) =>
    (closing ??= (async () => {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      endStreams();
      const grace = setTimeout(() => server.closeAllConnections(), graceMs);
      await stopped;
      clearTimeout(grace);
      sweep.stop();
      await rtPoller.stop();
      await outboxRelay.stop();
      await jobs.stop(graceMs);
      for (const cache of documentCaches ?? []) cache.close();
      await bus.close();
      await rateLimits.close();
      clock.stop();
      await db.destroy();
    })());

  return { url, port, services, db, bus, jobs, clock, connectors, rtPoller, close };
}
