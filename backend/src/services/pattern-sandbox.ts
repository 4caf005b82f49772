// Runs admins' regular expressions (routing-rule patterns, guardrails) off the main thread with a
// time budget: JavaScript's backtracking engine can take minutes on a pattern like `a*a*b`, and
// save-time validation cannot catch every such shape. A pattern that overruns is treated as not
// matching, skipped for a while, and logged, so one bad rule never stalls message handling.
import { Worker } from 'node:worker_threads';
import { PATTERN_FLAGS } from '../../../shared/routing-rules.js';
import type { Logger } from '../logger.js';

/** The worker: tests each pattern in turn and reports each result as soon as it has it. */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
parentPort.postMessage({ ready: true });
parentPort.on('message', ({ id, patterns, text, flags }) => {
  for (let index = 0; index < patterns.length; index++) {
    let matched = false;
    try { matched = new RegExp(patterns[index], flags).test(text); } catch { matched = false; }
    parentPort.postMessage({ id, index, matched });
  }
});`;

export interface PatternSandboxOptions {
  /** How long one pattern may run on one text. */
  budgetMs?: number;
  /** How long an overrunning pattern is skipped before it is tried again. */
  quarantineMs?: number;
}

export interface PatternSandbox {
  /** Whether each pattern matches `text` (flags `iu`); an overrunning or quarantined pattern is `false`. */
  test(patterns: readonly string[], text: string): Promise<Map<string, boolean>>;
  close(): Promise<void>;
}

export function createPatternSandbox(log: Logger, options: PatternSandboxOptions = {}): PatternSandbox {
  const budgetMs = options.budgetMs ?? 250;
  const quarantineMs = options.quarantineMs ?? 15 * 60_000;
  const quarantinedUntil = new Map<string, number>();
  let worker: Worker | null = null;
  /** Resolves when the current worker runs: its start-up (slow on a busy machine) is not the pattern's time. */
  let workerReady: Promise<void> = Promise.resolve();
  let nextId = 0;
  // One evaluation at a time: the worker is single-threaded anyway, and the budget stays per pattern.
  let queue: Promise<unknown> = Promise.resolve();

  const workerNow = () => {
    if (!worker) {
      const started = new Worker(WORKER_SOURCE, { eval: true });
      started.unref();
      workerReady = new Promise((resolve) => {
        const onReady = (message: { ready?: boolean }) => {
          if (!message.ready) return;
          started.off('message', onReady);
          resolve();
        };
        started.on('message', onReady);
        started.once('error', () => resolve()); // run() sees the error and answers for the patterns
      });
      worker = started;
    }
    return worker;
  };

  /** Tests `patterns` in one worker run; returns how many were answered before an overrun (all of them if none). */
  async function run(patterns: string[], text: string, results: Map<string, boolean>): Promise<number> {
    const running = workerNow();
    await workerReady;
    const id = ++nextId;
    return new Promise((resolve) => {
      let answered = 0;
      let timer: NodeJS.Timeout;
      const finish = (count: number) => {
        clearTimeout(timer);
        running.off('message', onMessage);
        running.off('error', onError);
        resolve(count);
      };
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          // The pattern at `answered` overran: stop the worker (a fresh one serves the rest).
          void running.terminate();
          if (worker === running) worker = null;
          finish(answered);
        }, budgetMs);
      };
      const onMessage = (message: { id: number; index: number; matched: boolean }) => {
        if (message.id !== id) return;
        results.set(patterns[message.index]!, message.matched);
        answered = message.index + 1;
        if (answered === patterns.length) finish(answered);
        else arm();
      };
      const onError = (error: Error) => {
        log.warn({ err: error }, 'pattern worker failed; its patterns count as not matching');
        if (worker === running) worker = null;
        finish(patterns.length);
      };
      running.on('message', onMessage);
      running.on('error', onError);
      arm();
      running.postMessage({ id, patterns, text, flags: PATTERN_FLAGS });
    });
  }

  async function evaluate(patterns: readonly string[], text: string): Promise<Map<string, boolean>> {
    const results = new Map<string, boolean>();
    const now = Date.now();
    let pending = [...new Set(patterns)].filter((pattern) => {
      const skip = (quarantinedUntil.get(pattern) ?? 0) > now;
      if (skip) results.set(pattern, false);
      return !skip;
    });
    while (pending.length > 0) {
      const answered = await run(pending, text, results);
      if (answered >= pending.length) break;
      const culprit = pending[answered]!;
      results.set(culprit, false);
      quarantinedUntil.set(culprit, Date.now() + quarantineMs);
      log.warn({ pattern: culprit, budgetMs }, 'a rule or guardrail pattern ran past its time budget: treated as not matching and skipped for a while; simplify it');
      pending = pending.slice(answered + 1);
    }
    return results;
  }

  return {
    test(patterns, text) {
      const result = queue.then(() => evaluate(patterns, text));
      queue = result.catch(() => undefined);
      return result;
    },
    async close() {
      await queue;
      await worker?.terminate();
      worker = null;
    },
  };
}
