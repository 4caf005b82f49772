// The two open-loop modes: one run at --rate R, or --find-max (p99 < 50 ms, 100 → 3,000/s), each
// after a short warm-up (JIT, connection pools, principal caches) that is not measured.
import { log } from './log';
import { runOpenLoopStep, type PoolCursor, type StepFigures } from './open-loop-step';
import { searchMaxRate } from './rate-search';
import type { Target } from './target';

const WARM_UP = { rate: 100, seconds: 3 };
const FIND_MAX = { startRate: 100, maxRate: 3000 };

export interface OpenLoopOutcome {
  figures: StepFigures;
  maxRateAtP99Under50Ms: number | null;
  /** --find-max: every step held, so the maximum is at least maxRateAtP99Under50Ms (the search's cap). */
  findMaxCapped?: boolean;
  /** --find-max: every step's headline figures, in the order run. */
  steps?: { rate: number; p50Ms: number | null; p99Ms: number | null; errors: number; cpuMsPerRequest: number | null }[];
  /** The measured part on the monotonic clock (µs), for profile-top's --window-us. */
  measuredWindowUs: [number, number];
}

const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

async function warmUp(target: Target, cursor: PoolCursor): Promise<void> {
  const warm = await runOpenLoopStep(target, WARM_UP.rate, WARM_UP.seconds, cursor);
  log(`warm-up ${WARM_UP.seconds} s at ${WARM_UP.rate}/s: p50 ${warm.p50Ms} ms, p99 ${warm.p99Ms} ms, errors ${warm.errors}`);
}

export async function runAtRate(target: Target, rate: number, seconds: number): Promise<OpenLoopOutcome> {
  const cursor = { next: 0 };
  await warmUp(target, cursor);
  log(`open loop: ${rate}/s for ${seconds} s`);
  const from = monotonicUs();
  const figures = await runOpenLoopStep(target, rate, seconds, cursor);
  return { figures, maxRateAtP99Under50Ms: null, measuredWindowUs: [from, monotonicUs()] };
}

export async function runFindMax(target: Target, seconds: number): Promise<OpenLoopOutcome> {
  const cursor = { next: 0 };
  await warmUp(target, cursor);
  const headline = (rate: number, result: StepFigures) => ({ rate, p50Ms: result.p50Ms, p99Ms: result.p99Ms, errors: result.errors, cpuMsPerRequest: result.cpuMsPerRequest });
  let stepNumber = 0;
  const from = monotonicUs();
  const { maxRate, steps, allHeld } = await searchMaxRate((rate) => runOpenLoopStep(target, rate, seconds, cursor), FIND_MAX, (rate, result) =>
    process.stderr.write(`${JSON.stringify({ step: ++stepNumber, ...headline(rate, result), fireLagP99Ms: result.fireLagP99Ms, dbCpuMsPerRequest: result.dbCpuMsPerRequest })}\n`),
  );
  const best = steps.find((step) => step.rate === maxRate) ?? steps[0]!;
  return { figures: best.result, maxRateAtP99Under50Ms: maxRate, findMaxCapped: allHeld, steps: steps.map((step) => headline(step.rate, step.result)), measuredWindowUs: [from, monotonicUs()] };
}
