// Regenerates the saved Request Tracker pages the extension's RT adapter is tested on
// (extension/adapters/fixtures/rt-*.html): a private RT instance, one ticket with customer mail, an
// agent reply and an agent comment, rendered in Debian's Chromium as alice.
// Usage: node --import tsx test/helpdesks/request-tracker/capture-fixtures.ts
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer, { type Page } from 'puppeteer-core';
import { LOCAL_ONLY_CHROMIUM_ARGS } from '../../support/chromium.js';
import { CHROMIUM_PATH, REPO_ROOT } from '../../e2e/support/paths.js';
import { openReplyForm, signInThroughBrowser, submitReplyForm, waitForTicketHistory } from './rt-browser.js';
import { startRtInstance, type RtInstance } from './rt-instance.js';
import { ticketHistory } from './rt-rest.js';

const FIXTURE_DIR = path.join(REPO_ROOT, 'extension/adapters/fixtures');
/** Fixtures name this port instead of the instance's random one. */
const STABLE_PORT = 8080;

const rtVersion = execFileSync('dpkg-query', ['-W', '-f=${Version}', 'request-tracker5']).toString().trim();

/** The page's rendered DOM without RT's scripts (adapters read markup; nothing runs in a fixture), its doctype, a comment saying where it came from, and the port made stable. */
async function savePage(page: Page, rt: RtInstance, file: string, what: string): Promise<void> {
  const html = await page.evaluate(() => {
    const doctype = document.doctype ? new XMLSerializer().serializeToString(document.doctype) : '';
    const rendered = document.documentElement.cloneNode(true) as HTMLElement;
    for (const script of Array.from(rendered.querySelectorAll('script'))) script.remove();
    return `${doctype}\n${rendered.outerHTML}\n`;
  });
  const stable = html.replaceAll(`127.0.0.1:${rt.port}`, `127.0.0.1:${STABLE_PORT}`).replaceAll(`localhost:${rt.port}`, `localhost:${STABLE_PORT}`);
  const origin = new URL(page.url()).pathname + new URL(page.url()).search;
  const header = `<!-- Request Tracker ${rtVersion} (Debian request-tracker5): ${what}. Page ${origin} as alice, rendered DOM after the delayed history loaded; captured ${new Date().toISOString().slice(0, 10)} by test/helpdesks/request-tracker/capture-fixtures.ts (the instance's port replaced by ${STABLE_PORT}). -->\n`;
  fs.writeFileSync(path.join(FIXTURE_DIR, file), header + stable);
  console.log(`wrote ${file} (${Math.round(stable.length / 1024)} KiB)`);
}

const messageIds = async (rt: RtInstance, ticketId: number) =>
  (await ticketHistory(rt.url, rt.root, ticketId)).filter((entry) => ['Create', 'Correspond', 'Comment'].includes(entry.Type)).map((entry) => entry.id);

const rt = await startRtInstance({ label: 'fixtures' });
const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-rt-fixtures-profile-'));
const browser = await puppeteer.launch({
  executablePath: CHROMIUM_PATH,
  headless: true,
  pipe: true,
  userDataDir,
  args: [...LOCAL_ONLY_CHROMIUM_ARGS],
  defaultViewport: { width: 1280, height: 900 },
});
try {
  const customer = { from: 'ann.customer@example.test', fromName: 'Ann Customer' };
  const ticketId = await rt.mailCustomer({ ...customer, subject: 'Where is my order?', body: 'Hello,\n\nmy order 4711 has not arrived yet. Can you check?\n\nAnn' });
  await rt.rest('PUT', `/user/${encodeURIComponent(customer.from)}`, { MobilePhone: '+15550100' });
  await rt.replyAs(rt.agentInTeam, ticketId, 'Hi Ann,\n\nyour parcel left our warehouse this morning.\n\nAlice', 'correspond');
  await rt.replyAs(rt.agentInTeam, ticketId, 'Courier confirmed the pickup; nothing else to do.', 'comment');

  const page = await browser.newPage();
  page.setDefaultTimeout(30_000);
  await signInThroughBrowser(page, rt.url, rt.agentInTeam);

  await page.goto(`${rt.url}/Ticket/Display.html?id=${ticketId}`, { waitUntil: 'domcontentloaded' });
  await waitForTicketHistory(page, await messageIds(rt, ticketId));
  await savePage(page, rt, 'rt-ticket-display.html', 'ticket display with a customer mail, an agent correspondence and an agent comment');

  await openReplyForm(page, rt.url, ticketId, 'correspond');
  await savePage(page, rt, 'rt-ticket-update.html', 'the reply form (Update.html?Action=Respond), editor loaded');

  await submitReplyForm(page, 'Tracking number: 00340434161234567890.');
  await waitForTicketHistory(page, await messageIds(rt, ticketId));
  await savePage(page, rt, 'rt-ticket-display-after-reply.html', 'ticket display right after alice submitted a correspondence through the reply form');

  await openReplyForm(page, rt.url, ticketId, 'comment');
  await submitReplyForm(page, 'Sent the tracking number.');
  await waitForTicketHistory(page, await messageIds(rt, ticketId));
  await savePage(page, rt, 'rt-ticket-display-after-comment.html', 'ticket display right after alice submitted a comment through the comment form');
} finally {
  await browser.close().catch(() => undefined);
  fs.rmSync(userDataDir, { recursive: true, force: true });
  await rt.stop();
}
