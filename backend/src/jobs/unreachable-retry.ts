// Retries work across a lost or refused database connection (issue 14 item 1): a job's lock and state
// are written once MariaDB answers again, not left for the lock lifetime (60 s) to expire.
import { isDatabaseUnreachable } from '../db/errors.js';

/** Pauses between attempts: 100 ms doubling to 1 s, with jitter so processes do not retry in step. */
export function unreachablePauseMs(attempt: number): number {
  const base = Math.min(100 * 2 ** (attempt - 1), 1000);
  return base * (0.75 + Math.random() * 0.5);
}

/**
 * Runs `work`, and again after a pause each time it fails because the database is unreachable, as
 * long as the next attempt starts before `untilMs` (epoch ms) — for a job, while its lock is still
 * ours. Any other failure, or the last unreachable one, is thrown.
 */
export async function retryWhileUnreachable<T>(work: () => Promise<T>, untilMs: number, pauseMs: (attempt: number) => number = unreachablePauseMs): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const pause = pauseMs(attempt);
      if (!isDatabaseUnreachable(error) || Date.now() + pause >= untilMs) throw error;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}
