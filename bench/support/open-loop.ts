// An open-loop load generator (issue 13): requests arrive as a Poisson process at a fixed rate, whatever
// the server does, and each latency is measured from the request's intended start — a stalled server
// cannot hide its queue behind clients that wait (the closed-loop error issue 4's note explained).

/** One request: resolves true when the answer was a success, false for an error answer; may throw. */
export type Send = (index: number) => Promise<boolean>;

export interface OpenLoopResult {
  rate: number;
  seconds: number;
  sent: number;
  completed: number;
  errors: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  /** How late the generator itself fired, p99 (ms): large values mean the load generator was the bound. */
  fireLagP99Ms: number | null;
}

/** Exponential gaps with mean 1/rate: a Poisson arrival process. `random` in [0, 1). */
export function poissonArrivals(rate: number, seconds: number, random: () => number = Math.random): number[] {
  const arrivals: number[] = [];
  for (let at = 0; ; ) {
    at += (-Math.log(1 - random()) / rate) * 1000;
    if (at >= seconds * 1000) return arrivals;
    arrivals.push(at);
  }
}

export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! * 10) / 10;
}

/**
 * Fires `send(i)` at each arrival time of a Poisson process of `rate` per second for `seconds`, and
 * waits for every answer (at most `drainMs` after the last arrival; unanswered ones count as errors).
 */
export async function runOpenLoop(rate: number, seconds: number, send: Send, drainMs = 30_000): Promise<OpenLoopResult> {
  const arrivals = poissonArrivals(rate, seconds);
  const latencies: number[] = [];
  const fireLags: number[] = [];
  let errors = 0;
  let completed = 0;
  const pending = new Set<Promise<void>>();
  const start = performance.now();
  let next = 0;
  await new Promise<void>((resolve) => {
    const fire = () => {
      const now = performance.now() - start;
      while (next < arrivals.length && arrivals[next]! <= now) {
        const intended = arrivals[next]!;
        const index = next++;
        fireLags.push(now - intended);
        const request = send(index).then(
          (ok) => {
            completed += 1;
            if (ok) latencies.push(performance.now() - start - intended);
            else errors += 1;
          },
          () => {
            completed += 1;
            errors += 1;
          },
        );
        const tracked = request.finally(() => pending.delete(tracked));
        pending.add(tracked);
      }
      if (next >= arrivals.length) resolve();
      else setTimeout(fire, Math.max(0, Math.min(5, arrivals[next]! - (performance.now() - start))));
    };
    fire();
  });
  const drained = await Promise.race([Promise.all(pending).then(() => true), new Promise<false>((resolve) => setTimeout(() => resolve(false), drainMs).unref())]);
  if (!drained) errors += pending.size;
  latencies.sort((a, b) => a - b);
  fireLags.sort((a, b) => a - b);
  return {
    rate,
    seconds,
    sent: arrivals.length,
    completed,
    errors,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    maxMs: percentile(latencies, 1 - 1e-9),
    fireLagP99Ms: percentile(fireLags, 0.99),
  };
}

/**
 * `--find-max`: steps the rate up (×`factor` while under the bound, then halves the step between the
 * last good and the first bad rate) and returns the highest rate whose p99 stayed under `p99BoundMs`
 * with no errors. `measure` runs one whole step (fresh load at that rate).
 */
export async function findMaxRate<T extends { p99Ms: number | null; errors: number }>(
  measure: (rate: number) => Promise<T>,
  options: { startRate: number; p99BoundMs: number; maxRate: number; factor?: number; refineSteps?: number; onStep?: (rate: number, result: T) => void },
): Promise<{ maxRate: number | null; steps: { rate: number; result: T }[] }> {
  const steps: { rate: number; result: T }[] = [];
  const holds = (result: T) => result.errors === 0 && result.p99Ms !== null && result.p99Ms < options.p99BoundMs;
  const step = async (rate: number) => {
    const result = await measure(rate);
    steps.push({ rate, result });
    options.onStep?.(rate, result);
    return holds(result);
  };
  let good: number | null = null;
  let bad: number | null = null;
  for (let rate = options.startRate; rate <= options.maxRate; rate = Math.round(rate * (options.factor ?? 1.5))) {
    if (await step(rate)) good = rate;
    else {
      bad = rate;
      break;
    }
  }
  for (let refine = 0; refine < (options.refineSteps ?? 2) && bad !== null; refine++) {
    const low = good ?? 0;
    const middle = Math.round((low + bad) / 2);
    if (middle <= low || middle >= bad) break;
    if (await step(middle)) good = middle;
    else bad = middle;
  }
  return { maxRate: good, steps };
}

/** CPU time (user + system, ms) a process has used so far, from its own counters in /proc. */
export async function processCpuMs(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces): utime is field 14, stime 15 (1-based).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** Linux's USER_HZ: 100 on every architecture Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;
