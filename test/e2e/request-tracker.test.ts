// Baton on a helpdesk nobody here wrote (issue 12 "Proof required"): Debian's Request Tracker 5, the
// built extension in Debian's Chromium, the `rt` connector polling RT's REST2. Customer mail goes in
// through rt-mailgate; the banners show on RT's own ticket pages; alice answers through RT's own reply
// form; what lands in RT is read back over REST2 and on the page. Screenshots: test-artifacts/e2e/rt-*.png.
import type { Page } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { ConnectorStateEntity } from '../../backend/src/db/entities/connector-state.entity.js';
import { MessageEntity } from '../../backend/src/db/entities/conversation.entities.js';
import { EscalationEntity } from '../../backend/src/db/entities/escalation.entities.js';
import { openReplyForm, submitReplyForm } from '../helpdesks/request-tracker/rt-browser.js';
import { rtInstalled } from '../helpdesks/request-tracker/rt-instance.js';
import { messageLinesOf, timelineOf, viewOf } from './support/backend.js';
import { TRIGGER_LABEL, waitForView } from './support/conversations.js';
import { baton, clickInShadow, shadowText, waitForShadow, waitForShadowGone, waitForText } from './support/overlay.js';
import {
  correspondenceBy,
  ESCALATING_WORD,
  ESCALATION_REASON,
  lastTransactionId,
  newCustomer,
  reloadAndReadHistory,
  rtPageAnatomy,
  transactionText,
  topOnPage,
  useRtE2eSuite,
  viewportScreenshot,
  waitForCorrespondence,
  waitForTicketTitle,
} from './support/request-tracker.js';
import { screenshot } from './support/screenshot.js';
import { sleep, waitFor } from './support/wait.js';

/** Every AI reply is held this long: long enough to read the countdown twice, short enough for the file's time budget. */
const CADENCE_SECONDS = 8;

const installed = rtInstalled();
if (!installed) console.warn('\n*** SKIPPED request-tracker e2e: Request Tracker 5 is not installed (test/helpdesks/request-tracker/install.sh). ***\n');

const collapse = (text: string) => text.replace(/\s+/g, ' ').trim();
const countdownSeconds = (text: string | null) => Number(/Sending in ~(\d+) s/.exec(text ?? '')?.[1] ?? NaN);

describe.skipIf(!installed)('Baton on Request Tracker 5', () => {
  const suite = useRtE2eSuite('request_tracker', { cadenceSeconds: CADENCE_SECONDS });

  /** Baton's conversation of RT ticket `ticketId` (connector `rt`), once the poller brought it in. */
  async function conversationOfTicket(ticketId: number): Promise<{ id: string; leadId: string }> {
    const view = await waitFor(
      () => suite.alice.client.conversations.byExternalRef.query({ connector: 'rt', externalId: String(ticketId) }).catch(() => null),
      (found) => Boolean(found?.id),
      `Baton's conversation of RT ticket #${ticketId}`,
      { timeoutMs: 30_000 },
    );
    return { id: view!.id, leadId: view!.lead!.id };
  }

  /** The message Baton stored for RT transaction `transactionId` (`rt-txn:<id>`), or null. */
  const messageOfTransaction = (transactionId: number) =>
    suite.e2e.server.db.getRepository(MessageEntity).findOneBy({ tenantId: suite.e2e.tenantId, externalMessageId: `rt-txn:${transactionId}` });

  /** Waits until the connector's cursor is at or past RT transaction `transactionId` (it has read it). */
  const waitForCursorPast = (transactionId: number) =>
    waitFor(
      async () => Number((await suite.e2e.server.db.getRepository(ConnectorStateEntity).findOneBy({ tenantId: suite.e2e.tenantId, connector: 'rt' }))?.position ?? 0),
      (position) => position >= transactionId,
      `the RT connector to read past transaction ${transactionId}`,
      { timeoutMs: 15_000 },
    );

  /** Runs `action` with the RT connector's poller stopped (nothing read from RT meanwhile), then starts it again. */
  async function whileConnectorPaused<T>(action: () => Promise<T>): Promise<T> {
    const poller = suite.e2e.server.rtPoller;
    await poller.stop();
    try {
      return await action();
    } finally {
      poller.start();
    }
  }

  /** RT's page is RT's: title, menus, boxes and history in place, the overlay under the title inside RT's header, no script or console errors. */
  async function expectRtPageIntact(page: Page, ticketId: number): Promise<void> {
    const anatomy = await rtPageAnatomy(page);
    expect(anatomy.title).toMatch(new RegExp(`^(Update ticket )?#${ticketId}: `));
    expect(anatomy).toMatchObject({ hasPageMenu: true, overlayParents: { 'baton-header': 'header', 'baton-banners': 'header' }, bannersInsideHeader: true });
    if (page.url().includes('/Ticket/Display.html')) expect(anatomy).toMatchObject({ hasBasicsBox: true, hasHistory: true });
    expect(suite.aliceBrowser.problems(page)).toEqual({ pageErrors: [], consoleErrors: [], dialogs: [] });
  }

  /** Records every distinct countdown text the page shows, sampled inside the page every 50 ms. */
  async function sampleCountdown(page: Page): Promise<() => Promise<string[]>> {
    await page.evaluate(() => {
      const samples: string[] = [];
      (window as unknown as { e2eCountdown: string[] }).e2eCountdown = samples;
      setInterval(() => {
        const text = document.querySelector('baton-reply')?.shadowRoot?.querySelector('[data-baton="reply-countdown"]')?.textContent?.trim();
        if (text && samples.at(-1) !== text) samples.push(text);
      }, 50);
    });
    return () => page.evaluate(() => [...(window as unknown as { e2eCountdown: string[] }).e2eCountdown]);
  }

  it('a customer mail into RT → Baton drafts → the scheduled-reply banner counts down on the ticket page → the reply lands in RT as correspondence, once', async () => {
    const { rt } = suite;
    const question = 'Hello, what are your opening hours on Saturday?';
    const ticketId = await rt.mailCustomer({ ...newCustomer('Ann Customer'), subject: 'Opening hours', body: question });
    // Opened at once: the overlay says "Not handled" until the poller brings the ticket in, then follows it live.
    const page = await suite.openTicket(ticketId);
    const samples = await sampleCountdown(page);
    const conversation = await conversationOfTicket(ticketId);
    const held = await waitForView(suite.alice.client, conversation.id, (view) => view.pendingReply !== null, 'the held AI reply');
    const draft = held.pendingReply!.body;

    await waitForShadow(page, 'baton-reply', baton('reply-banner'));
    await waitForText(page, 'baton-reply', baton('reply-body'), draft);
    // Read twice: the figure goes down on its own.
    const first = countdownSeconds(await waitForText(page, 'baton-reply', baton('reply-countdown'), /Sending in ~\d+ s/));
    expect(first).toBeLessThanOrEqual(CADENCE_SECONDS);
    const second = countdownSeconds(
      await waitFor(() => shadowText(page, 'baton-reply', baton('reply-countdown')), (text) => countdownSeconds(text) < first, `the countdown to go below ${first} s`, { timeoutMs: 5_000 }),
    );
    expect(second).toBeLessThan(first);
    // On Display.html the held reply waits at the top of the page body, above RT's ticket metadata and history;
    // the Take Over button and banners stay in RT's header.
    const [replyBox, historyBox] = await page.evaluate(() =>
      ['baton-reply', '#delayed_ticket_history'].map((selector) => {
        const box = document.querySelector(selector)!.getBoundingClientRect();
        return { top: box.top, bottom: box.bottom };
      }),
    );
    expect(replyBox!.bottom).toBeLessThanOrEqual(historyBox!.top + 1);
    await expectRtPageIntact(page, ticketId);
    await screenshot(page, 'rt-scheduled-reply');
    // An agent who opens the ticket sees the held reply without scrolling.
    const placement = await topOnPage(page, 'baton-reply');
    console.info(`[rt-e2e] scheduled-reply banner on Display.html starts ${placement?.top} px down; the window is ${placement?.viewportHeight} px tall`);
    expect(placement!.top).toBeLessThan(placement!.viewportHeight / 2);
    await viewportScreenshot(page, 'rt-scheduled-reply-viewport');

    await waitForShadowGone(page, 'baton-reply', baton('reply-banner'), 30_000);
    const seen = (await samples()).map(countdownSeconds).filter((seconds) => !Number.isNaN(seconds));
    expect([...seen].sort((a, b) => b - a), `countdown figures seen: ${JSON.stringify(seen)}`).toEqual(seen);

    // In RT: one correspondence by Baton's RT user, with the draft's text, in REST2 and on the page after a reload.
    const [reply] = await waitForCorrespondence(rt, ticketId, rt.batonUser);
    expect(collapse(await transactionText(rt, reply!.id))).toBe(collapse(draft));
    const shown = (await reloadAndReadHistory(page, [reply!.id])).find((message) => message.transactionId === reply!.id);
    expect(shown?.description).toMatch(/Correspondence added$/);
    expect(shown?.description).toMatch(/baton|Baton Connector/);
    expect(shown?.text).toContain(collapse(draft));

    // Exactly once: after the poller read past its own correspondence, RT and Baton each have it once.
    await waitForCursorPast(reply!.id);
    await sleep(2 * 1_000);
    expect(await correspondenceBy(rt, ticketId, rt.batonUser)).toHaveLength(1);
    expect(await messageLinesOf(suite.alice.client, conversation.id)).toEqual([`customer: ${question}`, `ai: ${draft}`]);
    expect((await viewOf(suite.alice.client, conversation.id)).pendingReply).toBeNull();
  });

  it('Take Over on the ticket page → alice answers through RT’s reply form → recorded as her reply, and no AI reply follows; Release → the next customer mail gets an AI reply in RT', async () => {
    const { rt, alice } = suite;
    const customer = newCustomer('Carl Customer');
    const ticketId = await rt.mailCustomer({ ...customer, subject: 'Delivery address', body: 'Can you deliver my order to my office instead?' });
    const page = await suite.openTicket(ticketId);
    const conversation = await conversationOfTicket(ticketId);

    await clickInShadow(page, 'baton-header', baton('take-over', 'button'));
    const held = await waitForView(alice.client, conversation.id, (view) => view.takeover?.holder?.agentId === alice.id, 'alice to hold the conversation');
    expect(held.takeover).toMatchObject({ source: 'manual' });
    expect(held.pendingReply).toBeNull();
    await waitForShadow(page, 'baton-banners', baton('takeover-banner'));
    await waitForText(page, 'baton-banners', baton('takeover-holder'), /You took over at \d{1,2}:\d{2}/);
    await waitForShadowGone(page, 'baton-header', baton('take-over'));
    await expectRtPageIntact(page, ticketId);
    await screenshot(page, 'rt-taken-over');

    // RT's own reply form (Update.html) shows the takeover too; alice writes and submits it like any RT agent.
    await openReplyForm(page, rt.url, ticketId, 'correspond');
    await waitForTicketTitle(page, ticketId);
    await waitForShadow(page, 'baton-banners', baton('takeover-banner'));
    await expectRtPageIntact(page, ticketId);
    await screenshot(page, 'rt-reply-form-taken-over');
    const answer = 'Hi Carl, yes: we will deliver to your office. Alice';
    // The connector pauses while alice sends: what Baton records comes from the extension on RT's page alone.
    const aliceReply = await whileConnectorPaused(async () => {
      await submitReplyForm(page, answer);
      const [entry] = await waitForCorrespondence(rt, ticketId, rt.agentInTeam);
      const reported = await waitFor(() => messageOfTransaction(entry!.id), (row) => row !== null, `the extension's report of alice's reply (rt-txn:${entry!.id})`);
      expect(reported).toMatchObject({ author: 'agent', agentId: alice.id, channel: 'email' });
      return entry!;
    });

    // The connector reads the same transaction when it resumes: Baton still has it once, as alice's.
    await waitForCursorPast(aliceReply.id);
    const stored = await messageOfTransaction(aliceReply.id);
    expect(stored).toMatchObject({ author: 'agent', agentId: alice.id, channel: 'email' });
    const humanEntries = (await timelineOf(alice.client, conversation.id)).filter((entry) => entry.kind === 'message' && entry.actor.kind === 'agent');
    expect(humanEntries.map((entry) => [entry.actor.name, collapse(entry.text)])).toEqual([['Alice Agent', answer]]);
    expect((await viewOf(alice.client, conversation.id)).takeover?.holder?.agentId).toBe(alice.id);

    // While alice holds it, the customer writes again: longer than the cadence later, still no AI reply in RT or Baton.
    await rt.mailCustomer({ ...customer, ticketId, subject: 'Delivery address', body: 'Great, and can you ring the bell twice?' });
    await waitFor(() => messageLinesOf(alice.client, conversation.id), (lines) => lines.at(-1) === 'customer: Great, and can you ring the bell twice?', 'the customer’s second mail in Baton');
    await sleep((CADENCE_SECONDS + 4) * 1_000);
    expect(await correspondenceBy(rt, ticketId, rt.batonUser, aliceReply.id)).toEqual([]);
    expect((await messageLinesOf(alice.client, conversation.id)).filter((line) => line.startsWith('ai: '))).toEqual([]);
    expect((await viewOf(alice.client, conversation.id)).pendingReply).toBeNull();

    // Release from the banner on RT's page: the Take Over button is back.
    await clickInShadow(page, 'baton-banners', baton('release', 'button'));
    await waitForShadowGone(page, 'baton-banners', baton('takeover-banner'));
    await waitForView(alice.client, conversation.id, (view) => view.takeover === null, 'the release');
    await waitForShadow(page, 'baton-header', baton('take-over', 'button'));
    await expectRtPageIntact(page, ticketId);
    await screenshot(page, 'rt-after-release');

    // The release sends nothing; the customer's next mail gets the AI's reply as correspondence in RT.
    const beforeMail = await lastTransactionId(rt, ticketId);
    await sleep(1_000);
    expect(await correspondenceBy(rt, ticketId, rt.batonUser, aliceReply.id)).toEqual([]);
    const next = 'Also, do you deliver on Sundays?';
    await rt.mailCustomer({ ...customer, ticketId, subject: 'Delivery address', body: next });
    const [aiReply] = await waitForCorrespondence(rt, ticketId, rt.batonUser, beforeMail, (CADENCE_SECONDS + 30) * 1_000);
    const lines = await waitFor(() => messageLinesOf(alice.client, conversation.id), (current) => current.at(-1)?.startsWith('ai: ') === true, 'the AI reply in Baton');
    expect(lines.at(-2)).toBe(`customer: ${next}`);
    expect(collapse(await transactionText(rt, aiReply!.id))).toBe(collapse(lines.at(-1)!.slice('ai: '.length)));
  });

  it('a routing rule on RT customer mail escalates → red banner on the ticket page → resolved there as Spam → the next rule-triggered mail within the cooldown is answered by the AI, not escalated', async () => {
    const { rt, alice } = suite;
    const customer = newCustomer('Rita Refund');
    const ticketId = await rt.mailCustomer({ ...customer, subject: 'Order 4711', body: `I want a ${ESCALATING_WORD} for order 4711.` });
    const page = await suite.openTicket(ticketId);
    const conversation = await conversationOfTicket(ticketId);
    const escalated = await waitForView(alice.client, conversation.id, (view) => view.escalation?.status === 'open', 'the rule’s escalation');
    expect(escalated.escalation).toMatchObject({ trigger: 'rule', reason: ESCALATION_REASON, team: { name: 'Support' } });
    const escalationId = escalated.escalation!.id;

    const banner = await waitForShadow(page, 'baton-banners', baton('escalation-banner'));
    expect(await banner.evaluate((node) => getComputedStyle(node).backgroundColor)).toBe('rgb(185, 28, 28)');
    await waitForText(page, 'baton-banners', baton('escalation-reason'), ESCALATION_REASON);
    await waitForText(page, 'baton-banners', baton('escalation-team'), 'Support');
    expect(await shadowText(page, 'baton-banners', baton('escalation-trigger'))).toContain(TRIGGER_LABEL.rule);
    await expectRtPageIntact(page, ticketId);
    await screenshot(page, 'rt-escalation');

    // Resolved on RT's page as Spam: the banner goes, the lead's cooldown shows.
    await clickInShadow(page, 'baton-banners', baton('resolve', 'button'));
    const reason = await waitForShadow(page, 'baton-banners', baton('resolve-reason', 'select'));
    await reason.select('spam');
    await clickInShadow(page, 'baton-banners', baton('resolve-confirm', 'button'));
    await waitForShadowGone(page, 'baton-banners', baton('escalation-banner'));
    expect(await alice.client.escalations.get.query({ id: escalationId })).toMatchObject({ status: 'resolved', resolution: { reason: 'spam', byName: 'Alice Agent' } });
    const cooled = await waitForView(alice.client, conversation.id, (view) => view.cooldown !== null, 'the cooldown');
    await waitForText(page, 'baton-banners', baton('cooldown'), cooled.cooldown!.text);
    await expectRtPageIntact(page, ticketId);
    await screenshot(page, 'rt-escalation-resolved-spam');

    // Within the cooldown the rule matches again: suppressed (a note, no escalation), and the AI answers in RT.
    const beforeMail = await lastTransactionId(rt, ticketId);
    const again = `Hello? Still waiting for my ${ESCALATING_WORD}.`;
    await rt.mailCustomer({ ...customer, ticketId, subject: 'Order 4711', body: again });
    const [aiReply] = await waitForCorrespondence(rt, ticketId, rt.batonUser, beforeMail, (CADENCE_SECONDS + 30) * 1_000);
    const lines = await waitFor(() => messageLinesOf(alice.client, conversation.id), (current) => current.at(-1)?.startsWith('ai: ') === true && current.includes(`customer: ${again}`), 'the AI reply in Baton');
    expect(collapse(await transactionText(rt, aiReply!.id))).toBe(collapse(lines.at(-1)!.slice('ai: '.length)));
    const timeline = await timelineOf(alice.client, conversation.id);
    expect(timeline.filter((entry) => entry.eventType === 'escalation.suppressed')).toHaveLength(1);
    expect(timeline.filter((entry) => entry.eventType === 'escalation.opened')).toHaveLength(1);
    expect(await suite.e2e.server.db.getRepository(EscalationEntity).countBy({ tenantId: suite.e2e.tenantId, leadId: conversation.leadId })).toBe(1);
    expect((await viewOf(alice.client, conversation.id)).escalation).toBeNull();
    expect(await shadowText(page, 'baton-banners', baton('escalation-banner'))).toBeNull();
  });

  it('an RT reply by bob (outside the escalated team) leaves the escalation open; alice’s reply (on the team) through RT’s form resolves it as handled', async () => {
    const { rt, alice, bob } = suite;
    const ticketId = await rt.mailCustomer({ ...newCustomer('Ravi Return'), subject: 'Broken kettle', body: `The kettle arrived broken, I need a ${ESCALATING_WORD}.` });
    const conversation = await conversationOfTicket(ticketId);
    const escalated = await waitForView(alice.client, conversation.id, (view) => view.escalation?.status === 'open', 'the rule’s escalation');
    const escalationId = escalated.escalation!.id;

    // bob answers in RT (its web reply form, his own session): Baton records it as bob's reply; the escalation stays open.
    const bobReply = await rt.replyAs(rt.agentOutsideTeam, ticketId, 'Bob here: sorry about that, I am looking into it.', 'correspond');
    const bobStored = await waitFor(() => messageOfTransaction(bobReply), (row) => row !== null, `Baton's record of bob's reply (rt-txn:${bobReply})`);
    expect(bobStored).toMatchObject({ author: 'agent', agentId: bob.id });
    expect(await alice.client.escalations.get.query({ id: escalationId })).toMatchObject({ status: 'open' });
    const page = await suite.openTicket(ticketId);
    await waitForShadow(page, 'baton-banners', baton('escalation-banner'));

    // alice, on the escalated team, answers through RT's reply form in her browser: resolved as handled, the banner goes.
    await openReplyForm(page, rt.url, ticketId, 'correspond');
    await waitForShadow(page, 'baton-banners', baton('escalation-banner'));
    await submitReplyForm(page, 'Hi Ravi, a replacement kettle is on its way today. Alice');
    const [aliceReply] = await waitForCorrespondence(rt, ticketId, rt.agentInTeam);
    const aliceStored = await waitFor(() => messageOfTransaction(aliceReply!.id), (row) => row !== null, `Baton's record of alice's reply (rt-txn:${aliceReply!.id})`);
    expect(aliceStored).toMatchObject({ author: 'agent', agentId: alice.id });
    const resolved = await waitFor(() => alice.client.escalations.get.query({ id: escalationId }), (escalation) => escalation.status === 'resolved', 'the escalation to be resolved by alice’s reply');
    expect(resolved).toMatchObject({ resolution: { reason: 'handled', byName: 'Alice Agent' } });
    await waitForShadowGone(page, 'baton-banners', baton('escalation-banner'));
    await expectRtPageIntact(page, ticketId);
  });
});
