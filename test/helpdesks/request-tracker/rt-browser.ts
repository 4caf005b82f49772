// Request Tracker in a real browser page (puppeteer): sign in through RT's login form, wait for the
// ticket history RT loads after the page, reply or comment through the reply form like an agent.
import type { Page } from 'puppeteer-core';
import type { RtUser } from './rt-users.js';

/** Opens `startUrl` (default RT's start page), signs `user` in on the login form RT redirects to, and waits to arrive back. */
export async function signInThroughBrowser(page: Page, rtUrl: string, user: RtUser, startUrl = `${rtUrl}/`): Promise<void> {
  await page.goto(startUrl, { waitUntil: 'domcontentloaded' });
  await page.type('form#login input[name="user"]', user.name);
  await page.type('form#login input[name="pass"]', user.password);
  await Promise.all([page.waitForNavigation({ waitUntil: 'domcontentloaded' }), page.click('form#login [type="submit"]')]);
  if (page.url().includes('/NoAuth/Login.html')) throw new Error(`RT refused the browser login of ${user.name}`);
}

/**
 * Waits until RT's delayed history (#delayed_ticket_history, from /Helpers/TicketHistory) shows
 * every transaction in `transactionIds`, and the page's requests have settled.
 */
export async function waitForTicketHistory(page: Page, transactionIds: readonly number[], timeoutMs = 30_000): Promise<void> {
  await page.waitForFunction(
    (ids: number[]) => ids.every((id) => document.querySelector(`#delayed_ticket_history [data-transaction-id="${id}"]`)),
    { timeout: timeoutMs },
    [...transactionIds],
  );
  await page.waitForNetworkIdle({ idleTime: 300, timeout: timeoutMs });
}

/** Opens Ticket/Update.html for a reply (Respond) or a comment and waits for the rich-text editor. */
export async function openReplyForm(page: Page, rtUrl: string, ticketId: number, kind: 'correspond' | 'comment'): Promise<void> {
  await page.goto(`${rtUrl}/Ticket/Update.html?Action=${kind === 'correspond' ? 'Respond' : 'Comment'};id=${ticketId}`, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('form[name="TicketUpdate"] iframe.cke_wysiwyg_frame', { visible: true });
  await page.waitForNetworkIdle({ idleTime: 300 });
}

/** Types `text` into the open reply form's editor and submits it; resolves on the Display page RT redirects to. */
export async function submitReplyForm(page: Page, text: string): Promise<void> {
  const editor = await page.$('form[name="TicketUpdate"] iframe.cke_wysiwyg_frame');
  const frame = await editor?.contentFrame();
  if (!frame) throw new Error('RT reply form has no editor frame');
  await frame.click('body');
  await page.keyboard.type(text);
  await Promise.all([page.waitForNavigation({ waitUntil: 'domcontentloaded' }), page.click('form[name="TicketUpdate"] input[name="SubmitTicket"]')]);
}
