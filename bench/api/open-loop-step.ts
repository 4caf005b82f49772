// One open-loop run of the mix at a fixed rate (a --rate run, a --find-max step, a floor step):
// latency from each request's intended start (runOpenLoop), per-procedure latency, the kinds of
// errors, and CPU per request over the window. Conversations left taken over when the run ends are
// released afterwards, untimed, so the next run starts from released conversations.
import { percentile, runOpenLoop, type OpenLoopResult } from '../support/open-loop';
import { log } from './log';
import { blockWidth, createMix, OPERATIONS, type Operation } from './mix';
import { perRequestFigures, startMeter } from './server-meter';
import type { Target } from './target';
import { callFor, type Workload } from './workload';

export interface StepFigures extends OpenLoopResult, ReturnType<typeof perRequestFigures> {
  /** Per procedure, latency from the moment the request was fired (so without the generator's fire lag). */
  perProcedure: Record<Operation, { requests: number; p50Ms: number | null; p99Ms: number | null }>;
  /** Error answers by status and tRPC code (timeouts at the drain are in `errors` only). */
  errorKinds: Record<string, number>;
}

/** Where the next run starts in the pool, so --find-max steps go on through it. */
export interface PoolCursor {
  next: number;
}

export async function runOpenLoopStep({ workload, meters }: Target, rate: number, seconds: number, cursor: PoolCursor): Promise<StepFigures> {
  const poolSize = workload.conversationIds.length;
  const arrivalAt = createMix(poolSize, rate, cursor.next);
  const latencies = Object.fromEntries(OPERATIONS.map((operation) => [operation, [] as number[]])) as Record<Operation, number[]>;
  const errorKinds: Record<string, number> = {};
  const takenOver = new Set<number>();
  let lastIndex = -1;
  const send = async (index: number) => {
    lastIndex = index;
    const { conversation, operation } = arrivalAt(index);
    if (operation === 'takeOver') takenOver.add(conversation);
    if (operation === 'release') takenOver.delete(conversation);
    const fired = performance.now();
    const outcome = await callFor(workload, index, conversation, operation);
    if (outcome.ok) latencies[operation].push(performance.now() - fired);
    else errorKinds[outcome.kind] = (errorKinds[outcome.kind] ?? 0) + 1;
    return outcome.ok;
  };
  const stopMeter = await startMeter(meters);
  const result = await runOpenLoop(rate, seconds, send);
  const used = await stopMeter();
  const width = blockWidth(rate, poolSize);
  cursor.next = (cursor.next + (Math.floor(lastIndex / (3 * width)) + 1) * width) % poolSize;
  await releaseAll(workload, [...takenOver]);
  return {
    ...result,
    ...perRequestFigures(used, result.sent),
    perProcedure: Object.fromEntries(
      OPERATIONS.map((operation) => {
        const sorted = latencies[operation].sort((a, b) => a - b);
        return [operation, { requests: sorted.length, p50Ms: percentile(sorted, 0.5), p99Ms: percentile(sorted, 0.99) }];
      }),
    ) as StepFigures['perProcedure'],
    errorKinds,
  };
}

/** Releases what a run left taken over, 20 at a time; a failure here is logged, not counted. */
async function releaseAll(workload: Workload, conversations: number[]): Promise<void> {
  for (let start = 0; start < conversations.length; start += 20) {
    const outcomes = await Promise.all(conversations.slice(start, start + 20).map((conversation) => callFor(workload, conversation, conversation, 'release')));
    for (const outcome of outcomes) if (!outcome.ok) log(`releasing a conversation left taken over failed: ${outcome.kind}`);
  }
}
