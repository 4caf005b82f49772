import { describe, expect, it } from 'vitest';
import { mainThreadTimes, markTime, mountPhases, pageMainThread, type TraceEvent } from './trace-times.js';

const MAIN = { pid: 7, tid: 70 };
const EXTENSION = 'chrome-extension://abc/content-scripts/helpdesk.js';
const PAGE = 'http://127.0.0.1:1/assets/bench-thread.js';

/** A complete event on the page's main thread; times in ms (the trace uses µs). */
type EventData = NonNullable<NonNullable<TraceEvent['args']>['data']>;

const span = (name: string, startMs: number, wallMs: number, cpuMs: number, data: EventData = {}): TraceEvent => ({
  name,
  ph: 'X',
  ...MAIN,
  ts: startMs * 1000,
  dur: wallMs * 1000,
  tdur: cpuMs * 1000,
  args: { data: { frame: 'F1', ...data } },
});

const threadName: TraceEvent = { name: 'thread_name', ph: 'M', ...MAIN, ts: 0, args: { name: 'CrRendererMain' } };
const mark = (name: string, atMs: number): TraceEvent => ({ name, ph: 'R', ...MAIN, ts: atMs * 1000 });

describe('mainThreadTimes', () => {
  const events: TraceEvent[] = [
    threadName,
    { name: 'ThreadControllerImpl::RunTask', ph: 'X', ...MAIN, ts: 9_000, dur: 20_000, tdur: 12_000 },
    span('TimerFire', 10, 5, 2),
    span('FunctionCall', 10.1, 4, 1.5, { url: PAGE }),
    span('FunctionCall', 20, 3, 1, { url: EXTENSION, functionName: 'check' }),
    span('RunMicrotasks', 23, 1, 0.5),
    span('FunctionCall', 23.1, 0.5, 0.4, { url: EXTENSION }),
    // outside the window
    span('FunctionCall', 200, 3, 3, { url: EXTENSION }),
  ];

  it('counts outermost script entries as thread CPU, and the extension by its URL', () => {
    const thread = pageMainThread(events, 'F1');
    expect(thread).toEqual(MAIN);
    const times = mainThreadTimes(events, thread!, { start: 0, end: 100_000 });
    expect(times.scriptCpuMs).toBeCloseTo(3.5);
    expect(times.scriptWallMs).toBeCloseTo(9);
    expect(times.taskCpuMs).toBeCloseTo(12);
    expect(times.extensionScriptCpuMs).toBeCloseTo(1.4);
  });

  it('pairs B/E events and reads their thread clock', () => {
    const paired: TraceEvent[] = [
      { name: 'FunctionCall', ph: 'B', ...MAIN, ts: 1000, tts: 500, args: { data: { url: EXTENSION } } },
      { name: 'FunctionCall', ph: 'E', ...MAIN, ts: 4000, tts: 1500 },
    ];
    expect(mainThreadTimes(paired, MAIN, { start: 0, end: 10_000 })).toMatchObject({ scriptCpuMs: 1, scriptWallMs: 3, extensionScriptCpuMs: 1 });
  });

  it('finds a page mark', () => {
    expect(markTime([mark('a', 5)], 'a')).toBe(5000);
    expect(markTime([], 'a')).toBeNull();
  });
});

describe('mountPhases', () => {
  it('times the content script, the host and the banner from the render mark', () => {
    const phases = mountPhases([
      threadName,
      mark('baton-bench-thread-rendered', 100),
      { name: 'ThreadControllerImpl::RunTask', ph: 'X', ...MAIN, ts: 150_000, dur: 30_000, tdur: 25_000 },
      span('EvaluateScript', 160, 20, 15, { url: EXTENSION }),
      mark('baton-bench-host-added', 185),
      span('FunctionCall', 250, 5, 4, { url: EXTENSION, functionName: 'onMessage' }),
      mark('baton-bench-banner-shown', 260),
    ]);
    expect(phases).toMatchObject({ contentScriptStartMs: 60, contentScriptEvalMs: 20, contentScriptEvalCpuMs: 15, hostAddedMs: 85, bannerShownMs: 160, extensionCpuMs: 19, otherMainThreadCpuMs: 6 });
    expect(phases?.extensionCalls).toEqual([
      { atMs: 60, name: 'evaluate content script', cpuMs: 15 },
      { atMs: 150, name: 'onMessage', cpuMs: 4 },
    ]);
  });

  it('is null without the render mark', () => {
    expect(mountPhases([threadName])).toBeNull();
  });
});
