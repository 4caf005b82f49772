// Heap measurements on a host page: the isolate's heap after forced GC, and the extension's isolated worlds.
import type { CDPSession, Page, Protocol } from 'puppeteer-core';
import { sleep } from './sleep.js';

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
