// Churn measurements on a host page: main-thread times per slice (trace thread CPU + CDP metrics), CPU profile.
import type { CDPSession, Page, Protocol } from 'puppeteer-core';
import { sleep } from './sleep.js';
import { mainThreadTimes, markTime, pageMainThread, TRACE_CATEGORIES, type MainThreadTimes, type TraceEvent } from './trace-times.js';

/** Cumulative CDP Performance metrics, in ms for durations. */
export interface PageTimes {
  scriptMs: number;
  taskMs: number;
  layoutMs: number;
  styleMs: number;
}

async function pageTimes(session: CDPSession): Promise<PageTimes> {
  const { metrics } = await session.send('Performance.getMetrics');
  const value = (name: string) => (metrics.find((metric) => metric.name === name)?.value ?? 0) * 1000;
  return { scriptMs: value('ScriptDuration'), taskMs: value('TaskDuration'), layoutMs: value('LayoutDuration'), styleMs: value('RecalcStyleDuration') };
}

export interface ChurnSample extends PageTimes, MainThreadTimes {
  seconds: number;
  appended: number;
}

const SLICE_START = 'baton-bench-slice-start';
const SLICE_END = 'baton-bench-slice-end';

/**
 * Runs the page's churn for `sliceMs` under a trace and returns the main thread's times between two
 * `performance.mark`s: thread CPU from the trace (all worlds of the renderer's main thread: the page's
 * scripts and the content script's isolated world alike), wall-clock durations from CDP Performance metrics.
 */
export async function sampleChurn(page: Page, session: CDPSession, sliceMs: number, warmupMs = 200): Promise<ChurnSample> {
  const { frameTree } = await session.send('Page.getFrameTree');
  await page.evaluate('__bench.startChurn()');
  await sleep(warmupMs);
  await page.tracing.start({ categories: TRACE_CATEGORIES });
  const before = await pageTimes(session);
  const appendedBefore = (await page.evaluate(`performance.mark('${SLICE_START}'), __bench.appended`)) as number;
  await sleep(sliceMs);
  const appendedAfter = (await page.evaluate(`performance.mark('${SLICE_END}'), __bench.appended`)) as number;
  const after = await pageTimes(session);
  await page.evaluate('__bench.stopChurn()');
  const trace = await page.tracing.stop();
  if (!trace) throw new Error('The trace of a churn slice came back empty');
  const events = (JSON.parse(Buffer.from(trace).toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
  const thread = pageMainThread(events, frameTree.frame.id);
  const start = markTime(events, SLICE_START);
  const end = markTime(events, SLICE_END);
  if (!thread || start === null || end === null) throw new Error(`The churn slice's trace lacks the page's main thread or its marks (frame ${frameTree.frame.id})`);
  return {
    seconds: (end - start) / 1e6,
    appended: appendedAfter - appendedBefore,
    scriptMs: after.scriptMs - before.scriptMs,
    taskMs: after.taskMs - before.taskMs,
    layoutMs: after.layoutMs - before.layoutMs,
    styleMs: after.styleMs - before.styleMs,
    ...mainThreadTimes(events, thread, { start, end }),
  };
}

/** A CPU profile of the page's main thread over one churn slice (sampling every 100 µs). */
export async function profileChurn(page: Page, session: CDPSession, sliceMs: number): Promise<Protocol.Profiler.Profile> {
  await session.send('Profiler.enable');
  await session.send('Profiler.setSamplingInterval', { interval: 100 });
  await page.evaluate('__bench.startChurn()');
  await session.send('Profiler.start');
  await sleep(sliceMs);
  const { profile } = await session.send('Profiler.stop');
  await page.evaluate('__bench.stopChurn()');
  await session.send('Profiler.disable');
  return profile;
}
