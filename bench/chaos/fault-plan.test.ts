// The chaos run's fault plan: four faults in order, inside the stream, the connector's outage a minute when the run allows.
import { describe, expect, it } from 'vitest';
import { planFaults } from './fault-plan';

describe('planFaults', () => {
  it.each([
    [120, [24_000, 57_600, 79_200, 93_600], 60_000],
    [60, [12_000, 28_800, 39_600, 46_800], 30_000],
    [30, [6_000, 14_400, 19_800, 23_400], 20_000],
  ])('%i s: starts %j, connector outage %i ms', (seconds, starts, outage) => {
    const plan = planFaults(seconds);
    expect(plan.map((fault) => fault.kind)).toEqual(['restartRedis', 'restartMariadb', 'killBackend', 'failConnector']);
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
