// Reads a Chromium trace (devtools.timeline) and sums the page main thread's script time as THREAD CPU time.
// Wall-clock durations (CDP Performance metrics) balloon when other processes hold the cores; thread time does not.

/** What the bench records: the timeline (script calls, tasks), thread names, and the page's performance.mark()s. */
export const TRACE_CATEGORIES = ['devtools.timeline', 'toplevel', 'blink.user_timing'];

/** The trace-event fields this file reads (Chrome's Trace Event Format). */
export interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  /** µs */
  ts: number;
  /** thread CPU clock, µs */
  tts?: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string; data?: { frame?: string; url?: string; functionName?: string } };
}

/**
 * Entry points into V8 on the main thread. Only the outermost is counted, so nested calls (a timer's
 * FunctionCall, a MutationObserver callback inside RunMicrotasks) are not counted twice. Garbage
 * collection outside script (idle-time and scheduled GC of the whole page) is not counted, as in CDP's
 * ScriptDuration; GC inside a script call is part of that call's time.
 */
const SCRIPT_EVENTS = new Set(['FunctionCall', 'EvaluateScript', 'v8.evaluateModule', 'RunMicrotasks', 'TimerFire', 'EventDispatch', 'FireAnimationFrame', 'FireIdleCallback', 'v8.compile']);
const TASK_EVENT = 'ThreadControllerImpl::RunTask';

export interface MainThreadTimes {
  /** Outermost script entries: thread CPU ms and wall ms. */
  scriptCpuMs: number;
  scriptWallMs: number;
  /** Every main-thread task (script, style, layout, paint…), thread CPU ms. */
  taskCpuMs: number;
  /** FunctionCall/EvaluateScript whose script URL is an extension's (promise jobs are not attributable). */
  extensionScriptCpuMs: number;
}

interface Span {
  name: string;
  functionName: string;
  start: number;
  end: number;
  cpuMs: number;
  wallMs: number;
  url: string;
}

/** Complete spans of one thread from X events and B/E pairs. */
function spansOf(events: TraceEvent[]): Span[] {
  const spans: Span[] = [];
  const open: TraceEvent[] = [];
  for (const event of events) {
    if (event.ph === 'X') {
      spans.push({ name: event.name, functionName: event.args?.data?.functionName ?? '', start: event.ts, end: event.ts + (event.dur ?? 0), cpuMs: (event.tdur ?? 0) / 1000, wallMs: (event.dur ?? 0) / 1000, url: event.args?.data?.url ?? '' });
    } else if (event.ph === 'B') {
      open.push(event);
    } else if (event.ph === 'E') {
      const index = open.findLastIndex((candidate) => candidate.name === event.name);
      if (index < 0) continue;
      const begin = open.splice(index, 1)[0]!;
      const cpu = begin.tts !== undefined && event.tts !== undefined ? (event.tts - begin.tts) / 1000 : 0;
      spans.push({ name: begin.name, functionName: begin.args?.data?.functionName ?? '', start: begin.ts, end: event.ts, cpuMs: cpu, wallMs: (event.ts - begin.ts) / 1000, url: begin.args?.data?.url ?? '' });
    }
  }
  return spans.sort((a, b) => a.start - b.start || b.end - a.end);
}

/** Sum of the spans of `names` not inside an earlier counted one. */
function outermost(spans: Span[], keep: (span: Span) => boolean): Span[] {
  const result: Span[] = [];
  let until = -Infinity;
  for (const span of spans) {
    if (!keep(span) || span.start < until) continue;
    result.push(span);
    until = span.end;
  }
  return result;
}

const sum = (spans: Span[], pick: (span: Span) => number) => spans.reduce((total, span) => total + pick(span), 0);

/** The pid and tid of the renderer main thread that ran frame `frameId`, or null when absent from the trace. */
export function pageMainThread(events: TraceEvent[], frameId: string): { pid: number; tid: number } | null {
  const framed = events.find((event) => event.args?.data?.frame === frameId && SCRIPT_EVENTS.has(event.name)) ?? events.find((event) => event.args?.data?.frame === frameId);
  if (!framed) return null;
  const main = events.find((event) => event.ph === 'M' && event.name === 'thread_name' && event.pid === framed.pid && event.args?.name === 'CrRendererMain');
  return { pid: framed.pid, tid: main?.tid ?? framed.tid };
}

/** The trace time (µs) of the page's `performance.mark(name)`, or null. */
export function markTime(events: TraceEvent[], name: string): number | null {
  return events.find((event) => event.name === name && event.ph !== 'M')?.ts ?? null;
}

/** Script, task and extension-script times of the page main thread in a trace, for spans starting in `window` (µs). */
export function mainThreadTimes(events: TraceEvent[], thread: { pid: number; tid: number }, window: { start: number; end: number }): MainThreadTimes {
  const inWindow = (span: Span) => span.start >= window.start && span.start < window.end;
  const spans = spansOf(events.filter((event) => event.pid === thread.pid && event.tid === thread.tid)).filter(inWindow);
  const script = outermost(spans, (span) => SCRIPT_EVENTS.has(span.name));
  const tasks = outermost(spans, (span) => span.name === TASK_EVENT);
  const extension = outermost(spans, (span) => (span.name === 'FunctionCall' || span.name === 'EvaluateScript') && span.url.startsWith('chrome-extension://'));
  return {
    scriptCpuMs: sum(script, (span) => span.cpuMs),
    scriptWallMs: sum(script, (span) => span.wallMs),
    taskCpuMs: sum(tasks, (span) => span.cpuMs),
    extensionScriptCpuMs: sum(extension, (span) => span.cpuMs),
  };
}

/** Where a page load's time went between "thread rendered" and "banner shown" (ms after the render mark). */
export interface MountPhases {
  /** The content script's evaluation started (document_idle injection). */
  contentScriptStartMs: number | null;
  /** Its evaluation (compile, module init, synchronous start-up): wall and thread CPU. */
  contentScriptEvalMs: number | null;
  contentScriptEvalCpuMs: number | null;
  hostAddedMs: number | null;
  bannerShownMs: number | null;
  /** Main-thread thread CPU in the window: the extension's script calls vs everything else (page script, style, layout, paint). */
  extensionCpuMs: number;
  otherMainThreadCpuMs: number;
  /** The extension's script calls of ≥ 1 ms CPU, in order: when (ms after the render), what, how long. */
  extensionCalls: { atMs: number; name: string; cpuMs: number }[];
}

/** Reads a traced page load whose page marked `baton-bench-thread-rendered`, `…-host-added`, `…-banner-shown`. */
export function mountPhases(events: TraceEvent[]): MountPhases | null {
  const rendered = events.find((event) => event.name === 'baton-bench-thread-rendered' && event.ph !== 'M');
  if (!rendered) return null;
  const at = (name: string) => {
    const mark = events.find((event) => event.name === name && event.ph !== 'M' && event.pid === rendered.pid);
    return mark ? (mark.ts - rendered.ts) / 1000 : null;
  };
  const mainTid = events.find((event) => event.ph === 'M' && event.name === 'thread_name' && event.pid === rendered.pid && event.args?.name === 'CrRendererMain')?.tid ?? rendered.tid;
  const bannerShownMs = at('baton-bench-banner-shown');
  const end = rendered.ts + (bannerShownMs ?? 0) * 1000;
  const spans = spansOf(events.filter((event) => event.pid === rendered.pid && event.tid === mainTid)).filter((span) => span.start >= rendered.ts && span.start < end);
  const evaluation = spans.find((span) => span.name === 'EvaluateScript' && span.url.startsWith('chrome-extension://'));
  const extension = outermost(spans, (span) => (span.name === 'FunctionCall' || span.name === 'EvaluateScript') && span.url.startsWith('chrome-extension://'));
  const tasks = outermost(spans, (span) => span.name === TASK_EVENT);
  const extensionCpuMs = sum(extension, (span) => span.cpuMs);
  return {
    contentScriptStartMs: evaluation ? (evaluation.start - rendered.ts) / 1000 : null,
    contentScriptEvalMs: evaluation?.wallMs ?? null,
    contentScriptEvalCpuMs: evaluation?.cpuMs ?? null,
    hostAddedMs: at('baton-bench-host-added'),
    bannerShownMs,
    extensionCpuMs,
    otherMainThreadCpuMs: sum(tasks, (span) => span.cpuMs) - extensionCpuMs,
    extensionCalls: extension
      .filter((span) => span.cpuMs >= 1)
      .map((span) => ({ atMs: (span.start - rendered.ts) / 1000, name: span.name === 'EvaluateScript' ? 'evaluate content script' : span.functionName || '(anonymous)', cpuMs: span.cpuMs })),
  };
}
