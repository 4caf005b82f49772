// Launches Debian's Chromium with the built extension loaded, configures it like an agent would, opens demo threads.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { inject } from 'vitest';
import { LOCAL_ONLY_CHROMIUM_ARGS } from '../../support/chromium.js';
import { BUILT_EXTENSION_DIR, CHROMIUM_PATH } from './paths.js';
import { stopServiceWorker, waitForServiceWorker, runningServiceWorker, type StoppedWorker } from './service-worker.js';

export interface LaunchOptions {
  /** The credential saved in the extension (an agent-bound API key). */
  apiKey: string;
  /** The backend the extension talks to. */
  backendUrl: string;
  /** Where the demo inbox is served; default `backendUrl` (differs when a test points the extension elsewhere). */
  demoUrl?: string;
  /** `options-page` (default) fills the options form like a user; `skip` leaves the extension unconfigured. */
  configure?: 'options-page' | 'skip';
  /** Loads the extension from this folder instead of the run's build (its id follows from the path). */
  extensionDir?: string;
  /** For logs and screenshots. */
  label?: string;
}

/** Problems a page reported: uncaught errors, console errors, dialogs (an `alert` would be an XSS). */
export interface PageProblems {
  pageErrors: string[];
  consoleErrors: string[];
  dialogs: string[];
}

export interface ExtensionBrowser {
  browser: Browser;
  extensionId: string;
  label: string;
  /** Opens `/demo/<slug>/c/<externalId>` in a new tab and waits for the thread to render. */
  openThread(slug: string, externalId: string, query?: Record<string, string>): Promise<Page>;
  /** Opens any page in a new tab, watched for problems. */
  openPage(url: string): Promise<Page>;
  /** What each page opened through this browser reported. */
  problems(page: Page): PageProblems;
  /** Stops the extension's service worker (CDP) and waits until it is gone. */
  stopServiceWorker(): Promise<StoppedWorker>;
  /** Whether the extension's service worker runs right now. */
  serviceWorkerRunning(): boolean;
  close(): Promise<void>;
}

/** The extension folder: the run's fresh build from the global setup, else `dist/extension/chrome-mv3`. */
export function extensionDir(): string {
  let provided: string | undefined;
  try {
    provided = inject('e2eExtensionDir');
  } catch {
    provided = undefined;
  }
  const dir = provided ?? BUILT_EXTENSION_DIR;
  if (!fs.existsSync(path.join(dir, 'manifest.json'))) throw new Error(`no built extension at ${dir}: run npx wxt build`);
  return dir;
}

/**
 * Launches headless Chromium (a fresh profile) with the extension, finds its id from the
 * service worker target and saves the backend URL and credential through the options page.
 *
 * @example const agent = await launchBrowserWithExtension({ apiKey: sam.apiKey, backendUrl: e2e.url });
 */
export async function launchBrowserWithExtension(options: LaunchOptions): Promise<ExtensionBrowser> {
  const label = options.label ?? 'agent';
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), `baton-e2e-profile-${label}-`));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    pipe: true,
    enableExtensions: [options.extensionDir ?? extensionDir()],
    userDataDir,
    args: [...LOCAL_ONLY_CHROMIUM_ARGS],
    defaultViewport: { width: 1280, height: 900 },
    protocolTimeout: 60_000,
  });
  const problemsByPage = new WeakMap<Page, PageProblems>();
  const watch = (page: Page) => {
    const problems: PageProblems = { pageErrors: [], consoleErrors: [], dialogs: [] };
    problemsByPage.set(page, problems);
    page.on('pageerror', (error) => problems.pageErrors.push(String((error as Error)?.message ?? error)));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.consoleErrors.push(message.text());
    });
    page.on('dialog', (dialog) => {
      problems.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss().catch(() => undefined);
    });
    page.setDefaultTimeout(30_000);
    return page;
  };
  const close = async () => {
    await browser.close().catch(() => undefined);
    fs.rmSync(userDataDir, { recursive: true, force: true });
  };
  try {
    const worker = await waitForServiceWorker(browser);
    const extensionId = new URL(worker.url()).host;
    if (options.configure !== 'skip') await configureThroughOptionsPage(browser, extensionId, options);
    const demoUrl = options.demoUrl ?? options.backendUrl;
    return {
      browser,
      extensionId,
      label,
      async openThread(slug, externalId, query) {
        const search = query && Object.keys(query).length ? `?${new URLSearchParams(query).toString()}` : '';
        const page = watch(await browser.newPage());
        await page.goto(`${demoUrl}/demo/${slug}/c/${encodeURIComponent(externalId)}${search}`, { waitUntil: 'domcontentloaded' });
        await page.waitForSelector(`section.hd-thread[data-external-id="${cssString(externalId)}"]`, { timeout: 20_000 });
        return page;
      },
      async openPage(url) {
        const page = watch(await browser.newPage());
        await page.goto(url, { waitUntil: 'domcontentloaded' });
        return page;
      },
      problems: (page) => problemsByPage.get(page) ?? { pageErrors: [], consoleErrors: [], dialogs: [] },
      stopServiceWorker: () => stopServiceWorker(browser, extensionId),
      serviceWorkerRunning: () => runningServiceWorker(browser, extensionId) !== null,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Opens `chrome-extension://<id>/options.html`, types the backend URL and the credential, saves,
 * and waits for the page's notice (an unreachable backend still saves: the notice says so).
 */
export async function configureThroughOptionsPage(browser: Browser, extensionId: string, options: Pick<LaunchOptions, 'apiKey' | 'backendUrl'>): Promise<string> {
  const page = await browser.newPage();
  try {
    await page.goto(`chrome-extension://${extensionId}/options.html`, { waitUntil: 'domcontentloaded' });
    const url = await page.waitForSelector('input[name="url"]');
    // The form fills the URL from the background first; typing before that would be overwritten.
    await page.waitForFunction(() => (document.querySelector<HTMLInputElement>('input[name="url"]')?.value ?? '') !== '');
    await url!.click({ count: 3 });
    await page.keyboard.press('Backspace');
    await url!.type(options.backendUrl);
    await page.type('input[name="credential"]', options.apiKey);
    await page.click('button[type="submit"]');
    const outcome = await page.waitForSelector('p[role="status"], .field-error', { timeout: 20_000 });
    const text = (await outcome!.evaluate((element) => `${element.className}: ${element.textContent ?? ''}`)) ?? '';
    if (text.startsWith('field-error')) throw new Error(`the options page rejected the configuration: ${text}`);
    return text;
  } finally {
    await page.close();
  }
}

function cssString(value: string): string {
  return value.replace(/["\\]/g, '\\$&');
}
