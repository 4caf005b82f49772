// Starts one Baton backend process from a validated Env: database → bus → services → HTTP.
import http from 'node:http';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { systemClock, type Clock } from './clock.js';
import { openDatabase } from './db/data-source.js';
import type { Env } from './env.js';
import { createApp } from './http/app.js';
import { createMetrics } from './http/metrics.js';
import type { Logger } from './logger.js';
import { InProcessEventBus, type EventBus } from './realtime/event-bus.js';
import { RedisEventBus, redactUrl } from './realtime/redis-event-bus.js';
import { createJobEngine, type JobEngine } from './jobs/job-engine.js';
import { registerEscalationJobs } from './jobs/definitions/escalation-jobs.js';
import { registerConversationJobs } from './jobs/definitions/conversation-jobs.js';
import { createSweep } from './jobs/sweep.js';
import { pendingRepliesSweepSource, unansweredMessagesSweepSource } from './jobs/definitions/reply-sweep-source.js';
import { createServices, type Services } from './services/index.js';

export interface RunningServer {
  url: string;
  port: number;
  services: Services;
  db: DataSource;
  bus: EventBus;
  jobs: JobEngine;
  /** Stops accepting requests, ends streams after `graceMs`, closes the bus and the pool. */
  close(graceMs?: number): Promise<void>;
}

/** A start-up failure with a message meant for the person running Baton. */
export class StartupError extends Error {
  override name = 'StartupError';
}

export async function startServer(env: Env, log: Logger, clock: Clock = systemClock): Promise<RunningServer> {
  const where = env.databaseUrl ? redactUrl(env.databaseUrl) : path.join(env.dataDir, 'baton.sqlite');
  let db: DataSource;
  try {
    db = await openDatabase({ databaseUrl: env.databaseUrl, sqlitePath: path.join(env.dataDir, 'baton.sqlite') });
  } catch (error) {
    throw new StartupError(`Database at ${where} could not be opened or migrated: ${(error as Error).message}`);
  }
  log.info({ database: where, dialect: db.options.type }, 'database ready, migrations applied');

  let bus: EventBus;
  try {
    bus = env.redisUrl ? await RedisEventBus.connect(env.redisUrl, log.child({ component: 'event-bus' })) : new InProcessEventBus();
  } catch (error) {
    await db.destroy();
    throw new StartupError((error as Error).message);
  }
  log.info({ bus: bus.status() }, env.redisUrl ? 'event bus on Redis' : 'event bus in-process (no REDIS_URL)');

  const metrics = createMetrics();
  const jobs = createJobEngine({ db, redisUrl: env.redisUrl, log: log.child({ component: 'jobs' }), metrics, processName: `${os.hostname()}:${process.pid}` });
  const services = createServices({ db, bus, clock, log }, { batonEnv: env.batonEnv, jwt: env.jwt, cooldownSeconds: env.cooldownSeconds }, jobs);
  registerConversationJobs(jobs, services);
  registerEscalationJobs(jobs, services);
  const sweep = createSweep(jobs, [pendingRepliesSweepSource({ db, bus, clock, log }), unansweredMessagesSweepSource({ db, bus, clock, log })], log.child({ component: 'sweep' }));
  const { app, endStreams } = createApp({ services, log, metrics, jobsHealth: () => jobs.health(), batonEnv: env.batonEnv });
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
    await Promise.allSettled([bus.close(), db.destroy()]);
    throw new StartupError(`Cannot listen on ${env.host}:${env.port}: ${(error as Error).message}`);
  }
  try {
    await jobs.start();
  } catch (error) {
    server.close();
    await Promise.allSettled([bus.close(), db.destroy()]);
    throw new StartupError(`The job engine could not start: ${(error as Error).message}`);
  }
  sweep.start();
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
      await jobs.stop(graceMs);
      await bus.close();
      await db.destroy();
    })());

  return { url, port, services, db, bus, jobs, close };
}
