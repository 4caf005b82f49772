// Retries a statement or transaction that MariaDB/MySQL rolled back to break a deadlock (1213) or
// abandoned after a lock wait timeout (1205), so one unlucky lock order never fails a write (issue 11 item 9).

const DEADLOCK = { code: 'ER_LOCK_DEADLOCK', errno: 1213 };
const LOCK_WAIT_TIMEOUT = { code: 'ER_LOCK_WAIT_TIMEOUT', errno: 1205 };

function lockErrorOf(error: unknown): 'deadlock' | 'timeout' | null {
  const driver = (error as { driverError?: { code?: string; errno?: number } } | null)?.driverError ?? (error as { code?: string; errno?: number } | null);
  if (!driver) return null;
  if (driver.code === DEADLOCK.code || driver.errno === DEADLOCK.errno) return 'deadlock';
  if (driver.code === LOCK_WAIT_TIMEOUT.code || driver.errno === LOCK_WAIT_TIMEOUT.errno) return 'timeout';
  return null;
}

/**
 * Runs `work` again when it failed on a deadlock (up to `deadlockAttempts` runs) or, unless
 * `retryTimeouts` is false, a lock wait timeout (one more run: each already waited the server's
 * innodb_lock_wait_timeout). Only for work that owns its whole transaction (or is one autocommit
 * statement): a deadlock rolls the transaction back, so running it again from the start is safe;
 * inside a caller's transaction it is not.
 */
export async function withLockRetry<T>(work: () => Promise<T>, deadlockAttempts = 5, retryTimeouts = true): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const kind = lockErrorOf(error);
      const attempts = kind === 'deadlock' ? deadlockAttempts : kind === 'timeout' && retryTimeouts ? 2 : 1;
      if (attempt >= attempts) throw error;
      // A short, jittered pause so the transactions that collided do not collide again in step.
      await new Promise((resolve) => setTimeout(resolve, 5 * attempt + Math.random() * 10 * attempt));
    }
  }
}
