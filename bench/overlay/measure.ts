// CDP measurements on a host page: thread-rendered → banner-visible time, script time per churn slice, heap after GC.
import type { CDPSession, Page } from 'puppeteer-core';
import type { Protocol } from 'puppeteer-core';
import { mainThreadTimes, markTime, mountPhases, pageMainThread, type MainThreadTimes, type MountPhases, type TraceEvent } from './trace-times.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const TAKEOVER_BANNER = 'takeover-banner';

interface BenchState {
  renderedAt: number | null;
  hostAt: number | null;
  bannerAt: number | null;
  bannerSeenBy: string | null;
  hostClosed?: boolean;
  now: number;
}

const readState = (page: Page) =>
  page.evaluate(
    `window.__bench ? { renderedAt: __bench.renderedAt, hostAt: __bench.hostAt, bannerAt: __bench.bannerAt, bannerSeenBy: __bench.bannerSeenBy, hostClosed: !!__bench.hostClosed, now: performance.now() } : null`,
  ) as Promise<BenchState | null>;

/** Waits until the host page's script has rendered the thread; returns its performance.now() stamp. */
export async function waitForThreadRendered(page: Page, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await readState(page);
    if (state?.renderedAt != null) return state.renderedAt;
    if (Date.now() > deadline) throw new Error(`The host page did not render its thread within ${timeoutMs} ms`);
    await sleep(50);
  }
}

/**
 * Loads `url` (with `watch=banner`) and waits for the takeover banner; returns banner time − render time,
 * both from the page's own performance.now(). Open shadow roots are watched by the page's observer; a
 * closed one is polled over CDP (DOM.describeNode with pierce), which is coarser (~50 ms).
 */
export interface MountReading {
  /** Thread rendered → takeover banner shown. */
  mountMs: number;
  /** Thread rendered → `baton-banners` host in the page (null when the page's observer missed it). */
  hostMs: number | null;
  seenBy: string;
}

export async function measureMount(page: Page, session: CDPSession, url: string, timeoutMs: number): Promise<MountReading> {
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  const renderedAt = await waitForThreadRendered(page, timeoutMs);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await readState(page);
    const hostMs = state?.hostAt != null ? state.hostAt - renderedAt : null;
    if (state?.bannerAt != null) return { mountMs: state.bannerAt - renderedAt, hostMs, seenBy: state.bannerSeenBy ?? 'page' };
    if (state?.hostClosed) {
      const shown = await bannerAttributesOverCdp(session);
      if (shown.includes(TAKEOVER_BANNER)) return { mountMs: state.now - renderedAt, hostMs, seenBy: 'cdp-poll (closed shadow root)' };
    }
    if (Date.now() > deadline) throw new Error(`No takeover banner within ${timeoutMs} ms of loading ${url}. ${await describeOverlay(page, session)}`);
    await sleep(state?.hostClosed ? 20 : 50);
  }
}

/** The `data-baton` values inside the `baton-banners` host, closed shadow roots included. */
async function bannerAttributesOverCdp(session: CDPSession): Promise<string[]> {
  const { root } = await session.send('DOM.getDocument', { depth: 0 });
  const { nodeId } = await session.send('DOM.querySelector', { nodeId: root.nodeId, selector: 'baton-banners' });
  if (!nodeId) return [];
  const { node } = await session.send('DOM.describeNode', { nodeId, depth: -1, pierce: true });
  const values: string[] = [];
  const visit = (current: Protocol.DOM.Node) => {
    const attributes = current.attributes ?? [];
    for (let index = 0; index < attributes.length; index += 2) if (attributes[index] === 'data-baton') values.push(attributes[index + 1]!);
    for (const child of [...(current.shadowRoots ?? []), ...(current.children ?? [])]) visit(child);
  };
  visit(node);
  return values;
}

/** What the overlay shows (for a failure message): hosts, `data-baton` values and visible text. */
export async function describeOverlay(page: Page, session: CDPSession): Promise<string> {
  const hosts = (await page.evaluate(`[...document.querySelectorAll('*')].filter((e) => e.tagName.startsWith('BATON-')).map((e) => e.tagName.toLowerCase() + (e.shadowRoot ? '' : ' (closed)') + ': ' + (e.shadowRoot ? e.shadowRoot.textContent : '').replace(/\\s+/g, ' ').slice(0, 200))`)) as string[];
  const attributes = await bannerAttributesOverCdp(session).catch(() => []);
  if (hosts.length === 0) return 'No baton-* element in the page: the content script did not mount (not injected, adapter did not match, or it failed).';
  return `Overlay hosts: ${hosts.join(' | ')}; data-baton in baton-banners: [${attributes.join(', ')}]`;
}

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

const TRACE_CATEGORIES = ['devtools.timeline', 'toplevel', 'blink.user_timing'];
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

export interface HeapReading {
  /** V8 heap used by the page's isolate (every world of its main thread), MB. */
  jsUsedMb: number;
  /** Blink's heap (DOM nodes, incl. shadow trees), MB. */
  embedderUsedMb: number;
}

/** Heap of the page's main-thread isolate after two forced full GCs, churn stopped. */
export async function heapAfterGc(page: Page, session: CDPSession): Promise<HeapReading> {
  await page.evaluate('__bench.stopChurn()');
  await session.send('HeapProfiler.enable');
  await session.send('HeapProfiler.collectGarbage');
  await sleep(100);
  await session.send('HeapProfiler.collectGarbage');
  const usage = await session.send('Runtime.getHeapUsage');
  await session.send('HeapProfiler.disable');
  const mb = (bytes: number) => bytes / 1024 / 1024;
  return { jsUsedMb: mb(usage.usedSize), embedderUsedMb: mb(usage.embedderHeapUsedSize ?? 0) };
}

/** The page's isolated worlds that belong to an extension (the content script's execution contexts). */
export async function extensionContexts(session: CDPSession): Promise<{ name: string; origin: string }[]> {
  const contexts: Protocol.Runtime.ExecutionContextDescription[] = [];
  const onCreated = (event: Protocol.Runtime.ExecutionContextCreatedEvent) => contexts.push(event.context);
  session.on('Runtime.executionContextCreated', onCreated);
  await session.send('Runtime.enable');
  await sleep(100);
  await session.send('Runtime.disable');
  session.off('Runtime.executionContextCreated', onCreated);
  return contexts
    .filter((context) => (context.auxData as { type?: string } | undefined)?.type === 'isolated' && context.origin.startsWith('chrome-extension://'))
    .map((context) => ({ name: context.name, origin: context.origin }));
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

/**
 * One more page load under a trace: where the time between "thread rendered" and "banner shown" went.
 * Loaded from the previous thread page, as the measured loads are (about:blank first would cost a new process).
 */
export async function traceMount(page: Page, session: CDPSession, url: string, timeoutMs: number): Promise<MountPhases | null> {
  await page.tracing.start({ categories: TRACE_CATEGORIES });
  let failure: unknown = null;
  await measureMount(page, session, url, timeoutMs).catch((error: unknown) => (failure = error));
  const trace = await page.tracing.stop();
  if (failure) throw failure;
  return trace ? mountPhases((JSON.parse(Buffer.from(trace).toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents) : null;
}
