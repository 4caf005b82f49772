// A helpdesk added by configuration (issue 10 part 3) in real Chromium: Fixture Desk, on another 127.0.0.1 port with
// markup unlike the demo inbox, gets Baton's banners once an admin adds it in options; "Test on the current tab"
// outlines what the selectors find; removed → the banners are gone; bad input and a declined permission save nothing.
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HelpdeskAdapterConfig } from '../../shared/helpdesk-adapters.js';
import type { ExtensionBrowser } from './support/browser.js';
import { waitForView } from './support/conversations.js';
import { customerWritesToFixtureDesk, FIXTURE_DESK_CONNECTOR, startFixtureHelpdesk, type FixtureHelpdesk } from './support/fixture-helpdesk.js';
import { fieldError, openOptions, textOf, typeInto } from './support/options.js';
import { baton, clickInShadow, waitForShadow, waitForText } from './support/overlay.js';
import { screenshot } from './support/screenshot.js';
import { SCREENSHOT_DIR } from './support/paths.js';
import { useE2eSuite } from './support/suite.js';
import { waitFor } from './support/wait.js';

const suite = useE2eSuite('generic_adapter', { agents: ['dana', 'sam'] });
let desk: FixtureHelpdesk;

beforeAll(async () => {
  desk = await startFixtureHelpdesk();
});
afterAll(async () => {
  await desk?.stop();
});

/** The form values (input name → text) that describe Fixture Desk at `origin`. */
function deskFormValues(origin: string): Record<string, string> {
  return {
    name: 'Fixture Desk',
    origin,
    sampleUrl: `${origin}/tickets/FD-100001`,
    urlPattern: `^${origin.replace(/[.:/]/g, (char) => (char === '.' ? '\\.' : char))}/tickets/[^/]+$`,
    'conversationId.pattern': '/tickets/([^/?#]+)',
    'selectors.threadHeader': '#ticket-head',
    'selectors.mount': 'article.conversation',
    'selectors.composer': '.reply-box textarea',
    'selectors.sendButton': 'button.reply-send',
    connector: FIXTURE_DESK_CONNECTOR,
  };
}

/** The same as a configuration, for the API. */
function deskConfig(origin: string, id: string, name = 'Fixture Desk'): HelpdeskAdapterConfig {
  const values = deskFormValues(origin);
  return {
    id,
    name,
    origin,
    urlPattern: values.urlPattern!,
    sampleUrl: values.sampleUrl!,
    conversationId: { from: 'url', pattern: values['conversationId.pattern']! },
    selectors: { threadHeader: '#ticket-head', mount: 'article.conversation', composer: '.reply-box textarea', sendButton: 'button.reply-send' },
    connector: FIXTURE_DESK_CONNECTOR,
    channel: 'sms',
  };
}

async function fillHelpdeskForm(page: Page, values: Record<string, string>): Promise<void> {
  for (const [name, value] of Object.entries(values)) await typeInto(page, name, value);
}

async function tenantAdapters(): Promise<{ version: number; origins: string[] }> {
  const settings = (await suite.e2e.admin.settings.get.query()) as { version: number; helpdeskAdapters: { origin: string }[] };
  return { version: settings.version, origins: settings.helpdeskAdapters.map((adapter) => adapter.origin) };
}

/** The content scripts registered at run time, asked from an extension page. */
function registeredScripts(extensionPage: Page): Promise<{ id: string; matches: string[] }[]> {
  type Chrome = { chrome: { scripting: { getRegisteredContentScripts(): Promise<{ id: string; matches: string[] }[]> } } };
  return extensionPage.evaluate(() => (globalThis as unknown as Chrome).chrome.scripting.getRegisteredContentScripts());
}

function hasAccess(extensionPage: Page, origin: string): Promise<boolean> {
  type Chrome = { chrome: { permissions: { contains(request: { origins: string[] }): Promise<boolean> } } };
  return extensionPage.evaluate((pattern) => (globalThis as unknown as Chrome).chrome.permissions.contains({ origins: [pattern] }), `${origin}/*`);
}

/** The helpdesks notice once it contains `expected`. */
function helpdesksNotice(page: Page, expected: RegExp): Promise<string | null> {
  return waitFor(() => textOf(page, '[data-notice="helpdesks"], [data-notice="helpdesk-form"]'), (text) => text !== null && expected.test(text), `the helpdesks notice to match ${expected}`);
}

/** No overlay after the page settled: the content script had time to mount one. */
async function expectNoOverlay(page: Page): Promise<void> {
  await page.waitForSelector('#ticket-head');
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  expect(await page.$$eval('baton-header, baton-banners, baton-reply', (hosts) => hosts.length)).toBe(0);
}

/** Saves only the options page's Helpdesks section as `test-artifacts/e2e/<name>.png` (the page is long). */
async function sectionScreenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.bringToFront();
  const section = await page.waitForSelector('[data-section="helpdesks"]');
  await section!.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) as `${string}.png` });
}

async function openTicket(browser: ExtensionBrowser, externalId: string): Promise<Page> {
  const page = suite.pages.add(browser, await browser.openPage(desk.ticketUrl(externalId)));
  await page.waitForSelector('#ticket-head');
  return page;
}

describe('a helpdesk added by configuration', () => {
  it('admin adds Fixture Desk in options → Test on the current tab outlines what it found → banners there after the grant; removed → gone', async () => {
    const dana = suite.browser('dana');
    const ticket = await customerWritesToFixtureDesk(suite.e2e, desk, 'Hi, my parcel never arrived.');
    const ticketPage = await openTicket(dana, ticket.externalId);
    await expectNoOverlay(ticketPage);

    const options = suite.pages.add(dana, await openOptions(dana));
    await options.click('[data-action="add-helpdesk"]');
    await fillHelpdeskForm(options, deskFormValues(desk.origin));

    // "Test on the current tab": the ticket is the most recently used web tab.
    await options.click('[data-action="test-helpdesk"]');
    const report = await options.waitForSelector('[data-test-report]');
    expect(await report!.evaluate((element) => element.getAttribute('data-test-report'))).toBe('clean');
    expect(await textOf(options, '[data-test-report] [data-role="id"]')).toBe(`Conversation id: ${ticket.externalId}`);
    expect(await textOf(options, '[data-test-report] [data-role="mount"]')).toBe('Banner mount: 1 element');
    const outlined = await ticketPage.$$eval('[data-baton-test]', (elements) => elements.map((element) => `${element.getAttribute('data-baton-test')}=${(element as HTMLElement).style.outline}`));
    expect(outlined).toEqual([
      'threadHeader=rgb(217, 72, 15) solid 3px',
      'mount=rgb(25, 113, 194) solid 3px',
      'composer=rgb(47, 158, 68) solid 3px',
      'sendButton=rgb(156, 54, 181) solid 3px',
    ]);
    // A hidden tab paints nothing (the screenshot waits for frames): show each before capturing it.
    await ticketPage.bringToFront();
    await screenshot(ticketPage, 'generic-adapter-test-on-tab-highlight');
    await sectionScreenshot(options, 'generic-adapter-options-test-report');

    // Adding asks for the origin (127.0.0.1 is a manifest host: granted at once) and saves.
    await options.click('[data-action="save-helpdesk"]');
    await helpdesksNotice(options, /Fixture Desk saved/);
    const row = `[data-helpdesk][data-origin="${desk.origin}"]`;
    await options.waitForSelector(`${row} [data-state="banners"][data-value="true"]`);
    expect(await options.$$eval(`${row} .state`, (states) => states.map((state) => state.textContent))).toEqual(['Access granted in this browser', 'Banners active']);
    expect((await tenantAdapters()).origins).toEqual([desk.origin]);
    expect(await registeredScripts(options)).toEqual([expect.objectContaining({ id: `baton-helpdesk:${desk.origin}`, matches: [`${desk.origin}/*`] })]);
    await sectionScreenshot(options, 'generic-adapter-options-saved');

    // The banners on Fixture Desk's own markup: Take Over in #ticket-head, the takeover banner atop the conversation.
    await ticketPage.bringToFront();
    await ticketPage.reload({ waitUntil: 'domcontentloaded' });
    await clickInShadow(ticketPage, 'baton-header', baton('take-over', 'button'));
    await waitForView(suite.e2e.agents.dana.client, ticket.conversationId, (view) => view.takeover?.holder?.agentId === suite.e2e.agents.dana.id, 'Dana to hold the Fixture Desk conversation');
    await waitForShadow(ticketPage, 'baton-banners', baton('takeover-banner'));
    await waitForText(ticketPage, 'baton-banners', baton('takeover-holder'), /You took over at/);
    expect(await ticketPage.$eval('baton-header', (host) => host.parentElement?.id)).toBe('ticket-head');
    expect(await ticketPage.$eval('baton-banners', (host) => host.parentElement?.className + ':' + String(host.parentElement?.firstElementChild === host))).toBe('conversation:true');
    await screenshot(ticketPage, 'generic-adapter-fixture-desk-banners');

    // Removed: unregistered, the banners are gone on reload; 127.0.0.1 is the manifest's own host, so the browser keeps it.
    await options.bringToFront();
    await options.click(`${row} [data-action="remove"]`);
    await options.click(`${row} [data-action="confirm-remove"]`);
    const removed = await helpdesksNotice(options, /Fixture Desk removed/);
    expect(removed).toContain(`its banners are gone from ${desk.origin} pages. This browser keeps access to ${desk.origin}: Baton needs it for its own backend and demo.`);
    expect((await tenantAdapters()).origins).toEqual([]);
    expect(await registeredScripts(options)).toEqual([]);
    await ticketPage.bringToFront();
    await ticketPage.reload({ waitUntil: 'domcontentloaded' });
    await expectNoOverlay(ticketPage);
  });

  it('an agent receives the tenant’s helpdesks: banners where the browser has access, "Grant access" where it has not; an admin’s removal unregisters it there', async () => {
    const remote = 'http://helpdesk.test:8443';
    await suite.e2e.updateSettings({
      helpdeskAdapters: [deskConfig(desk.origin, '6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b'), deskConfig(remote, '0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d', 'Remote Desk')],
    });
    const sam = suite.browser('sam');
    const options = suite.pages.add(sam, await openOptions(sam));
    const localRow = `[data-helpdesk][data-origin="${desk.origin}"]`;
    const remoteRow = `[data-helpdesk][data-origin="${remote}"]`;
    await options.waitForSelector(`${localRow} [data-state="banners"][data-value="true"]`);
    expect(await options.$$eval(`${remoteRow} .state`, (states) => states.map((state) => state.textContent))).toEqual(['No access in this browser', 'Banners not active']);
    expect(await options.$(`${remoteRow} [data-action="grant"]`)).not.toBeNull();
    expect(await options.$(`${localRow} [data-action="grant"]`)).toBeNull();
    expect(await options.$$('[data-action="add-helpdesk"], [data-action="remove"], [data-action="edit"]')).toEqual([]);
    expect(await textOf(options, '[data-section="helpdesks"] .read-only-reason')).toBe('Only admins can change settings; you are signed in as an agent.');
    await sectionScreenshot(options, 'generic-adapter-options-agent');

    const ticket = await customerWritesToFixtureDesk(suite.e2e, desk, 'Is my order shipped yet?', 'Lee Chan');
    const ticketPage = await openTicket(sam, ticket.externalId);
    await waitForShadow(ticketPage, 'baton-header', baton('take-over', 'button'));

    // An admin removes Fixture Desk elsewhere: the settings.changed event reaches Sam's worker (its stream is
    // open for the banner), which unregisters the script without anyone opening options.
    await suite.e2e.updateSettings({ helpdeskAdapters: [deskConfig(remote, '0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d', 'Remote Desk')] });
    await waitFor(() => registeredScripts(options), (scripts) => scripts.length === 0, 'Sam’s browser to unregister Fixture Desk', { timeoutMs: 10_000 });
    await options.reload({ waitUntil: 'domcontentloaded' });
    await options.waitForSelector(`${remoteRow} [data-state="access"]`);
    expect(await options.$(localRow)).toBeNull();
    await ticketPage.reload({ waitUntil: 'domcontentloaded' });
    await expectNoOverlay(ticketPage);
    await suite.e2e.updateSettings({ helpdeskAdapters: [] });
  });
});

describe('bad input in the helpdesk form saves nothing', () => {
  /** Options with `permissions.request` answering as the user would by clicking Deny (headless Chromium cannot click its prompt). */
  async function optionsWhereThePromptIsDeclined(browser: ExtensionBrowser): Promise<Page> {
    const page = suite.pages.add(browser, await browser.browser.newPage());
    await page.evaluateOnNewDocument(() => {
      const scope = globalThis as unknown as { chrome: { permissions: Record<string, unknown> }; permissionRequests: unknown[] };
      scope.permissionRequests = [];
      const decline = async (request: unknown) => {
        scope.permissionRequests.push(request);
        return false;
      };
      Object.defineProperty(scope.chrome.permissions, 'request', { value: decline, configurable: true, writable: true });
    });
    await page.goto(`chrome-extension://${browser.extensionId}/options.html`, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('form[data-form="settings"]');
    return page;
  }

  const permissionRequests = (page: Page) => page.evaluate(() => (globalThis as unknown as { permissionRequests: unknown[] }).permissionRequests);

  it('a malformed URL or a pattern that matches nothing: inline errors, nothing asked, nothing saved; a declined permission: not added, and the page says why', async () => {
    const dana = suite.browser('dana');
    const before = await tenantAdapters();
    const options = await optionsWhereThePromptIsDeclined(dana);
    await options.click('[data-action="add-helpdesk"]');
    const values = deskFormValues(desk.origin);
    await fillHelpdeskForm(options, values);

    const cases: [string, Record<string, string>, string, string][] = [
      ['a malformed sample URL', { sampleUrl: 'tickets/FD-1' }, 'sampleUrl', 'Sample thread URL must be an http(s) URL of one thread page'],
      ['a malformed origin', { origin: 'http://127.0.0.1:1/tickets' }, 'origin', 'Origin must be an http(s) origin such as https://helpdesk.example.com (no path)'],
      ['a URL pattern that matches no thread URL', { urlPattern: '/conversations/\\d+' }, 'urlPattern', 'Thread URL pattern does not match sample thread URL'],
      ['an id pattern that captures nothing', { 'conversationId.pattern': '/tickets/' }, 'conversationId.pattern', 'Id pattern must capture the id from sample thread URL in its first group'],
      ['a selector the browser refuses', { 'selectors.mount': 'article[' }, 'selectors.mount', 'Banner mount selector is not a valid CSS selector'],
    ];
    for (const [, change, field, message] of cases) {
      await fillHelpdeskForm(options, change);
      await options.click('[data-action="save-helpdesk"]');
      await waitFor(() => fieldError(options, field), (error) => error !== null, `the inline error at ${field}`);
      expect(await fieldError(options, field)).toBe(message);
      expect(await textOf(options, '[data-notice="helpdesk-form"]')).toBe('Nothing was saved: fix the fields marked above.');
      if (field === 'urlPattern') await sectionScreenshot(options, 'generic-adapter-options-bad-pattern');
      await fillHelpdeskForm(options, Object.fromEntries(Object.keys(change).map((name) => [name, values[name]!])));
    }
    expect(await permissionRequests(options)).toEqual([]);

    // Valid, but the browser's prompt is declined: not added, and the page says why; what was typed stays.
    await options.click('[data-action="save-helpdesk"]');
    const why = await helpdesksNotice(options, /was not added/);
    expect(why).toBe(`Fixture Desk was not added: access to ${desk.origin} was not granted (the browser’s permission prompt was declined). Baton needs it to show its banners on that helpdesk’s pages.`);
    expect(await fieldError(options, 'origin')).toBe(`Access to ${desk.origin} was not granted`);
    expect(await permissionRequests(options)).toEqual([{ origins: [`${desk.origin}/*`] }]);
    expect(await options.$eval('[name="selectors.mount"]', (input) => (input as HTMLInputElement).value)).toBe('article.conversation');
    await sectionScreenshot(options, 'generic-adapter-options-declined');
    expect(await tenantAdapters()).toEqual(before);
  });

  it('an origin the manifest does not cover opens the browser’s real prompt: nothing is saved while it waits unanswered', async () => {
    const dana = suite.browser('dana');
    const before = await tenantAdapters();
    const options = suite.pages.add(dana, await openOptions(dana));
    await options.click('[data-action="add-helpdesk"]');
    await fillHelpdeskForm(options, deskFormValues('http://helpdesk.test:8443'));
    await options.click('[data-action="save-helpdesk"]');
    await waitFor(() => textOf(options, '[data-action="save-helpdesk"]'), (text) => text === 'Saving… (answer the browser’s prompt if it asks)', 'the save button to wait for the prompt');
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await textOf(options, '[data-action="save-helpdesk"]')).toBe('Saving… (answer the browser’s prompt if it asks)');
    expect(await hasAccess(options, 'http://helpdesk.test:8443')).toBe(false);
    expect(await tenantAdapters()).toEqual(before);
  });
});
