// `npm run bench:cadence -- --replies N`: N conversations, each with one customer message whose AI
// reply the cadence holds, on two backend processes sharing MariaDB + Redis; for a share of them a
// takeover races the send (fired inside the last second before the reply is due). Counts what a
// customer would notice: lateness from the message plus the chosen delay, duplicate AI answers,
// unanswered messages, AI replies claimed after a takeover. Progress on stderr; one JSON line last.
import type { DataSource } from 'typeorm';
import { startBackendProcess, type BackendProcess } from '../support/backend-process';
import { batonRequests, type BatonRequests } from './baton-requests';
import { postCustomerMessages } from './customer-messages';
import { countWhatCustomersNotice } from './customer-counts';
import { benchDatabaseName, connect, databaseUrlOf, dropDatabase } from './database';
import { readLateness } from './lateness';
import { cadenceOptions } from './options';
import { raceTakeovers } from './racing-takeovers';
import { waitUntilSettled } from './settle';

const DATA_DIR = 'bench-cadence';
/** After the last reply can fall due: time for its send (and for a draft backlog) before giving up. */
const SETTLE_GRACE_MS = 60_000;

async function main(): Promise<void> {
  const options = cadenceOptions();
  const name = benchDatabaseName();
  const backends: BackendProcess[] = [];
  let db: DataSource | null = null;
  let requests: BatonRequests | null = null;
  let cleaning: Promise<void> | null = null;
  const cleanup = () =>
    (cleaning ??= (async () => {
      requests?.close();
      await Promise.all(backends.map((backend) => backend.stop()));
      await db?.destroy();
      await dropDatabase(name);
    })());
  process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));

  try {
    backends.push(await startBackendProcess(databaseUrlOf(name), DATA_DIR));
    const credentials = backends[0]!.credentials();
    backends.push(await startBackendProcess(databaseUrlOf(name), DATA_DIR));
    db = await connect(name);
    const live = batonRequests(backends.map((backend) => backend.url), credentials);
    requests = live;

    const { version } = (await live.query('settings.get')) as { version: number };
    const cadence = { enabled: true, minDelaySeconds: options.minDelaySeconds, maxDelaySeconds: options.maxDelaySeconds };
    if ((await live.mutate(0, 'settings.update', { expectedVersion: version, replyCadence: cadence })) === null) throw new Error('settings.update failed');

    console.error(`cadence bench on ${name}: ${options.replies} conversations, delays ${options.minDelaySeconds}-${options.maxDelaySeconds} s, takeover share ${options.takeoverShare}, 2 backend processes`);
    const takeovers = raceTakeovers(db, options.takeoverShare, (id, processIndex) => live.mutate(processIndex, 'conversations.takeOver', { id }));
    const started = Date.now();
    const accepted = await postCustomerMessages(live, options.replies, (id) => takeovers.consider(id));
    console.error(`  ${accepted} of ${options.replies} customer messages accepted in ${Date.now() - started} ms`);

    const settled = await waitUntilSettled(db, accepted, takeovers.busy, Date.now() + options.maxDelaySeconds * 1000 + SETTLE_GRACE_MS);
    const tally = await takeovers.stop();
    const lateness = await readLateness(db);
    const counts = await countWhatCustomersNotice(db);
    console.error(`  statuses ${JSON.stringify(await db.query('SELECT status, COUNT(*) AS n FROM scheduled_replies GROUP BY status'))}`);
    if (tally.fired > 0 && (counts.takeoverBeforeClaim === 0 || counts.takeoverAfterClaim === 0)) {
      console.error('  note: the racing takeovers had only one outcome in this run (before or after the claim)');
    }
    console.log(
      JSON.stringify({
        replies: options.replies,
        sent: lateness.sent,
        takeovers: tally.fired,
        p50Ms: lateness.p50Ms,
        p99Ms: lateness.p99Ms,
        maxMs: lateness.maxMs,
        duplicates: counts.duplicates,
        lost: counts.lost,
        sentAfterTakeover: counts.sentAfterTakeover,
        leavingAtTakeover: counts.leavingAtTakeover,
        takeoverBeforeClaim: counts.takeoverBeforeClaim,
        takeoverAfterClaim: counts.takeoverAfterClaim,
        takeoversOutsideLastSecond: tally.outsideLastSecond,
        takeoversNotFired: tally.notFired,
        errors: live.errors(),
        lateFromDueP50Ms: lateness.lateFromDueP50Ms,
        lateFromDueP99Ms: lateness.lateFromDueP99Ms,
        ...(settled ? {} : { timedOut: true }),
      }),
    );
  } finally {
    await cleanup();
  }
}

void main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
