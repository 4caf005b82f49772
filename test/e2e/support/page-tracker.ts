// Keeps the pages (and extra browsers) a test opened: on failure saves screenshots and what the pages reported, then closes them.
import type { Page } from 'puppeteer-core';
import type { TestContext } from 'vitest';
import type { ExtensionBrowser } from './browser.js';
import { overlayText } from './overlay.js';
import { screenshot } from './screenshot.js';

export interface PageTracker {
  /** Registers a page opened through `browser` and returns it. */
  add(browser: ExtensionBrowser, page: Page): Page;
  /** Registers a browser launched for this test only; it is closed after the test. */
  addBrowser(browser: ExtensionBrowser): ExtensionBrowser;
  /**
   * For `afterEach`: on failure saves `FAILED-<test>-<n>.png` and prints each page's problems;
   * then closes the pages and the test's own browsers.
   */
  cleanUp(context: TestContext): Promise<void>;
}

export function trackPages(): PageTracker {
  let tracked: { browser: ExtensionBrowser; page: Page }[] = [];
  let browsers: ExtensionBrowser[] = [];
  return {
    add(browser, page) {
      tracked.push({ browser, page });
      return page;
    },
    addBrowser(browser) {
      browsers.push(browser);
      return browser;
    },
    async cleanUp(context) {
      const pages = tracked;
      const ownBrowsers = browsers;
      tracked = [];
      browsers = [];
      if (context.task.result?.state === 'fail') {
        for (const [index, { browser, page }] of pages.entries()) {
          if (page.isClosed()) continue;
          try {
            const file = await screenshot(page, `FAILED-${context.task.name.slice(0, 60)}-${index + 1}`);
            console.log(`[e2e] ${browser.label}: ${page.url()}\n  screenshot: ${file}\n  overlay text: ${await overlayText(page)}\n  problems: ${JSON.stringify(browser.problems(page))}`);
          } catch (error) {
            console.log(`[e2e] could not capture ${page.url()}: ${(error as Error).message}`);
          }
        }
      }
      await Promise.all(pages.map(({ page }) => page.close().catch(() => undefined)));
      await Promise.all(ownBrowsers.map((browser) => browser.close()));
    },
  };
}
