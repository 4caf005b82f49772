// Launches Debian's Chromium headless (with or without the built Baton extension) and tears it down.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser, type CDPSession, type Page } from 'puppeteer-core';
import { LOCAL_ONLY_CHROMIUM_ARGS } from '../../test/support/chromium.js';

export const CHROMIUM_PATH = process.env.BENCH_CHROMIUM ?? '/usr/bin/chromium';
const VIEWPORT = { width: 1280, height: 900 };

export interface BenchBrowser {
  label: string;
  browser: Browser;
  page: Page;
  /** CDP session of the page (Performance, HeapProfiler, Runtime, Profiler). */
  session: CDPSession;
  close(): Promise<void>;
}

/** Puppeteer's launch options for this machine (toolchain.md); `extensionDir` loads an unpacked build. */
function launchOptions(userDataDir: string, extensionDir: string | null) {
  return {
    executablePath: CHROMIUM_PATH,
    headless: true,
    pipe: true,
    userDataDir,
    defaultViewport: VIEWPORT,
    // The bench's own Ctrl-C handler closes the browsers and removes the profiles (puppeteer's would exit first).
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    ...(extensionDir ? { enableExtensions: [extensionDir] } : {}),
    args: [
      ...LOCAL_ONLY_CHROMIUM_ARGS,
      // Timers of the measured page must not be throttled as a background tab's would be.
      '--disable-background-timer-throttling',
      '--disable-renderer-backgrounding',
      '--disable-backgrounding-occluded-windows',
    ],
  };
}

/**
 * Launches a fresh profile; with `extension`, waits for the service worker and writes the backend
 * configuration (`backendConfig` = `{url, credential}`) into the extension's storage before any page opens.
 */
export async function launchBenchBrowser(
  label: string,
  extension: { dir: string; backendUrl: string; credential: string } | null,
): Promise<BenchBrowser> {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), `baton-bench-overlay-${label}-`));
  let browser: Browser | null = null;
  const close = async () => {
    if (browser) {
      const process = browser.process();
      await Promise.race([browser.close().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 5000))]);
      if (process && process.exitCode === null && process.signalCode === null) process.kill('SIGKILL');
    }
    fs.rmSync(userDataDir, { recursive: true, force: true });
  };
  try {
    browser = await puppeteer.launch(launchOptions(userDataDir, extension?.dir ?? null));
    if (extension) await configureExtension(browser, extension.backendUrl, extension.credential);
    const page = (await browser.pages())[0] ?? (await browser.newPage());
    const session = await page.createCDPSession();
    return { label, browser, page, session, close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function configureExtension(browser: Browser, backendUrl: string, credential: string): Promise<void> {
  const target = await browser
    .waitForTarget((candidate) => candidate.type() === 'service_worker' && candidate.url().endsWith('/background.js'), { timeout: 15_000 })
    .catch(() => {
      throw new Error('The extension did not start: no service worker ending in /background.js within 15 s (is dist/extension/chrome-mv3 a valid build?)');
    });
  const worker = await target.worker();
  if (!worker) throw new Error('The extension service worker target has no worker');
  // Evaluated right as the worker starts, `chrome` may not be bound yet: wait for it.
  const deadline = Date.now() + 10_000;
  while ((await worker.evaluate('typeof chrome === "object" && !!chrome.storage')) !== true) {
    if (Date.now() > deadline) throw new Error('The extension service worker has no chrome.storage after 10 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // A string, not a function: tsx's transpiled functions may reference helpers the worker lacks.
  const config = JSON.stringify({ url: backendUrl, credential });
  await worker.evaluate(`chrome.storage.local.set({ backendConfig: ${config} })`);
  const stored = await worker.evaluate(`chrome.storage.local.get('backendConfig').then((items) => items.backendConfig && items.backendConfig.url)`);
  if (stored !== backendUrl) throw new Error(`Could not write backendConfig into the extension's storage (read back ${JSON.stringify(stored)})`);
}
