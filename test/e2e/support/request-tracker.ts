// One e2e file against a real Request Tracker 5: a private RT, a backend whose tenant reads it through the
// `rt` connector (cadence on, an escalating routing rule, RT's origin as a configured helpdesk), Baton agents
// named like RT's alice (escalated team) and bob (not), and alice's Chromium with the extension, signed in to RT.
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { z } from 'zod';
import type { HelpdeskAdapterConfig } from '../../../shared/helpdesk-adapters.js';
import { signInThroughBrowser, waitForTicketHistory } from '../../helpdesks/request-tracker/rt-browser.js';
import { startRtInstance, type RtInstance, type RtUser } from '../../helpdesks/request-tracker/rt-instance.js';
import { ticketHistory, type RtHistoryEntry } from '../../helpdesks/request-tracker/rt-rest.js';
import { createTestClient } from '../../support/trpc-client.js';
import { startE2eBackend, type E2eAgent, type E2eBackend } from './backend.js';
import { launchBrowserWithExtension, type ExtensionBrowser } from './browser.js';
import { trackPages, type PageTracker } from './page-tracker.js';
import { SCREENSHOT_DIR } from './paths.js';
import { waitFor } from './wait.js';

/** The connector's poll interval in these tests (production default 2000 ms). */
export const RT_POLL_INTERVAL_MS = 1_000;

/** The escalating routing rule: a customer mail with this word opens an escalation to Support. */
export const ESCALATING_WORD = 'refund';
export const ESCALATION_REASON = 'Customer asks for a refund';

export interface RtE2eOptions {
  /** Every AI reply is held this long (cadence min = max). */
  cadenceSeconds: number;
}

/** What {@link useRtE2eSuite} gives a file; everything exists once its `beforeAll` has run. */
export interface RtE2eSuite {
  readonly rt: RtInstance;
  readonly e2e: E2eBackend;
  /** Baton agent alice@example.test, in the Support team (the escalated team); RT's `alice`. */
  readonly alice: E2eAgent;
  /** Baton agent bob@example.test, in no team; RT's `bob`. */
  readonly bob: E2eAgent;
  /** Alice's Chromium with the extension (her key), signed in to RT as alice. */
  readonly aliceBrowser: ExtensionBrowser;
  /** Pages a test opens: closed after it, captured when it fails. */
  readonly pages: PageTracker;
  /** Opens Ticket/Display.html of `ticketId` in alice's browser (tracked) and waits for RT's title. */
  openTicket(ticketId: number): Promise<Page>;
}

/**
 * Registers the hooks of an RT e2e file: `beforeAll` starts RT and the backend, configures the tenant
 * ({@link configureTenantForRt}), creates alice and bob, launches alice's browser and signs her in to
 * RT; `afterEach` closes the test's pages; `afterAll` stops everything. Call it inside the file's
 * `describe.skipIf(!rtInstalled())`, so nothing starts where RT is not installed.
 *
 * @example
 * describe.skipIf(!rtInstalled())('Baton on Request Tracker', () => {
 *   const suite = useRtE2eSuite('request_tracker', { cadenceSeconds: 8 });
 *   it('…', async () => { const page = await suite.openTicket(await suite.rt.mailCustomer({ … })); });
 * });
 */
export function useRtE2eSuite(label: string, options: RtE2eOptions): RtE2eSuite {
  const pages = trackPages();
  let started: { rt: RtInstance; e2e: E2eBackend; alice: E2eAgent; bob: E2eAgent; aliceBrowser: ExtensionBrowser } | undefined;
  let rt: RtInstance | undefined;
  let e2e: E2eBackend | undefined;
  let aliceBrowser: ExtensionBrowser | undefined;

  beforeAll(async () => {
    // RT's set-up is mostly its own processes: the backend starts meanwhile.
    const [rtResult, e2eResult] = await Promise.allSettled([startRtInstance({ label }), startE2eBackend(label)]);
    if (rtResult.status === 'fulfilled') rt = rtResult.value;
    if (e2eResult.status === 'fulfilled') e2e = e2eResult.value;
    if (rtResult.status === 'rejected') throw rtResult.reason;
    if (e2eResult.status === 'rejected') throw e2eResult.reason;
    const { alice, bob } = await createRtAgents(e2e!, rt!);
    await configureTenantForRt(e2e!, rt!, options);
    aliceBrowser = await launchBrowserWithExtension({ apiKey: alice.apiKey, backendUrl: e2e!.url, label: 'alice' });
    await waitForHelpdeskScript(aliceBrowser, rtOrigin(rt!));
    const login = await aliceBrowser.browser.newPage();
    try {
      await signInThroughBrowser(login, rt!.url, rt!.agentInTeam);
    } finally {
      await login.close();
    }
    started = { rt: rt!, e2e: e2e!, alice, bob, aliceBrowser };
  });

  afterEach((context) => pages.cleanUp(context));

  afterAll(async () => {
    await aliceBrowser?.close();
    await e2e?.stop();
    await rt?.stop();
  });

  const ready = () => {
    if (!started) throw new Error(`rt e2e suite ${label}: not started (read it inside a test)`);
    return started;
  };
  return {
    get rt() {
      return ready().rt;
    },
    get e2e() {
      return ready().e2e;
    },
    get alice() {
      return ready().alice;
    },
    get bob() {
      return ready().bob;
    },
    get aliceBrowser() {
      return ready().aliceBrowser;
    },
    pages,
    async openTicket(ticketId) {
      const { rt: instance, aliceBrowser: browser } = ready();
      const page = pages.add(browser, await browser.openPage(ticketUrl(instance, ticketId)));
      await waitForTicketTitle(page, ticketId);
      return page;
    },
  };
}

/** Baton agents with the addresses of RT's alice (added to Support, the team rules escalate to) and bob (no team), each with an agent-bound key. */
export async function createRtAgents(e2e: E2eBackend, rt: RtInstance): Promise<{ alice: E2eAgent; bob: E2eAgent }> {
  const agentFor = async (user: RtUser): Promise<E2eAgent> => {
    const created = await e2e.admin.agents.create.mutate({ email: user.email, name: user.realName, role: 'agent' });
    const { key } = await e2e.admin.apiKeys.create.mutate({ name: `${user.realName}'s extension`, role: 'agent', agentId: created.id });
    return { id: created.id, name: user.realName, email: user.email, apiKey: key, client: createTestClient(e2e.url, key) };
  };
  const alice = await agentFor(rt.agentInTeam);
  const bob = await agentFor(rt.agentOutsideTeam);
  await e2e.admin.teams.addMember.mutate({ teamId: e2e.team.id, agentId: alice.id });
  return { alice, bob };
}

/**
 * The tenant set up for RT: the `rt` connector as RT's `baton` user, cadence on (`cadenceSeconds`),
 * RT's origin as a configured helpdesk (so the extension's script runs there and the built-in RT
 * adapter serves the ticket pages) and the routing rule escalating {@link ESCALATING_WORD} to Support.
 */
export async function configureTenantForRt(e2e: E2eBackend, rt: RtInstance, { cadenceSeconds }: RtE2eOptions): Promise<void> {
  await e2e.updateSettings({
    replyCadence: { enabled: true, minDelaySeconds: cadenceSeconds, maxDelaySeconds: cadenceSeconds },
    connectors: { rt: { url: rt.url, username: rt.batonUser.name, password: rt.batonUser.password, queue: rt.queue, pollIntervalMs: RT_POLL_INTERVAL_MS } },
    helpdeskAdapters: [rtHelpdeskConfig(rt)],
  });
  const { version } = await e2e.admin.rules.list.query();
  await e2e.admin.rules.save.mutate({
    expectedVersion: version,
    rules: [{ name: 'Refund requests', condition: { keywords: [ESCALATING_WORD] }, actions: [{ type: 'escalate', teamId: e2e.team.id, reason: ESCALATION_REASON }] }],
  });
}

/** `http://127.0.0.1:<port>`: RT's origin, where the extension registers its configured-helpdesk script. */
export function rtOrigin(rt: RtInstance): string {
  return new URL(rt.url).origin;
}

/**
 * RT's origin as an admin configures it in options. On ticket pages the built-in RT adapter comes
 * first (entrypoints/configured-helpdesk.content); this configuration only makes the script run there.
 */
export function rtHelpdeskConfig(rt: RtInstance): HelpdeskAdapterConfig {
  const origin = rtOrigin(rt);
  const escapedBase = rt.url.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return {
    id: '2d7c9e4a-5b1f-4c3d-8e6a-9f0b1c2d3e4f',
    name: 'Request Tracker',
    origin,
    urlPattern: `^${escapedBase}/Ticket/(?:Display|Update)\\.html\\?`,
    sampleUrl: `${rt.url}/Ticket/Display.html?id=1`,
    conversationId: { from: 'url', pattern: '[?;&]id=(\\d+)' },
    selectors: { threadHeader: '#header', mount: '#header', composer: null, sendButton: null },
    connector: 'rt',
    channel: 'email',
  };
}

/** Waits until the extension registered its script for `origin` (it syncs the tenant's helpdesks when it starts). */
async function waitForHelpdeskScript(browser: ExtensionBrowser, origin: string): Promise<void> {
  const page = await browser.browser.newPage();
  try {
    await page.goto(`chrome-extension://${browser.extensionId}/options.html`, { waitUntil: 'domcontentloaded' });
    type Chrome = { chrome: { scripting: { getRegisteredContentScripts(): Promise<{ id: string; matches: string[] }[]> } } };
    await waitFor(
      () => page.evaluate(() => (globalThis as unknown as Chrome).chrome.scripting.getRegisteredContentScripts()),
      (scripts) => scripts.some((script) => script.matches.includes(`${origin}/*`)),
      `the extension to register its helpdesk script for ${origin}`,
    );
  } finally {
    await page.close();
  }
}

export function ticketUrl(rt: RtInstance, ticketId: number): string {
  return `${rt.url}/Ticket/Display.html?id=${ticketId}`;
}

/** Waits for RT's title row `#<id>: <subject>` (and fails on RT's login page: the session is gone). */
export async function waitForTicketTitle(page: Page, ticketId: number): Promise<void> {
  if (page.url().includes('/NoAuth/Login.html')) throw new Error(`RT asked for a login at ${page.url()}`);
  await page.waitForFunction((id: number) => new RegExp(`#${id}\\b`).test(document.querySelector('#header > h1')?.textContent ?? ''), {}, ticketId);
}

// ── RT's side, read over REST2 as root ──

/** The ticket's transactions, oldest first. */
export function historyOf(rt: RtInstance, ticketId: number): Promise<RtHistoryEntry[]> {
  return ticketHistory(rt.url, rt.root, ticketId);
}

/** Correspondence by `user` on the ticket, oldest first, optionally only after transaction `afterId`. */
export async function correspondenceBy(rt: RtInstance, ticketId: number, user: RtUser, afterId = 0): Promise<RtHistoryEntry[]> {
  return (await historyOf(rt, ticketId)).filter((entry) => entry.Type === 'Correspond' && entry.Creator.id === user.name && entry.id > afterId);
}

/** The newest transaction id of the ticket (0 when none). */
export async function lastTransactionId(rt: RtInstance, ticketId: number): Promise<number> {
  return Math.max(0, ...(await historyOf(rt, ticketId)).map((entry) => entry.id));
}

/** Waits until `user` has corresponded on the ticket after transaction `afterId`; answers those transactions. */
export function waitForCorrespondence(rt: RtInstance, ticketId: number, user: RtUser, afterId = 0, timeoutMs = 30_000): Promise<RtHistoryEntry[]> {
  return waitFor(() => correspondenceBy(rt, ticketId, user, afterId), (entries) => entries.length > 0, `${user.name}'s correspondence on RT ticket #${ticketId} after transaction ${afterId}`, { timeoutMs });
}

const ZAttachmentList = z.object({ items: z.array(z.object({ id: z.coerce.number() })) });
const ZAttachment = z.object({ ContentType: z.string().nullish(), Content: z.string().nullish() });

/** The text parts of one RT transaction, as RT stored them (base64 decoded), joined. */
export async function transactionText(rt: RtInstance, transactionId: number): Promise<string> {
  const list = ZAttachmentList.parse(await rt.rest('GET', `/transaction/${transactionId}/attachments?per_page=50`)).items;
  const parts = await Promise.all(list.map(async ({ id }) => ZAttachment.parse(await rt.rest('GET', `/attachment/${id}`))));
  return parts
    .filter((part) => part.ContentType?.startsWith('text/') && part.Content)
    .map((part) => Buffer.from(part.Content!, 'base64').toString('utf8'))
    .join('\n');
}

// ── RT's page, as alice sees it ──

/** One message of RT's history on the page: who/what RT says (`.metadata .description`) and its shown text. */
export interface RtPageMessage {
  transactionId: number;
  description: string;
  text: string;
}

/** Reloads the ticket page, waits for RT's delayed history to show `transactionIds` and reads its messages. */
export async function reloadAndReadHistory(page: Page, transactionIds: readonly number[]): Promise<RtPageMessage[]> {
  await page.reload({ waitUntil: 'domcontentloaded' });
  await waitForTicketHistory(page, transactionIds);
  return page.$$eval('#delayed_ticket_history div.transaction.message[data-transaction-id]', (transactions) =>
    transactions.map((transaction) => ({
      transactionId: Number(transaction.getAttribute('data-transaction-id')),
      description: (transaction.querySelector('.metadata .description')?.textContent ?? '').replace(/\s+/g, ' ').trim(),
      text: Array.from(transaction.querySelectorAll('.content .messagebody'), (body) => (body.textContent ?? '').replace(/\s+/g, ' ').trim()).join(' '),
    })),
  );
}

/** What shows RT's page is still RT's: its title row, menus, ticket boxes and history, and where the overlay sits. */
export interface RtPageAnatomy {
  title: string;
  hasPageMenu: boolean;
  hasBasicsBox: boolean;
  hasHistory: boolean;
  /** The parent element's id of each overlay host present (`header` for the banners and the Take Over button). */
  overlayParents: Record<string, string | null>;
  /** The banners' box against RT's header: the banners as wide as the header's content and inside it. */
  bannersInsideHeader: boolean | null;
}

export function rtPageAnatomy(page: Page): Promise<RtPageAnatomy> {
  return page.evaluate(() => {
    const header = document.querySelector('#header');
    const banners = document.querySelector('baton-banners');
    const parentOf = (tag: string) => {
      const host = document.querySelector(tag);
      if (!host) return null;
      const parent = host.parentElement;
      return parent ? parent.id || parent.tagName.toLowerCase() : null;
    };
    let bannersInsideHeader: boolean | null = null;
    if (header && banners) {
      const outer = header.getBoundingClientRect();
      const inner = banners.getBoundingClientRect();
      bannersInsideHeader = inner.left >= outer.left - 1 && inner.right <= outer.right + 1 && inner.top >= outer.top - 1 && inner.bottom <= outer.bottom + 1;
    }
    return {
      title: (document.querySelector('#header > h1')?.textContent ?? '').replace(/\s+/g, ' ').trim(),
      hasPageMenu: document.querySelector('#page-menu') !== null,
      hasBasicsBox: document.querySelector('.ticket-info-basics') !== null,
      hasHistory: document.querySelector('#delayed_ticket_history, div.history.ticket') !== null,
      overlayParents: { 'baton-header': parentOf('baton-header'), 'baton-banners': parentOf('baton-banners'), 'baton-reply': parentOf('baton-reply') },
      bannersInsideHeader,
    };
  });
}

/** Where an element starts on the page (CSS px from the top) and how tall the window is: in view on load when top < viewportHeight. */
export function topOnPage(page: Page, selector: string): Promise<{ top: number; viewportHeight: number } | null> {
  return page.evaluate((css) => {
    const element = document.querySelector(css);
    return element ? { top: Math.round(element.getBoundingClientRect().top + window.scrollY), viewportHeight: window.innerHeight } : null;
  }, selector);
}

/**
 * Saves what an agent sees of the page without scrolling (RT's top, 1280×900) as
 * `test-artifacts/e2e/<name>.png`, next to {@link screenshot}'s full pages.
 */
export async function viewportScreenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`) as `${string}.png`;
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
  await page.screenshot({ path: file });
  return file;
}

// ── customers ──

let customerCount = 0;

/** A customer nobody wrote as before (a fresh Baton lead: escalations and cooldowns are per lead). */
export function newCustomer(name: string): { from: string; fromName: string } {
  customerCount += 1;
  const local = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '.')}.${Date.now().toString(36)}${customerCount}`;
  return { from: `${local}@customer.example.test`, fromName: name };
}
