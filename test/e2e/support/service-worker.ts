// Finds the extension's MV3 service worker among the browser's targets and stops it the way Chromium does when idle.
import type { Browser, Target } from 'puppeteer-core';
import { waitFor } from './wait.js';

/** The background service worker of the extension, or of any extension when `extensionId` is absent. */
export function isExtensionServiceWorker(target: Target, extensionId?: string): boolean {
  if (target.type() !== 'service_worker') return false;
  const url = new URL(target.url());
  return url.protocol === 'chrome-extension:' && url.pathname === '/background.js' && (!extensionId || url.host === extensionId);
}

/** Waits for the extension's service worker target (the browser starts it at install and on events). */
export async function waitForServiceWorker(browser: Browser, extensionId?: string, timeoutMs = 20_000): Promise<Target> {
  return browser.waitForTarget((target) => isExtensionServiceWorker(target, extensionId), { timeout: timeoutMs });
}

/** The running service worker target, or null while it is stopped. */
export function runningServiceWorker(browser: Browser, extensionId: string): Target | null {
  return browser.targets().find((target) => isExtensionServiceWorker(target, extensionId)) ?? null;
}

/** What {@link stopServiceWorker} observed. */
export interface StoppedWorker {
  /** The CDP target id of the worker that was stopped. */
  stoppedTargetId: string;
  /** How long until its target was gone. */
  stopMs: number;
}

/**
 * Stops the extension's service worker over CDP and waits until its target is gone: puppeteer's
 * `WebWorker.close()`, i.e. `Target.closeTarget` on the service_worker target followed by
 * `Target.detachFromTarget` of puppeteer's own (auto-attached) session. Both are needed: with a
 * DevTools session still attached, `closeTarget` alone leaves the worker wedged — still listed,
 * answering no messages — and `ServiceWorker.stopAllWorkers` from a page session does not stop
 * an extension's worker (both measured on Chromium 156). After this, Chromium treats it like an
 * idle-stopped worker: the next extension event (a tab's message or port, an alarm) starts a
 * fresh instance with fresh globals and a new target id.
 */
export async function stopServiceWorker(browser: Browser, extensionId: string): Promise<StoppedWorker> {
  const started = Date.now();
  const target = runningServiceWorker(browser, extensionId);
  if (!target) throw new Error(`the service worker of ${extensionId} is not running`);
  const targetId = targetIdOf(target);
  const worker = await target.worker();
  if (!worker) throw new Error(`cannot attach to the service worker of ${extensionId}`);
  await worker.close();
  await waitFor(
    () => browser.targets().some((candidate) => targetIdOf(candidate) === targetId),
    (stillThere) => !stillThere,
    `service worker target ${targetId} to disappear`,
    { timeoutMs: 10_000, intervalMs: 25 },
  );
  return { stoppedTargetId: targetId, stopMs: Date.now() - started };
}

/** The CDP target id (puppeteer keeps it private; `_targetId` is stable across puppeteer 24). */
export function targetIdOf(target: Target): string {
  return (target as unknown as { _targetId: string })._targetId;
}
