// `npm run chaos -- [--seconds 120] [--rate 10]`: the fault-injection run (issue 14 item 1). Progress on
// stderr; the last stdout line is one JSON object; exit code 1 when an assertion failed (its `ok`).
import { parseArgs } from 'node:util';
import { cleanUp, cleanUpOnSignals } from '../support/cleanup';
import { runChaos } from './chaos-run';

/** Shorter runs cannot hold the faults apart and let the one-minute timers fire. */
const SHORTEST_RUN_S = 30;

function chaosOptions(args: string[] = process.argv.slice(2)) {
  const { values } = parseArgs({ args, options: { seconds: { type: 'string', default: '120' }, rate: { type: 'string', default: '10' } } });
  const seconds = Number(values.seconds);
  const ratePerSecond = Number(values.rate);
  if (!Number.isInteger(seconds) || seconds < SHORTEST_RUN_S || seconds > 3600) throw new Error(`--seconds must be a whole number from ${SHORTEST_RUN_S} to 3600`);
  if (!Number.isFinite(ratePerSecond) || ratePerSecond <= 0 || ratePerSecond > 200) throw new Error('--rate must be a number of messages per second, above 0 and at most 200');
  return { seconds, ratePerSecond };
}

cleanUpOnSignals();
void runChaos(chaosOptions())
  .then((result) => {
    console.log(JSON.stringify(result));
    process.exit(result.ok ? 0 : 1);
  })
  .catch(async (error: unknown) => {
    console.error(error instanceof Error ? error.stack : error);
    await cleanUp();
    process.exit(1);
  });
