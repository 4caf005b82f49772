// Bursts of refresh requests become one run; requests during a run cause exactly one more.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCoalescedTask } from './coalesced-task';

describe('createCoalescedTask', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const deferredRuns = () => {
    const pending: (() => void)[] = [];
    const run = vi.fn(() => new Promise<void>((resolve) => pending.push(resolve)));
    return { run, finishNext: () => pending.shift()?.() };
  };

  it('runs once for a burst of requests, after the delay', async () => {
    const run = vi.fn(async () => undefined);
    const task = createCoalescedTask(run, 100);
    for (let i = 0; i < 10; i += 1) task.request();
    await vi.advanceTimersByTimeAsync(99);
    expect(run).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(run).toHaveBeenCalledOnce();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(run).toHaveBeenCalledOnce();
  });

  it('never runs twice at once, and runs once more for requests made during a run', async () => {
    const { run, finishNext } = deferredRuns();
    const task = createCoalescedTask(run, 100);
    task.request();
    await vi.advanceTimersByTimeAsync(100);
    expect(run).toHaveBeenCalledTimes(1);
    task.request();
    task.request();
    task.runNow();
    await vi.advanceTimersByTimeAsync(500);
    expect(run).toHaveBeenCalledTimes(1); // still in flight
    finishNext();
    await vi.advanceTimersByTimeAsync(0);
    expect(run).toHaveBeenCalledTimes(2);
    finishNext();
    await vi.advanceTimersByTimeAsync(500);
    expect(run).toHaveBeenCalledTimes(2);
  });

  it('runs at once on runNow, even while a delayed run waits', async () => {
    const run = vi.fn(async () => undefined);
    const task = createCoalescedTask(run, 100);
    task.request();
    task.runNow();
    await vi.advanceTimersByTimeAsync(0);
    expect(run).toHaveBeenCalledOnce();
    await vi.advanceTimersByTimeAsync(200);
    expect(run).toHaveBeenCalledOnce();
  });

  it('drops what is pending when cancelled, and keeps working after a failed run', async () => {
    const run = vi.fn(async () => {
      throw new Error('offline');
    });
    const task = createCoalescedTask(run, 100);
    task.request();
    task.cancel();
    await vi.advanceTimersByTimeAsync(200);
    expect(run).not.toHaveBeenCalled();
    task.request();
    await vi.advanceTimersByTimeAsync(100);
    task.request();
    await vi.advanceTimersByTimeAsync(100);
    expect(run).toHaveBeenCalledTimes(2);
  });
});
