// Polls GET /healthz of the backend processes every 250 ms while a fault lasts, and afterwards until
// every process says `ok` again: whether the degradation was reported, and how long recovery took.
import type { createHttpClient } from '../support/http-client';

export interface HealthReport {
  status?: string;
  db?: string;
  redis?: string;
  jobs?: string;
  connectors?: { connector: string; tenant: string }[];
}

/** One answer, or null when the process did not answer (dead, or no answer within the timeout). */
export type HealthSample = HealthReport | null;

const POLL_MS = 250;
const ANSWER_TIMEOUT_MS = 2_000;
/** After the fault ends, how long the processes get to report `ok` again. */
const RECOVERY_TIMEOUT_MS = 90_000;

export interface FaultHealth {
  /** Some poll during the fault matched the fault's degradation. */
  degradationReported: boolean;
  /** Polls during the fault, and how many matched. */
  polls: number;
  matchingPolls: number;
  /** Fault over → every process answered `status: ok`; null when that did not happen within 90 s. */
  healthyAgainAfterMs: number | null;
}

async function sample(client: ReturnType<typeof createHttpClient>, url: string): Promise<HealthSample> {
  const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), ANSWER_TIMEOUT_MS).unref());
  const answer = client.request(`${url}/healthz`, { method: 'GET' }).then(
    (response) => {
      try {
        return JSON.parse(response.body) as HealthReport;
      } catch {
        return null;
      }
    },
    () => null,
  );
  return Promise.race([answer, timeout]);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `fault` (which resolves when the fault is over) while polling `urls()` (read at every poll:
 * a replaced process has a new URL); `degraded(url, sample)` says whether one answer reports this fault.
 */
export async function watchHealthThrough(
  client: ReturnType<typeof createHttpClient>,
  urls: () => string[],
  degraded: (url: string, sample: HealthSample) => boolean,
  fault: () => Promise<void>,
): Promise<FaultHealth> {
  let over = false;
  let polls = 0;
  let matchingPolls = 0;
  const polling = (async () => {
    while (!over) {
      const targets = urls();
      const samples = await Promise.all(targets.map((url) => sample(client, url)));
      if (over) break;
      polls += 1;
      if (samples.some((one, i) => degraded(targets[i]!, one))) matchingPolls += 1;
      await sleep(POLL_MS);
    }
  })();
  try {
    await fault();
  } finally {
    over = true;
    await polling;
  }
  const endedAt = Date.now();
  let healthyAgainAfterMs: number | null = null;
  while (Date.now() - endedAt < RECOVERY_TIMEOUT_MS) {
    const samples = await Promise.all(urls().map((url) => sample(client, url)));
    if (samples.every((one) => one?.status === 'ok')) {
      healthyAgainAfterMs = Date.now() - endedAt;
      break;
    }
    await sleep(POLL_MS);
  }
  return { degradationReported: matchingPolls > 0, polls, matchingPolls, healthyAgainAfterMs };
}
