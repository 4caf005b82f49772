// Firefox smoke test (issue 10 part 5): the Firefox build installs in Debian's firefox-esr, its pages
// render and talk to the background, the overlay works on the demo inbox, and managed storage locks the URL.
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startE2eBackend, type E2eBackend } from './support/backend.js';
import { startThread, waitForView } from './support/conversations.js';
import { buildFirefoxExtension, FIREFOX_ADDON_ID, FIREFOX_PATH, launchFirefoxWithExtension, type FirefoxWithExtension } from './support/firefox.js';
import { baton, clickInShadow, waitForShadow } from './support/overlay.js';
import { screenshot } from './support/screenshot.js';

/** Room for two Firefox starts of up to 90 s each (support/firefox.ts retries a start that times out) and the build. */
const FIREFOX_STARTS_TIMEOUT_MS = 300_000;

let e2e: E2eBackend;
let build: ReturnType<typeof buildFirefoxExtension>;
let firefox: FirefoxWithExtension;
const launched: FirefoxWithExtension[] = [];
const openPages: Page[] = [];

async function launch(options?: Parameters<typeof launchFirefoxWithExtension>[1]): Promise<FirefoxWithExtension> {
  const browser = await launchFirefoxWithExtension(build.dir, options);
  launched.push(browser);
  return browser;
}

function track(page: Page): Page {
  openPages.push(page);
  return page;
}

beforeAll(async () => {
  if (!fs.existsSync(FIREFOX_PATH)) throw new Error(`no Firefox at ${FIREFOX_PATH}: apt-get install -y firefox-esr (.ci/run does)`);
  build = buildFirefoxExtension();
  e2e = await startE2eBackend('firefox_smoke');
  firefox = await launch();
}, FIREFOX_STARTS_TIMEOUT_MS);

afterEach(async () => {
  for (const page of openPages.splice(0)) await page.close().catch(() => undefined);
});

afterAll(async () => {
  for (const browser of launched) await browser.close();
  build?.remove();
  await e2e?.stop();
});

describe('the Firefox build in firefox-esr', () => {
  it('is an MV3 add-on with a fixed id, run-time helpdesk origins and the managed-storage schema', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(build.dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest).toMatchObject({
      manifest_version: 3,
      browser_specific_settings: { gecko: { id: FIREFOX_ADDON_ID } },
      host_permissions: ['http://127.0.0.1/*', 'http://localhost/*'],
      optional_host_permissions: ['http://*/*', 'https://*/*'],
      storage: { managed_schema: 'managed_schema.json' },
      background: { scripts: ['background.js'] },
    });
    expect(fs.existsSync(path.join(build.dir, 'managed_schema.json'))).toBe(true);
  });

  it('installs, and its options page renders with the URL the background answers', async () => {
    expect(firefox.addonId).toBe(FIREFOX_ADDON_ID);
    const options = track(await firefox.openExtensionPage('options.html'));
    await options.waitForSelector('input[name="url"]');
    // The default URL comes from the background (config.get): pages and background talk.
    await options.waitForFunction(() => document.querySelector<HTMLInputElement>('input[name="url"]')?.value === 'http://127.0.0.1:8787');
    const text = await options.evaluate(() => document.body.innerText);
    expect(text).toContain('Backend URL');
    expect(text).toContain('API key or token');
  });

  it('saves the connection in options; on a demo thread the overlay shows and Take Over reaches the backend', async () => {
    const options = track(await firefox.openExtensionPage('options.html'));
    const url = await options.waitForSelector('input[name="url"]');
    await options.waitForFunction(() => (document.querySelector<HTMLInputElement>('input[name="url"]')?.value ?? '') !== '');
    await url!.click({ count: 3 });
    await options.keyboard.press('Backspace');
    await url!.type(e2e.url);
    await options.type('input[name="credential"]', e2e.agents.sam.apiKey);
    await options.click('button[type="submit"]');
    const notice = await options.waitForSelector('p[role="status"]');
    expect(await notice!.evaluate((element) => element.textContent)).toBe('Saved. The backend is reachable.');
    await options.waitForFunction(() => document.querySelector('.signed-in')?.textContent?.includes('Sam Support') === true);
    await screenshot(options, 'firefox-options-connected');

    const thread = await startThread(e2e, 'Do you ship to Canada?');
    const page = track(await firefox.openPage(`${e2e.url}/demo/${e2e.slug}/c/${encodeURIComponent(thread.externalId)}?agent=${encodeURIComponent(e2e.agents.sam.email)}`));
    await page.waitForSelector(`section.hd-thread[data-external-id="${thread.externalId}"]`);
    await waitForShadow(page, 'baton-header', baton('take-over', 'button'));
    await clickInShadow(page, 'baton-header', baton('take-over', 'button'));
    await waitForView(e2e.agents.sam.client, thread.conversationId, (view) => view.takeover?.holder?.agentId === e2e.agents.sam.id, 'Sam to hold the thread (from Firefox)');
    await waitForShadow(page, 'baton-banners', baton('takeover-banner'));
    await screenshot(page, 'firefox-takeover-banner');
  });

  it('its popup renders the connection state', async () => {
    const popup = track(await firefox.openExtensionPage('popup.html'));
    const connection = await popup.waitForSelector('[data-popup="connection"]');
    await popup.waitForFunction(() => document.querySelector('[data-popup="connection"]')?.getAttribute('data-state') === 'online');
    expect(await connection!.evaluate((element) => element.textContent)).toContain('Connected');
    await screenshot(popup, 'firefox-popup');
  });

  it('reads a backend URL set by Firefox managed storage and shows it locked in options', async () => {
    const managed = await launch({ managedStorage: { backendUrl: e2e.url, allowedHelpdeskOrigins: ['http://127.0.0.1:7777'] } });
    const options = track(await managed.openExtensionPage('options.html'));
    await options.waitForFunction((expected) => document.querySelector<HTMLInputElement>('input[name="url"]')?.value === expected, {}, e2e.url);
    expect(await options.$eval('input[name="url"]', (input) => (input as HTMLInputElement).readOnly)).toBe(true);
    await options.waitForSelector('[data-policy="backendUrl"]');
    const policy = await options.evaluate(() => (globalThis as unknown as { browser: { runtime: { sendMessage(message: unknown): Promise<unknown> } } }).browser.runtime.sendMessage({ type: 'policy.get' }));
    expect(policy).toEqual({ ok: true, value: { backendUrl: e2e.url, allowedHelpdeskOrigins: ['http://127.0.0.1:7777'] } });
    await screenshot(options, 'firefox-options-policy-locked-url');
  }, FIREFOX_STARTS_TIMEOUT_MS);
});
