// The chaos run's drain: after the stream and the faults, waits until everything due has been handled
// — no job overdue, no reply pending or sending, every event numbered — and both kinds of timer have
// fired at least once (an auto-release, an SLA check: a minute after the first takeovers and
// messages), or until the deadline.
import type { DataSource } from 'typeorm';

const POLL_MS = 1_000;
const LOG_EVERY_MS = 5_000;
/** A job due longer ago than this and not run counts as not yet handled. */
const DUE_SLACK_S = 3;

/** Resolves true when drained, false when the deadline passed first (a failed read is tried again). */
export async function waitUntilDrained(db: DataSource, deadline: number): Promise<boolean> {
  let loggedAt = 0;
  for (;;) {
    const row = await db
      .query(
        `SELECT (SELECT COUNT(*) FROM jobs WHERE next_run_at IS NOT NULL AND next_run_at < UTC_TIMESTAMP(3) - INTERVAL ${DUE_SLACK_S} SECOND) AS overdueJobs,
                (SELECT COUNT(*) FROM scheduled_replies WHERE status IN ('pending','sending')) AS inFlight,
                (SELECT COUNT(*) FROM events WHERE \`position\` IS NULL) AS unnumbered,
                (SELECT COUNT(*) FROM events WHERE type = 'takeover.released' AND JSON_VALUE(after, '$.releaseSource') = 'auto') AS autoReleases,
                (SELECT COUNT(*) FROM jobs WHERE name = 'sla.check' AND last_finished_at IS NOT NULL) AS slaChecks`,
      )
      .then((rows: Record<string, string>[]) => rows[0]!, (error: Error) => ({ error: error.message }));
    if ('error' in row) console.error(`  drain: ${row.error}`);
    else if (Number(row.overdueJobs) === 0 && Number(row.inFlight) === 0 && Number(row.unnumbered) === 0 && Number(row.autoReleases) > 0 && Number(row.slaChecks) > 0) return true;
    if (Date.now() > deadline) return false;
    if (Date.now() - loggedAt >= LOG_EVERY_MS) {
      loggedAt = Date.now();
      console.error(`  draining: ${JSON.stringify(row)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
