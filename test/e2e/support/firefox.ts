// Builds the Firefox extension and drives Debian's firefox-esr over WebDriver BiDi with it installed, reaching only 127.0.0.1.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { REPO_ROOT } from './paths.js';

/** Debian's Firefox ESR (.ci/run installs it); override with BATON_E2E_FIREFOX. */
export const FIREFOX_PATH = process.env.BATON_E2E_FIREFOX ?? '/usr/bin/firefox-esr';

/** The add-on id of the Firefox build (wxt.config.ts, browser_specific_settings.gecko.id). */
export const FIREFOX_ADDON_ID = 'baton@baton.local';

/**
 * The moz-extension:// host the tests give the add-on. Firefox picks a random one per profile
 * unless the `extensions.webextensions.uuids` pref maps the add-on id to one before install.
 */
const ADDON_UUID = '6f1c2a7e-3b9d-4e15-8c40-b2a9d7e5f310';

/**
 * Everything but 127.0.0.1 / localhost goes to a proxy at 127.0.0.1:9 that nobody answers (an HTTP
 * proxy also does the DNS look-ups, so none happen here), and the services Firefox calls on its own
 * are off on top of what puppeteer already turns off.
 */
export const LOCAL_ONLY_FIREFOX_PREFS: Readonly<Record<string, unknown>> = {
  'network.proxy.type': 1,
  'network.proxy.http': '127.0.0.1',
  'network.proxy.http_port': 9,
  'network.proxy.ssl': '127.0.0.1',
  'network.proxy.ssl_port': 9,
  'network.proxy.no_proxies_on': 'localhost, 127.0.0.1',
  'network.proxy.allow_hijacking_localhost': false,
  'network.dns.disablePrefetch': true,
  'network.prefetch-next': false,
  'network.predictor.enabled': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'extensions.getAddons.cache.enabled': false,
  'extensions.update.enabled': false,
  'app.normandy.enabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'toolkit.telemetry.enabled': false,
};

/** `npm run build:extension:firefox` into a temporary folder; returns the firefox-mv3 folder. */
export function buildFirefoxExtension(): { dir: string; remove(): void } {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-e2e-firefox-'));
  // As test/e2e/support/global-setup.ts: no NODE_ENV=test in the build (React's dev JSX runtime).
  const { NODE_ENV: _testMode, ...env } = process.env;
  const script = `import { build } from 'wxt'; await build({ outDir: process.argv[1], browser: 'firefox' });`;
  try {
    execFileSync(process.execPath, ['--input-type=module', '-e', script, outDir], { cwd: REPO_ROOT, stdio: 'pipe', env: { ...env, NO_COLOR: '1' } });
  } catch (error) {
    const failure = error as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`the Firefox build (wxt -b firefox) failed:\n${failure.stdout?.toString() ?? ''}${failure.stderr?.toString() ?? ''}`);
  }
  const dir = path.join(outDir, 'firefox-mv3');
  if (!fs.existsSync(path.join(dir, 'manifest.json'))) throw new Error(`the Firefox build left no manifest.json in ${dir}`);
  return { dir, remove: () => fs.rmSync(outDir, { recursive: true, force: true }) };
}

export interface FirefoxWithExtension {
  browser: Browser;
  /** What `browser.installExtension` answered: the add-on id. */
  addonId: string;
  /** `moz-extension://<uuid>`: where the add-on's pages are. */
  extensionOrigin: string;
  /** Opens an add-on page (`options.html`, `popup.html`) in a new tab, loaded. */
  openExtensionPage(file: string): Promise<Page>;
  /** Opens a web page in a new tab. */
  openPage(url: string): Promise<Page>;
  close(): Promise<void>;
}

export interface FirefoxLaunchOptions {
  /** Policy values for the add-on's `storage.managed` (a managed-storage manifest in a private HOME). */
  managedStorage?: Record<string, unknown>;
}

/**
 * Launches headless firefox-esr (a fresh profile, a private HOME) and installs the add-on from
 * `extensionDir` as a temporary add-on over WebDriver BiDi.
 *
 * `--remote-allow-system-access`: without it BiDi refuses to navigate to moz-extension:// pages
 * ("not allowed in this context", measured on 153 ESR). Add-on pages are loaded with BiDi's
 * `browsingContext.navigate(…, 'complete')` directly: puppeteer's `goto` waits for a network
 * response that a moz-extension:// load never reports.
 */
export async function launchFirefoxWithExtension(extensionDir: string, options: FirefoxLaunchOptions = {}): Promise<FirefoxWithExtension> {
  const { browser, home } = await startFirefox(options);
  const close = async () => {
    await browser.close().catch(() => undefined);
    fs.rmSync(home, { recursive: true, force: true });
  };
  try {
    const addonId = await browser.installExtension(extensionDir);
    const extensionOrigin = `moz-extension://${ADDON_UUID}`;
    return {
      browser,
      addonId,
      extensionOrigin,
      async openExtensionPage(file) {
        const page = await browser.newPage();
        page.setDefaultTimeout(20_000);
        const context = (page.mainFrame() as unknown as { browsingContext: { navigate(url: string, wait: 'complete'): Promise<unknown> } }).browsingContext;
        await context.navigate(`${extensionOrigin}/${file}`, 'complete');
        return page;
      },
      async openPage(url) {
        const page = await browser.newPage();
        page.setDefaultTimeout(20_000);
        await page.goto(url, { waitUntil: 'domcontentloaded' });
        return page;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * How long one Firefox start may take to print its WebDriver BiDi endpoint. Puppeteer's default is
 * 30 s; a CI machine that had just installed firefox-esr once needed longer (the whole start timed
 * out), while a warm start here takes about 2 s.
 */
const FIREFOX_START_TIMEOUT_MS = 90_000;

/** Starts headless firefox-esr in a fresh profile and private HOME; one more try with a new HOME if the first start times out. */
async function startFirefox(options: FirefoxLaunchOptions): Promise<{ browser: Browser; home: string }> {
  for (let attempt = 1; ; attempt += 1) {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-e2e-firefox-home-'));
    if (options.managedStorage) writeManagedStorageManifest(home, options.managedStorage);
    const startedAt = Date.now();
    try {
      const browser = await puppeteer.launch({
        browser: 'firefox',
        executablePath: FIREFOX_PATH,
        headless: true,
        args: ['--remote-allow-system-access'],
        env: { ...process.env, HOME: home },
        extraPrefsFirefox: { ...LOCAL_ONLY_FIREFOX_PREFS, 'extensions.webextensions.uuids': JSON.stringify({ [FIREFOX_ADDON_ID]: ADDON_UUID }) },
        defaultViewport: { width: 1280, height: 900 },
        protocolTimeout: 60_000,
        timeout: FIREFOX_START_TIMEOUT_MS,
      });
      return { browser, home };
    } catch (error) {
      fs.rmSync(home, { recursive: true, force: true });
      if (attempt >= 2) throw error;
      console.warn(`[e2e] firefox-esr did not start within ${Date.now() - startedAt} ms (${String(error)}); trying once more`);
    }
  }
}

/**
 * Firefox's per-user managed storage: `$HOME/.mozilla/managed-storage/<add-on id>.json`, a native
 * manifest of type `storage` whose `data` is what `storage.managed` answers (what an IT department
 * deploys, or sets with the `3rdparty` enterprise policy).
 */
function writeManagedStorageManifest(home: string, data: Record<string, unknown>): void {
  const folder = path.join(home, '.mozilla', 'managed-storage');
  fs.mkdirSync(folder, { recursive: true });
  const manifest = { name: FIREFOX_ADDON_ID, description: 'Baton policy (e2e)', type: 'storage', data };
  fs.writeFileSync(path.join(folder, `${FIREFOX_ADDON_ID}.json`), JSON.stringify(manifest, null, 2));
}
