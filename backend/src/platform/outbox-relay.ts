// The outbox relay (issue 11 item 1): every process sweeps the outbox for rows whose committing
// process did not perform them (it died, or an effect failed) and performs them, at least once.
import { Counter } from 'prom-client';
import type { Metrics } from '../http/metrics.js';
import { claimDueOutboxRows, deleteOutboxRows, ZOutboxEffects, type OutboxEffects } from './outbox.js';
import { readEventsAfter, readEventsByIds, withStreamPositions } from './timeline.js';
import type { Infrastructure } from './unit-of-work.js';

export interface OutboxRelayOptions {
  /** Announces a committed job to every process (the job engine's `announceScheduled`). */
  announceJob(job: { jobId: string; name: string; runAt: Date }): unknown;
  metrics?: Metrics;
  intervalMs?: number;
  batchSize?: number;
  /** A claimed row whose effects failed is tried again this much later. */
  retryAfterMs?: number;
}

export function createOutboxRelay(infra: Infrastructure, options: OutboxRelayOptions) {
  const { db, bus, clock, log } = infra;
  const intervalMs = options.intervalMs ?? 1000;
  const batchSize = options.batchSize ?? 100;
  const retryAfterMs = options.retryAfterMs ?? 10_000;
  const registers = options.metrics ? [options.metrics.registry] : [];
  const relayed = new Counter({
    name: 'baton_outbox_relayed_total',
    help: 'Outbox rows performed by the relay because the committing process did not (it died, or an effect failed)',
    registers,
  });
  const failures = new Counter({ name: 'baton_outbox_relay_failures_total', help: 'Outbox rows whose effects failed in the relay (retried later)', registers });

  async function perform(tenantId: string, effects: OutboxEffects): Promise<void> {
    if (effects.events) {
      const { from, to } = effects.events;
      const count = Number(BigInt(to) - BigInt(from)) + 1;
      const events = await readEventsAfter(db.manager, { tenantId, after: String(BigInt(from) - 1n), through: to, limit: count });
      await bus.publish(tenantId, events);
    }
    if (effects.eventIds) {
      const rows = await readEventsByIds(db.manager, { tenantId, fromId: effects.eventIds.from, toId: effects.eventIds.to });
      await bus.publish(tenantId, await withStreamPositions(db, tenantId, rows));
    }
    for (const job of effects.jobs) await options.announceJob({ jobId: job.jobId, name: job.name, runAt: new Date(job.runAt) });
    if (effects.credentialsChanged) infra.caches?.credentialsChanged();
  }

  /** Performs the due rows once; answers how many were performed. */
  async function runOnce(): Promise<number> {
    const rows = await claimDueOutboxRows(db, clock.now(), batchSize, retryAfterMs);
    const done: string[] = [];
    for (const row of rows) {
      try {
        await perform(row.tenantId, ZOutboxEffects.parse(row.effects));
        done.push(row.id);
      } catch (error) {
        failures.inc();
        log.error({ err: error, outboxId: row.id, tenantId: row.tenantId, attempts: row.attempts }, 'outbox row could not be performed; retrying later');
      }
    }
    await deleteOutboxRows(db, done);
    relayed.inc(done.length);
    if (done.length) log.warn({ rows: done.length }, 'outbox relay performed rows their committing process had not');
    return done.length;
  }

  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = true;
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = runOnce()
        .catch((error: unknown) => log.error({ err: error }, 'outbox relay sweep failed; the next one tries again'))
        .finally(schedule);
    }, intervalMs);
    timer.unref();
  };

  return {
    runOnce,
    start(): void {
      if (!stopped) return;
      stopped = false;
      schedule();
    },
    /** Stops sweeping and waits for a sweep in progress. */
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await running;
    },
  };
}

export type OutboxRelay = ReturnType<typeof createOutboxRelay>;
