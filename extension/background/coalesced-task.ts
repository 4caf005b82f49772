// Runs an async task at most once per burst of requests, never twice at the same time.

/** A task that coalesces requests; see {@link createCoalescedTask}. */
export interface CoalescedTask {
  /** Runs the task after `delayMs`; requests during the wait or during a run fold into one more run. */
  request(): void;
  /** Runs the task now (or right after the run in flight). */
  runNow(): void;
  /** Drops a pending run; a run in flight finishes but is not repeated. */
  cancel(): void;
}

/**
 * Wraps `run` so a burst of requests within `delayMs` causes one run, and a request that arrives
 * while a run is in flight causes exactly one more run after it (so the last request is always
 * served by a run that started after it).
 *
 * @example
 * const refresh = createCoalescedTask(() => fetchView(id), 100);
 * for (const event of burst) refresh.request(); // one fetch
 */
export function createCoalescedTask(run: () => Promise<void>, delayMs: number): CoalescedTask {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let inFlight = false;
  /** A request arrived during the run in flight: `'delayed'` or `'now'`. */
  let again: 'delayed' | 'now' | null = null;
  let cancelled = false;

  const execute = () => {
    timer = null;
    inFlight = true;
    void run()
      .catch(() => undefined) // `run` reports its own failures; a rejection must not stop future runs
      .finally(() => {
        inFlight = false;
        const next = again;
        again = null;
        if (cancelled || !next) return;
        schedule(next === 'now' ? 0 : delayMs);
      });
  };

  const schedule = (wait: number) => {
    if (timer) {
      if (wait > 0) return; // already waiting: this request joins the burst
      clearTimeout(timer);
    }
    timer = setTimeout(execute, wait);
  };

  const enqueue = (mode: 'delayed' | 'now') => {
    cancelled = false;
    if (inFlight) {
      if (again !== 'now') again = mode;
      return;
    }
    schedule(mode === 'now' ? 0 : delayMs);
  };

  return {
    request: () => enqueue('delayed'),
    runNow: () => enqueue('now'),
    cancel: () => {
      cancelled = true;
      again = null;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
