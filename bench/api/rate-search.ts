// The --find-max search shared by the backend and the floor: findMaxRate with the bound,
// p99 < 50 ms and no errors.
import { findMaxRate } from '../support/open-loop';

export const P99_BOUND_MS = 50;

export const holds = (result: { p99Ms: number | null; errors: number }) => result.errors === 0 && result.p99Ms !== null && result.p99Ms < P99_BOUND_MS;

export async function searchMaxRate<T extends { p99Ms: number | null; errors: number }>(
  measure: (rate: number) => Promise<T>,
  range: { startRate: number; maxRate: number },
  onStep: (rate: number, result: T) => void,
): Promise<{ maxRate: number | null; steps: { rate: number; result: T }[]; allHeld: boolean }> {
  const { maxRate, steps } = await findMaxRate(measure, { ...range, p99BoundMs: P99_BOUND_MS, onStep });
  return { maxRate, steps, allHeld: steps.every(({ result }) => holds(result)) };
}
