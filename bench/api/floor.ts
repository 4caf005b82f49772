// floorRps: the highest rate the no-op server holds at p99 < 50 ms under the same generator and mix,
// in short steps: what the load generator and the machine allow, measured in the same run.
import { log } from './log';
import { noOpTarget, startNoOpServer } from './no-op-server';
import { runOpenLoopStep } from './open-loop-step';
import { searchMaxRate } from './rate-search';
import type { HttpClient } from './trpc-call';

const FLOOR = { stepSeconds: 3, startRate: 500, maxRate: 5000 };

export interface Floor {
  floorRps: number | null;
  /** true: every step held, so the floor is at least floorRps (the search stopped at its cap). */
  floorCapped: boolean;
}

export async function measureFloor(client: HttpClient, poolSize: number): Promise<Floor> {
  const server = await startNoOpServer();
  try {
    const target = noOpTarget(client, server, poolSize);
    const cursor = { next: 0 };
    const { maxRate, allHeld } = await searchMaxRate((rate) => runOpenLoopStep(target, rate, FLOOR.stepSeconds, cursor), FLOOR, (rate, result) =>
      log(`floor step ${JSON.stringify({ rate, p50Ms: result.p50Ms, p99Ms: result.p99Ms, errors: result.errors, fireLagP99Ms: result.fireLagP99Ms })}`),
    );
    return { floorRps: maxRate, floorCapped: allHeld };
  } finally {
    await server.stop();
  }
}
