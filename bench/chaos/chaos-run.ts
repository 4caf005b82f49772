// One chaos run (issue 14 item 1): private MariaDB and Redis, two backend processes, a steady stream of
// customer messages, takeovers and cadence sends, four faults in turn (a backend SIGKILLed, Redis
// restarted, MariaDB restarted, the outbound connector failing), /healthz watched through each, then a
// drain and the figures from the database. Everything it starts is stopped and removed at the end.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { startDeliveryReceiver } from '../../test/support/delivery-receiver';
import { createPrivateRedis } from '../../test/support/private-redis';
import { batonRequests } from '../cadence/baton-requests';
import { createTrpc } from '../support/admin-trpc';
import { ROOT, startBackendProcess, type BackendProcess } from '../support/backend-process';
import { cleanUp, onCleanup } from '../support/cleanup';
import { createHttpClient } from '../support/http-client';
import { waitUntilDrained } from './drain';
import { planFaults, type FaultKind } from './fault-plan';
import { readChaosFigures } from './figures';
import { prepareFault } from './fault-actions';
import { watchHealthThrough, type FaultHealth } from './health-watch';
import { createPrivateMariadb } from '../../test/support/private-mariadb';
import { startSteadyStream } from './steady-stream';

export interface ChaosOptions {
  seconds: number;
  ratePerSecond: number;
}

/** Reply cadence: short holds, so sends happen all through the run and takeovers can race them. */
const CADENCE = { enabled: true, minDelaySeconds: 2, maxDelaySeconds: 6 };
/** Never open: every takeover is after hours, so it auto-releases after afterHoursReleaseMinutes (1, the minimum). */
const NEVER_OPEN = { timeZone: 'UTC', weekly: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] }, closures: [] };
/** After the stream and the faults: time for retries, timers and sends before the run gives up. */
const DRAIN_LIMIT_MS = 150_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** Runs the whole thing; resolves the JSON the CLI prints (its `ok` says whether every assertion held). */
export async function runChaos(options: ChaosOptions) {
  const http = createHttpClient();
  const backends: BackendProcess[] = [];
  const expectedExits = new Set<number>();
  let unexpectedExits = 0;
  const dataDir = `bench-chaos-${Date.now()}`;
  try {
    console.error(`chaos: ${options.seconds} s at ${options.ratePerSecond} messages/s, 2 backend processes, private MariaDB and Redis`);
    const mariadb = await createPrivateMariadb();
    onCleanup('private MariaDB', () => mariadb.remove());
    await mariadb.start();
    const redis = await createPrivateRedis();
    onCleanup('private Redis', () => redis.stop());
    await redis.start();

    // The outbound connector's receiver: 500 while the connector fault lasts; counts 200s per reply.
    let connectorFailing = false;
    const answeredPerKey = new Map<string, number>();
    const receiver = await startDeliveryReceiver((delivery) => {
      if (connectorFailing) return 'fail';
      answeredPerKey.set(delivery.key, (answeredPerKey.get(delivery.key) ?? 0) + 1);
      return 'answer';
    });
    onCleanup('delivery receiver', () => receiver.close());

    const databaseUrl = `${mariadb.serverUrl}/baton_chaos`;
    const env = { REDIS_URL: redis.url, BATON_ENV: 'development', LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? 'fatal' };
    onCleanup('backend data dir', () => rm(path.join(ROOT, 'tmp', dataDir), { recursive: true, force: true }));
    onCleanup('backend processes', () => Promise.all(backends.map((backend) => (expectedExits.add(backend.pid), backend.stop()))));
    const startBackend = async () => {
      const backend = await startBackendProcess(databaseUrl, dataDir, env);
      backend.child.once('exit', () => {
        if (!expectedExits.has(backend.pid)) {
          unexpectedExits += 1;
          console.error(`  backend ${backend.pid} exited unexpectedly:\n${backend.output().slice(-2000)}`);
        }
      });
      backends.push(backend);
      return backend;
    };
    const live = [await startBackend()];
    const credentials = live[0]!.credentials();
    live.push(await startBackend());
    const urls = () => live.map((backend) => backend.url);

    const db = await new DataSource({ type: 'mysql', url: databaseUrl, timezone: 'Z', poolSize: 4 }).initialize();
    onCleanup('database connection', () => db.destroy());

    const admin = createTrpc(http, live[0]!.url, credentials.token);
    const { version } = await admin.query<{ version: number }>('settings.get');
    await admin.mutate('settings.update', {
      expectedVersion: version, replyCadence: CADENCE, businessHours: NEVER_OPEN, afterHoursReleaseMinutes: 1, slaResponseMinutes: 1,
      connectors: { webhook: { url: receiver.url, secret: receiver.secret, timeoutMs: 2_000 } },
    });

    // batonRequests reads this list at every call: the kill fault replaces the second process's URL in it.
    const liveUrls = urls();
    const requests = batonRequests(liveUrls, credentials);
    onCleanup('agent requests', async () => requests.close());
    const stream = startSteadyStream({ db, http, requests, urls, secret: credentials.webhookSecret, ratePerSecond: options.ratePerSecond });
    const streamStartedAt = Date.now();

    const health: Partial<Record<FaultKind, FaultHealth>> = {};
    const runFaults = async () => {
      for (const fault of planFaults(options.seconds)) {
        await sleep(streamStartedAt + fault.atMs - Date.now());
        console.error(`  fault ${fault.kind} at ${Math.round((Date.now() - streamStartedAt) / 1000)} s for ${fault.holdMs / 1000} s`);
        const { degraded, act } = prepareFault(fault, { live, liveUrls, startBackend, expectedExits, redis, mariadb, setConnectorFailing: (failing) => (connectorFailing = failing) });
        // The killed process stays in `urls()` until its replacement is up, so its silence is polled too.
        health[fault.kind] = await watchHealthThrough(http, urls, degraded, act);
        console.error(`    ${JSON.stringify(health[fault.kind])}`);
      }
    };
    const faults = runFaults();
    faults.catch(() => undefined); // awaited below, after the stream stops
    await sleep(options.seconds * 1000);
    const tally = await stream.stop();
    console.error(`  stream stopped: ${tally.posted} posted, ${tally.acceptedIds.length} accepted, ${tally.takeovers} takeovers, ${tally.releases} releases`);
    await faults;

    const drainStartedAt = Date.now();
    const drained = await waitUntilDrained(db, drainStartedAt + DRAIN_LIMIT_MS);
    // A redelivery is an attempt whose answer Baton never saw (a timeout, or the acknowledgement lost
    // with the database) sent again under the same idempotency key: at-least-once delivery, which the
    // receiver dedupes on webhook-id as Standard Webhooks receivers must, so the customer sees one
    // message. Reported, not a duplicate; a second AI reply to one customer message is (DUPLICATES).
    const redeliveries = [...answeredPerKey.values()].filter((times) => times > 1).length;
    const figures = await readChaosFigures(db, tally.acceptedIds, streamStartedAt);
    const healthDegradedSeen = Object.fromEntries(Object.entries(health).map(([kind, seen]) => [kind, seen!.degradationReported]));
    const healthyAgainAfterMs = Object.fromEntries(Object.entries(health).map(([kind, seen]) => [kind, seen!.healthyAgainAfterMs]));
    const ok =
      figures.lost === 0 && figures.duplicates === 0 && figures.sentAfterTakeover === 0 && drained && unexpectedExits === 0 &&
      Object.values(healthDegradedSeen).every(Boolean) && Object.values(healthyAgainAfterMs).every((ms) => ms !== null) &&
      figures.autoReleases > 0 && figures.slaChecks > 0 && figures.timersOverdue === 0;
    return {
      faults: Object.keys(health).length,
      messages: tally.acceptedIds.length,
      lost: figures.lost,
      duplicates: figures.duplicates,
      sentAfterTakeover: figures.sentAfterTakeover,
      maxTimerLateMs: figures.maxTimerLateMs,
      healthDegradedSeen,
      healthyAgainAfterMs,
      timerLateness: figures.timerLateness,
      faultStartsS: Object.fromEntries(planFaults(options.seconds).map((fault) => [fault.kind, fault.atMs / 1000])),
      lostDetail: figures.lostDetail,
      redeliveries,
      failedReplies: figures.failedReplies,
      autoReleases: figures.autoReleases,
      slaChecks: figures.slaChecks,
      slaBreaches: figures.slaBreaches,
      timersOverdue: figures.timersOverdue,
      takeovers: tally.takeovers,
      releases: tally.releases,
      posted: tally.posted,
      rejected: tally.rejected,
      agentRequestsFailed: tally.agentRequestsFailed,
      deliveries: receiver.requests.length,
      unexpectedExits,
      drainedAfterMs: drained ? Date.now() - drainStartedAt : null,
      seconds: options.seconds,
      ratePerSecond: options.ratePerSecond,
      ok,
    };
  } finally {
    http.close();
    await cleanUp();
  }
}
