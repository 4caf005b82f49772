// --clients N: N closed loops of takeover → get → release, client c on conversation c, each call
// waiting for the previous answer (the mode bench:api had before issue 13; latency ≈ clients ÷
// throughput, so it hides queueing — kept for comparison with earlier figures).
import { percentile } from '../support/open-loop';
import { OPERATIONS } from './mix';
import { perRequestFigures, startMeter } from './server-meter';
import type { Target } from './target';
import { callFor } from './workload';

export async function runClosedLoops({ workload, meters }: Target, clients: number, seconds: number) {
  const latencies: number[] = [];
  const errorKinds: Record<string, number> = {};
  let errors = 0;
  let requests = 0;
  const stopMeter = await startMeter(meters);
  const deadline = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, conversation) => {
      while (performance.now() < deadline) {
        for (const operation of OPERATIONS) {
          const started = performance.now();
          const outcome = await callFor(workload, requests++, conversation, operation);
          if (outcome.ok) latencies.push(performance.now() - started);
          else {
            errors += 1;
            errorKinds[outcome.kind] = (errorKinds[outcome.kind] ?? 0) + 1;
          }
        }
      }
    }),
  );
  const used = await stopMeter();
  latencies.sort((a, b) => a - b);
  return {
    clients,
    seconds,
    requests,
    rps: Math.round(requests / seconds),
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    maxMs: percentile(latencies, 1 - 1e-9),
    errors,
    ...perRequestFigures(used, requests),
    errorKinds,
  };
}
