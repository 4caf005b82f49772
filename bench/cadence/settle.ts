// Waits until the run has settled: every accepted customer message drafted, no reply pending or
// sending, no takeover scheduled or in flight, every committed event numbered (the counts compare
// event positions) — or until the deadline.
import type { DataSource } from 'typeorm';

const POLL_MS = 1000;
const LOG_EVERY_MS = 5000;

/** Resolves true when settled, false when the deadline passed first. */
export async function waitUntilSettled(db: DataSource, customerMessages: number, takeoversBusy: () => number, deadline: number): Promise<boolean> {
  let loggedAt = 0;
  for (;;) {
    const [row] = await db.query(
      `SELECT (SELECT COUNT(*) FROM scheduled_replies WHERE status IN ('pending','sending')) AS waiting,
              (SELECT COUNT(*) FROM scheduled_replies) AS drafted,
              (SELECT COUNT(*) FROM events WHERE \`position\` IS NULL) AS unnumbered`,
    );
    const waiting = Number(row.waiting);
    const drafted = Number(row.drafted);
    const unnumbered = Number(row.unnumbered);
    if (waiting === 0 && drafted >= customerMessages && unnumbered === 0 && takeoversBusy() === 0) return true;
    if (Date.now() > deadline) return false;
    if (Date.now() - loggedAt >= LOG_EVERY_MS) {
      loggedAt = Date.now();
      console.error(`  waiting: ${waiting} pending or sending, ${drafted} drafted, ${takeoversBusy()} takeovers to come, ${unnumbered} events unnumbered`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
