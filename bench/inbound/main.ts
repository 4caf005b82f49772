// `npm run bench:inbound -- --seconds 30 [--rate R | --find-max]` (issue 13): signed customer messages
// posted open-loop at a Poisson rate through N backend processes on MariaDB + Redis, the whole inbound
// pipeline running (dedupe, rules, supersede, SLA timer, AI draft job, cadence-held reply). Prints
// {"rate","p50Ms","p99Ms","errors","lost","draftedWithin5s","cpuMsPerMessage","maxRateAtP99Under200Ms",…} last.
import { findMaxRate } from '../support/open-loop';
import { createHttpClient } from '../support/http-client';
import { SERVER_URL, startBackendProcess, type BackendProcess } from '../support/backend-process';
import { cleanUp, cleanUpOnSignals, onCleanup } from '../support/cleanup';
import { mariadbPid } from '../support/local-server-pid';
import { benchDatabaseName, connect, dropDatabase } from '../support/bench-database';
import { log } from './log';
import { parseOptions, type InboundOptions } from './options';
import { createPool } from './pool';
import { measureStep, type StepContext, type StepResult } from './step';
import { setUpTenant } from './tenant-setup';
import { createTrpc } from '../support/admin-trpc';

const P99_BOUND_MS = 200;
/** Between --find-max steps, after the accounting's wait: the last drafts and jobs settle. */
const PAUSE_BETWEEN_STEPS_MS = 3000;

async function startBackends(count: number, name: string): Promise<BackendProcess[]> {
  const backends: BackendProcess[] = [];
  // One after the other: the first creates and migrates the database and prints the demo credentials.
  for (let index = 0; index < count; index++) {
    const backend = await startBackendProcess(`${SERVER_URL}/${name}`, 'bench-inbound');
    // A backend that died (crash, OOM kill) has nothing left to stop: its 'exit' has already fired.
    onCleanup(`backend ${backend.pid}`, () => (backend.child.exitCode !== null || backend.child.signalCode !== null ? Promise.resolve() : backend.stop()));
    backends.push(backend);
  }
  return backends;
}

async function prepare(options: InboundOptions): Promise<StepContext> {
  const name = benchDatabaseName('inbound');
  onCleanup(`drop ${name}`, () => (process.env.BENCH_KEEP_DB ? Promise.resolve() : dropDatabase(name)));
  log(`database ${name}; starting ${options.backends} backend processes`);
  const backends = await startBackends(options.backends, name);
  log(`backends: ${backends.map((backend) => `pid ${backend.pid} at ${backend.url}`).join(', ')}`);
  const { token, webhookSecret } = backends[0]!.credentials();
  const db = await connect(name);
  onCleanup('database connection', () => db.destroy());
  const client = createHttpClient();
  onCleanup('http client', async () => client.close());
  const backendUrls = backends.map((backend) => backend.url);

  await setUpTenant(createTrpc(client, backendUrls[0]!, token));
  log(`tenant: reply cadence on (held, never sent during the run), rule "Refunds" escalates; ${options.conversations} pool conversations`);
  const pool = await createPool({ client, backendUrls, secret: webhookSecret, db, size: options.conversations });
  return {
    client, backendUrls, backendPids: backends.map((backend) => backend.pid), backendOutputs: backends.map((backend) => backend.output), databasePid: mariadbPid(), secret: webhookSecret, db, pool,
    shares: { newShare: options.newShare, ruleShare: options.ruleShare, redeliveryShare: options.redeliveryShare },
  };
}

const brief = (result: StepResult) => `${result.rate}/s: p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, errors ${result.errors}, lost ${result.lost}, drafted ≤5 s ${result.draftedWithin5s}, undrafted ${result.undrafted}, cpu ${result.cpuMsPerMessage} ms/msg`;

async function main(): Promise<void> {
  const options = parseOptions();
  cleanUpOnSignals();
  try {
    const context = await prepare(options);
    let step = 0;
    const measure = async (rate: number) => {
      step += 1;
      log(`step ${step}: ${rate} messages/s for ${options.seconds} s`);
      const result = await measureStep(context, rate, options.seconds, step);
      log(brief(result));
      return result;
    };
    if (options.rate !== null) {
      const result = await measure(options.rate);
      console.log(JSON.stringify({ ...result, maxRateAtP99Under200Ms: null }));
      return;
    }
    const search = await findMaxRate(
      async (rate) => {
        if (step > 0) await new Promise((resolve) => setTimeout(resolve, PAUSE_BETWEEN_STEPS_MS));
        return measure(rate);
      },
      { startRate: options.startRate, maxRate: options.maxRate, p99BoundMs: P99_BOUND_MS, onStep: (_rate, result) => process.stderr.write(`${JSON.stringify(result)}\n`) },
    );
    const best = search.steps.find((entry) => entry.rate === search.maxRate) ?? search.steps[0]!;
    const steps = search.steps.map(({ result }) => ({ rate: result.rate, p50Ms: result.p50Ms, p99Ms: result.p99Ms, errors: result.errors, lost: result.lost, draftedWithin5s: result.draftedWithin5s, undrafted: result.undrafted, cpuMsPerMessage: result.cpuMsPerMessage }));
    console.log(JSON.stringify({ ...best.result, maxRateAtP99Under200Ms: search.maxRate, steps }));
  } finally {
    await cleanUp();
  }
}

void main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
