import { describe, expect, it } from 'vitest';
import { retryWhileUnreachable, unreachablePauseMs } from './unreachable-retry.js';

/** What mysql2 throws when the server is gone (through TypeORM, as `driverError`). */
const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED', fatal: true });
const lost = () => Object.assign(new Error('Query failed'), { driverError: { code: 'PROTOCOL_CONNECTION_LOST', fatal: true } });
const deadlock = () => Object.assign(new Error('Deadlock'), { driverError: { code: 'ER_LOCK_DEADLOCK', errno: 1213 } });

/** Work that fails with each of `failures` in turn, then answers 'done'; counts its calls. */
function failingThen(failures: Error[]) {
  const work = async () => {
    work.calls += 1;
    const failure = failures.shift();
    if (failure) throw failure;
    return 'done';
  };
  work.calls = 0;
  return work;
}

describe('retryWhileUnreachable', () => {
  it('runs the work again until the database answers', async () => {
    const work = failingThen([refused(), lost(), refused()]);
    await expect(retryWhileUnreachable(work, Date.now() + 5000, () => 1)).resolves.toBe('done');
    expect(work.calls).toBe(4);
  });

  it('throws an answer from the server at once (not an outage)', async () => {
    const work = failingThen([deadlock()]);
    await expect(retryWhileUnreachable(work, Date.now() + 5000, () => 1)).rejects.toThrow('Deadlock');
    expect(work.calls).toBe(1);
  });

  it('gives up with the last error when the next attempt would start after the deadline (the lock is no longer ours)', async () => {
    const work = failingThen([refused(), refused(), refused(), refused()]);
    await expect(retryWhileUnreachable(work, Date.now() + 50, () => 30)).rejects.toThrow('ECONNREFUSED');
    expect(work.calls).toBe(2);
  });

  it('does not retry at all without a deadline still ahead', async () => {
    const work = failingThen([refused()]);
    await expect(retryWhileUnreachable(work, 0, () => 1)).rejects.toThrow('ECONNREFUSED');
    expect(work.calls).toBe(1);
  });

  it.each([
    [1, 75, 125],
    [2, 150, 250],
    [4, 600, 1000],
    [9, 750, 1250],
  ])('pauses about 100 ms doubling to 1 s (attempt %i: %i–%i ms)', (attempt, lowest, highest) => {
    const pause = unreachablePauseMs(attempt);
    expect(pause).toBeGreaterThanOrEqual(lowest);
    expect(pause).toBeLessThanOrEqual(highest);
  });
});
