// The chaos run's fault plan: four faults in order, inside the stream, the connector's outage a minute when the run allows.
import { describe, expect, it } from 'vitest';
import { planFaults } from './fault-plan';

describe('planFaults', () => {
  it.each([
    [120, [14_400, 36_000, 60_000, 84_000], 60_000],
    [60, [7_200, 18_000, 30_000, 42_000], 30_000],
    [30, [3_600, 9_000, 15_000, 21_000], 20_000],
  ])('%i s: starts %j, connector outage %i ms', (seconds, starts, outage) => {
    const plan = planFaults(seconds);
    expect(plan.map((fault) => fault.kind)).toEqual(['killBackend', 'restartRedis', 'restartMariadb', 'failConnector']);
    expect(plan.map((fault) => fault.atMs)).toEqual(starts);
    expect(plan[3]!.holdMs).toBe(outage);
  });

  it('ends each fault before the next one starts', () => {
    for (const seconds of [30, 60, 120, 600]) {
      const plan = planFaults(seconds);
      plan.slice(1).forEach((fault, i) => expect(fault.atMs).toBeGreaterThan(plan[i]!.atMs + plan[i]!.holdMs));
    }
  });
});
