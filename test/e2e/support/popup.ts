// Opens the extension's toolbar popup as a click on its icon does (chrome.action.openPopup in the service
// worker, Chrome ≥ 127, measured to work headless in Chromium 156) and reads it through its `data-popup` names.
import type { Page } from 'puppeteer-core';
import type { ExtensionBrowser } from './browser.js';
import type { OverlayHost } from './overlay.js';
import { waitForServiceWorker } from './service-worker.js';
import { DEFAULT_WAIT_MS, waitFor } from './wait.js';

/** `[data-popup="name"]`. */
export function popupPart(name: string): string {
  return `[data-popup="${name}"]`;
}

/**
 * Makes `activeTab` the active tab of its window and opens the toolbar popup over it, so the popup's
 * "This tab" is that page's thread; returns the popup page once it has rendered its first state.
 * A popup left open from before is closed first (a window has one popup at a time).
 */
export async function openToolbarPopup(browser: ExtensionBrowser, activeTab: Page): Promise<Page> {
  const popupUrl = `chrome-extension://${browser.extensionId}/popup.html`;
  for (const target of browser.browser.targets().filter((candidate) => candidate.url() === popupUrl)) {
    await (await target.asPage()).close().catch(() => undefined);
  }
  await activeTab.bringToFront();
  const worker = await (await waitForServiceWorker(browser.browser, browser.extensionId)).worker();
  if (!worker) throw new Error('cannot attach to the extension service worker');
  const opened = browser.browser.waitForTarget((target) => target.url() === popupUrl, { timeout: 10_000 });
  await worker.evaluate('chrome.action.openPopup()');
  const popup = await (await opened).asPage();
  popup.setDefaultTimeout(DEFAULT_WAIT_MS);
  await popup.waitForSelector(popupPart('current-tab'));
  return popup;
}

/** Opens `popup.html` in a tab of its own (no tab to be about): for the states that need no helpdesk page. */
export async function openPopupAsPage(browser: ExtensionBrowser): Promise<Page> {
  const page = await browser.openPage(`chrome-extension://${browser.extensionId}/popup.html`);
  await page.setViewport({ width: 360, height: 240 }); // the screenshot grows to the content (fullPage)
  await page.waitForSelector(`${popupPart('current-tab')}, ${popupPart('connection')}`);
  return page;
}

/** The text of the first `data-popup="name"` inside `within` (whitespace collapsed), or null. */
export async function popupText(popup: Page, name: string, within = ''): Promise<string | null> {
  const element = await popup.$(`${within} ${popupPart(name)}`.trim());
  if (!element) return null;
  return element.evaluate((node) => (node.textContent ?? '').replace(/\s+/g, ' ').trim());
}

/** Waits until that text contains `expected` (or matches it); returns it. */
export async function waitForPopupText(popup: Page, name: string, expected: string | RegExp, within = ''): Promise<string> {
  const matches = (text: string | null) => text !== null && (typeof expected === 'string' ? text.includes(expected) : expected.test(text));
  return (await waitFor(() => popupText(popup, name, within), matches, `popup ${within} ${name} to show ${String(expected)}`))!;
}

/** Clicks `data-popup="name"` (inside `within`) once it is enabled. */
export async function clickPopup(popup: Page, name: string, within = ''): Promise<void> {
  const selector = `${within} ${popupPart(name)}:not([disabled])`.trim();
  const element = await popup.waitForSelector(selector, { visible: true });
  await element!.click();
}

/** The URL of the active tab of the last focused window, as the extension sees it (host access to 127.0.0.1). */
export async function activeTabUrl(browser: ExtensionBrowser): Promise<string | null> {
  const worker = await (await waitForServiceWorker(browser.browser, browser.extensionId)).worker();
  if (!worker) throw new Error('cannot attach to the extension service worker');
  return (await worker.evaluate('chrome.tabs.query({ active: true, lastFocusedWindow: true }).then(([tab]) => tab?.url ?? null)')) as string | null;
}

/**
 * Waits inside the page (polling every 20 ms) until nothing matches `selector` in the host's shadow
 * root, and returns the page's `Date.now()` then: for "the banner follows within 1 s".
 */
export async function pageTimeWhenGone(page: Page, host: OverlayHost, selector: string, timeoutMs = DEFAULT_WAIT_MS): Promise<number> {
  const handle = await page.waitForFunction(
    (hostName, css) => (document.querySelector(hostName)?.shadowRoot?.querySelector(css) ? false : Date.now()),
    { polling: 20, timeout: timeoutMs },
    host,
    selector,
  );
  return (await handle.jsonValue()) as number;
}
