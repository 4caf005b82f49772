// One e2e file's fixture: a backend of its own, a Chromium with the extension per agent, and the pages its tests open.
import type { Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startE2eBackend, type AgentName, type E2eBackend } from './backend.js';
import { launchBrowserWithExtension, type ExtensionBrowser } from './browser.js';
import { trackPages, type PageTracker } from './page-tracker.js';

export interface E2eSuiteOptions {
  /** The agents whose browsers start with the file, each signed in with its own key, in this order; default `['sam']`. */
  agents?: AgentName[];
  /** Variables for the backend's environment, read when `beforeAll` starts it (so an earlier hook may set them up). */
  backendEnv?: () => Record<string, string>;
}

/** What {@link useE2eSuite} gives a file; `e2e` and the browsers exist once its `beforeAll` has run. */
export interface E2eSuite {
  /** The file's backend. */
  readonly e2e: E2eBackend;
  /** Sam's browser (Sam Support, an agent in the Support team). */
  readonly sam: ExtensionBrowser;
  /** The browser launched for `agent` with the file. */
  browser(agent: AgentName): ExtensionBrowser;
  /** Pages and extra browsers a test opens: closed after each test, captured when it fails. */
  readonly pages: PageTracker;
  /** Opens demo thread `externalId` in `agent`'s browser as that agent (`?agent=<email>` plus `query`), tracked. */
  openThread(agent: AgentName, externalId: string, query?: Record<string, string>): Promise<Page>;
  /** Opens demo thread `externalId` in a browser the test launched itself, as the agent with `email`, tracked. */
  openAs(browser: ExtensionBrowser, externalId: string, email: string): Promise<Page>;
}

/**
 * Registers the file's hooks: `beforeAll` starts the backend (its database named after `label`)
 * and one browser per agent, `afterEach` cleans up the test's pages, `afterAll` closes the
 * browsers and stops the backend. Call it at the top level of a test file.
 *
 * @example
 * const suite = useE2eSuite('takeover');
 * it('…', async () => {
 *   const thread = await startThread(suite.e2e, 'Hello');
 *   const page = await suite.openThread('sam', thread.externalId);
 * });
 */
export function useE2eSuite(label: string, options: E2eSuiteOptions = {}): E2eSuite {
  const agents = options.agents ?? ['sam'];
  const pages = trackPages();
  let backend: E2eBackend | undefined;
  const browsers = new Map<AgentName, ExtensionBrowser>();

  beforeAll(async () => {
    backend = await startE2eBackend(label, { env: options.backendEnv?.() });
    for (const agent of agents) {
      browsers.set(agent, await launchBrowserWithExtension({ apiKey: backend.agents[agent].apiKey, backendUrl: backend.url, label: agent }));
    }
  });

  afterEach((context) => pages.cleanUp(context));

  afterAll(async () => {
    for (const agent of agents) await browsers.get(agent)?.close();
    await backend?.stop();
  });

  const suite: E2eSuite = {
    get e2e() {
      if (!backend) throw new Error(`e2e suite ${label}: the backend is not started (read suite.e2e inside a test or hook)`);
      return backend;
    },
    get sam() {
      return suite.browser('sam');
    },
    browser(agent) {
      const browser = browsers.get(agent);
      if (!browser) throw new Error(`e2e suite ${label}: no browser for ${agent} (agents: ${agents.join(', ')}; read it inside a test or hook)`);
      return browser;
    },
    pages,
    openThread(agent, externalId, query = {}) {
      return open(suite.browser(agent), externalId, { agent: suite.e2e.agents[agent].email, ...query });
    },
    openAs(browser, externalId, email) {
      return open(browser, externalId, { agent: email });
    },
  };

  async function open(browser: ExtensionBrowser, externalId: string, query: Record<string, string>): Promise<Page> {
    return pages.add(browser, await browser.openThread(suite.e2e.slug, externalId, query));
  }

  return suite;
}
