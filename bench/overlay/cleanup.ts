// Resources the overlay bench must release (browsers, servers, temp folders), newest first, exactly once.
import { log } from './log.js';

const STEP_TIMEOUT_MS = 10_000;

export interface CleanupStack {
  /** Registers a release step; steps run newest first. */
  push(name: string, run: () => Promise<unknown>): void;
  /** Runs every step once (later calls get the same promise); a failing or hanging step does not stop the rest. */
  runAll(): Promise<void>;
}

/** A stack for the normal end, a failure, Ctrl-C or the watchdog alike. */
export function cleanupStack(): CleanupStack {
  const steps: { name: string; run: () => Promise<unknown> }[] = [];
  let running: Promise<void> | null = null;
  return {
    push: (name, run) => void steps.push({ name, run }),
    runAll: () =>
      (running ??= (async () => {
        for (const step of [...steps].reverse()) {
          await Promise.race([step.run(), new Promise((resolve) => setTimeout(resolve, STEP_TIMEOUT_MS))]).catch((error: unknown) =>
            log(`cleanup of ${step.name} failed: ${(error as Error).message}`),
          );
        }
      })()),
  };
}
