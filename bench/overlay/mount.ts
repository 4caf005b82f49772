// Page-load measurements: thread rendered → takeover banner shown, and where that time goes (traced load).
import type { CDPSession, Page, Protocol } from 'puppeteer-core';
import { sleep } from './sleep.js';
import { mountPhases, TRACE_CATEGORIES, type MountPhases, type TraceEvent } from './trace-times.js';

const TAKEOVER_BANNER = 'takeover-banner';

interface BenchState {
  renderedAt: number | null;
  firstFrameAt: number | null;
  hostAt: number | null;
  bannerAt: number | null;
  bannerSeenBy: string | null;
  hostClosed?: boolean;
  now: number;
}

const readState = (page: Page) =>
  page.evaluate(
    `window.__bench ? { renderedAt: __bench.renderedAt, firstFrameAt: __bench.firstFrameAt, hostAt: __bench.hostAt, bannerAt: __bench.bannerAt, bannerSeenBy: __bench.bannerSeenBy, hostClosed: !!__bench.hostClosed, now: performance.now() } : null`,
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

/** Thread rendered → the page's own first frame done, once it is (no extension needed). */
export async function waitForFirstFrame(page: Page, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await readState(page);
    if (state?.renderedAt != null && state.firstFrameAt != null) return state.firstFrameAt - state.renderedAt;
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
  /** Thread rendered → the page's own first frame done (what the host page alone costs before anything else runs). */
  firstFrameMs: number | null;
  seenBy: string;
}

export async function measureMount(page: Page, session: CDPSession, url: string, timeoutMs: number): Promise<MountReading> {
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  const renderedAt = await waitForThreadRendered(page, timeoutMs);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await readState(page);
    const hostMs = state?.hostAt != null ? state.hostAt - renderedAt : null;
    const firstFrameMs = state?.firstFrameAt != null ? state.firstFrameAt - renderedAt : null;
    if (state?.bannerAt != null) return { mountMs: state.bannerAt - renderedAt, hostMs, firstFrameMs, seenBy: state.bannerSeenBy ?? 'page' };
    if (state?.hostClosed) {
      const shown = await bannerAttributesOverCdp(session);
      if (shown.includes(TAKEOVER_BANNER)) return { mountMs: state.now - renderedAt, hostMs, firstFrameMs, seenBy: 'cdp-poll (closed shadow root)' };
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

/**
 * One more page load under a trace: where the time between "thread rendered" and "banner shown" went.
 * Loaded from the previous thread page, as the measured loads are (about:blank first would cost a new process).
 */
export async function traceMount(page: Page, session: CDPSession, url: string, timeoutMs: number): Promise<{ phases: MountPhases | null; profile: Protocol.Profiler.Profile }> {
  // The CPU profile attributes promise jobs (microtasks) too, which the trace cannot tie to a script.
  await session.send('Profiler.enable');
  await session.send('Profiler.setSamplingInterval', { interval: 100 });
  await page.tracing.start({ categories: TRACE_CATEGORIES });
  await session.send('Profiler.start');
  let failure: unknown = null;
  await measureMount(page, session, url, timeoutMs).catch((error: unknown) => (failure = error));
  const { profile } = await session.send('Profiler.stop');
  await session.send('Profiler.disable');
  const trace = await page.tracing.stop();
  if (failure) throw failure;
  return { phases: trace ? mountPhases((JSON.parse(Buffer.from(trace).toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents) : null, profile };
}
