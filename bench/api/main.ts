// `npm run bench:api -- --seconds 20 [--rate R | --find-max | --clients N] [--floor | --no-floor]`:
// the agents' takeover → get → release mix over HTTP against real backend processes on MariaDB +
// Redis. Open loop (Poisson arrivals, latency from each request's intended start) at --rate R
// (default 500) or --find-max; --clients N keeps the old closed loops. The last stdout line is
// {"rate","p50Ms","p99Ms","errors","cpuMsPerRequest","floorRps","maxRateAtP99Under50Ms",...} (see bench/README.md).
import { createHttpClient } from '../support/http-client';
import { cleanUp, cleanUpOnSignals, onCleanup } from '../support/cleanup';
import { runClosedLoops } from './closed-loop';
import { measureFloor, type Floor } from './floor';
import { log } from './log';
import { runAtRate, runFindMax } from './open-loop-modes';
import { parseOptions, type BenchOptions } from './options';
import { idleCpuMsPerSecond } from './server-meter';
import { prepareBackends, prepareNoOpServer } from './target';
import type { HttpClient } from './trpc-call';

/** Seconds of no load, after drafting settled, to measure the backends' idle CPU. */
const IDLE_SECONDS = 2;

async function run(options: BenchOptions, client: HttpClient): Promise<Record<string, unknown>> {
  const floor: Floor = options.measureFloor ? await measureFloor(client, options.conversations) : { floorRps: null, floorCapped: false };
  if (options.measureFloor) log(`floor: ${floor.floorRps}/s${floor.floorCapped ? ' (every step held: at least this)' : ''}`);
  const target = options.floorOnly ? await prepareNoOpServer(client, options) : await prepareBackends(client, options);
  const idle = options.floorOnly ? null : await idleCpuMsPerSecond(target.meters, IDLE_SECONDS);
  if (idle !== null) log(`idle: the backends use ${idle} ms CPU per second`);
  const setting = { server: options.floorOnly ? 'no-op' : 'backend', seconds: options.seconds, backends: options.floorOnly ? 0 : options.backends, conversations: options.conversations, agents: options.agents, idleCpuMsPerSecond: idle };
  if (options.mode.kind === 'closed-loop') {
    log(`closed loop: ${options.mode.clients} clients for ${options.seconds} s`);
    return { ...(await runClosedLoops(target, options.mode.clients, options.seconds)), ...setting };
  }
  const outcome = options.mode.kind === 'rate' ? await runAtRate(target, options.mode.rate, options.seconds) : await runFindMax(target, options.seconds);
  const { rate, p50Ms, p99Ms, errors, cpuMsPerRequest, ...extras } = outcome.figures;
  return {
    rate,
    p50Ms,
    p99Ms,
    errors,
    cpuMsPerRequest,
    floorRps: floor.floorRps,
    maxRateAtP99Under50Ms: outcome.maxRateAtP99Under50Ms,
    ...extras,
    ...(options.measureFloor ? { floorCapped: floor.floorCapped } : {}),
    mode: options.mode.kind,
    ...setting,
    ...(outcome.steps ? { findMaxCapped: outcome.findMaxCapped, steps: outcome.steps } : {}),
    ...(process.env.BENCH_CPU_PROF ? { measuredWindowUs: outcome.measuredWindowUs } : {}),
  };
}

async function main(): Promise<void> {
  const options = parseOptions();
  const client = createHttpClient();
  onCleanup('close the HTTP client', async () => client.close());
  cleanUpOnSignals();
  let result: Record<string, unknown>;
  try {
    result = await run(options, client);
  } finally {
    await cleanUp();
  }
  console.log(JSON.stringify(result));
}

void main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
