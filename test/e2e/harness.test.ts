// The e2e harness itself: Chromium starts with the built extension, the options page saves the
// connection, backend pages load in a tab, and stopping the service worker over CDP really stops it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowserWithExtension, type ExtensionBrowser } from './support/browser.js';
import { startE2eBackend, type E2eBackend } from './support/backend.js';
import { runningServiceWorker, waitForServiceWorker, targetIdOf } from './support/service-worker.js';

let e2e: E2eBackend;
let agent: ExtensionBrowser;

beforeAll(async () => {
  e2e = await startE2eBackend('harness');
  agent = await launchBrowserWithExtension({ apiKey: e2e.agents.sam.apiKey, backendUrl: e2e.url, label: 'sam' });
});

afterAll(async () => {
  await agent?.close();
  await e2e?.stop();
});

/** The background's stored configuration, read inside the service worker. */
async function storedConfig(browser: ExtensionBrowser): Promise<unknown> {
  const target = await waitForServiceWorker(browser.browser, browser.extensionId);
  const worker = await target.worker();
  return worker!.evaluate(async () => {
    const storage = (globalThis as unknown as { chrome: { storage: { local: { get(key: string): Promise<Record<string, unknown>> } } } }).chrome.storage.local;
    return (await storage.get('backendConfig')).backendConfig;
  });
}

describe('the e2e harness', () => {
  it('loads the extension: a service worker at chrome-extension://<id>/background.js', () => {
    expect(agent.extensionId).toMatch(/^[a-p]{32}$/);
    expect(agent.serviceWorkerRunning()).toBe(true);
  });

  it('saved the backend URL and the agent key through the options page', async () => {
    expect(await storedConfig(agent)).toEqual({ url: e2e.url, credential: e2e.agents.sam.apiKey });
    const options = await agent.openPage(`chrome-extension://${agent.extensionId}/options.html`);
    await options.waitForFunction((url) => document.querySelector<HTMLInputElement>('input[name="url"]')?.value === url, {}, e2e.url);
    await options.close();
  });

  it('opens the backend in a tab: /healthz answers', async () => {
    const page = await agent.openPage(`${e2e.url}/healthz`);
    const body = JSON.parse(await page.evaluate(() => document.body.innerText)) as { status: string };
    expect(body.status).toMatch(/ok|degraded/);
    await page.close();
  });

  it('opens the demo inbox at /demo/<slug>', async () => {
    const page = await agent.openPage(`${e2e.url}/demo/${e2e.slug}`);
    await page.waitForSelector('#hd-app .hd-conversation-list', { timeout: 15_000 });
    await page.close();
  });

  it('stops the service worker over CDP; the next extension event starts a fresh one', async () => {
    const before = runningServiceWorker(agent.browser, agent.extensionId)!;
    const worker = await before.worker();
    await worker!.evaluate(() => void ((globalThis as { e2eMarker?: number }).e2eMarker = 42));

    const stopped = await agent.stopServiceWorker();
    expect(stopped.stoppedTargetId).toBe(targetIdOf(before));
    expect(agent.serviceWorkerRunning()).toBe(false);

    // An extension event (the options page asks the background for the configuration) wakes it.
    const options = await agent.openPage(`chrome-extension://${agent.extensionId}/options.html`);
    await options.waitForFunction((url) => document.querySelector<HTMLInputElement>('input[name="url"]')?.value === url, {}, e2e.url);
    const after = await waitForServiceWorker(agent.browser, agent.extensionId);
    expect(targetIdOf(after)).not.toBe(stopped.stoppedTargetId);
    const fresh = await after.worker();
    expect(await fresh!.evaluate(() => (globalThis as { e2eMarker?: number }).e2eMarker ?? null)).toBeNull();
    expect(await storedConfig(agent)).toEqual({ url: e2e.url, credential: e2e.agents.sam.apiKey });

    // And again: stopping is repeatable.
    await agent.stopServiceWorker();
    expect(agent.serviceWorkerRunning()).toBe(false);
    await options.close();
  });
});
