// The scheduled-reply banner in real Chromium: the countdown on the server clock, Send Now,
// Edit & Send and Cancel, each checked in the demo thread and in the backend (issue 9 "Proof required").
import type { Page } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { ScheduledReplyEntity } from '../../backend/src/db/entities/conversation.entities.js';
import { messageLinesOf, viewOf } from './support/backend.js';
import { startThread, waitForAiMessages, waitForView, type DemoConversation } from './support/conversations.js';
import { customerWritesInSimulator, threadLines, waitForThreadLine } from './support/demo.js';
import { baton, clickInShadow, shadowAttribute, waitForShadow, waitForShadowGone, waitForText } from './support/overlay.js';
import { screenshot } from './support/screenshot.js';
import { useE2eSuite } from './support/suite.js';
import { sleep, waitFor } from './support/wait.js';

const suite = useE2eSuite('replies');

const setCadence = (minDelaySeconds: number, maxDelaySeconds = minDelaySeconds) =>
  suite.e2e.updateSettings({ replyCadence: { enabled: true, minDelaySeconds, maxDelaySeconds } });

/** A thread whose first customer message has a pending AI reply; the page shows its banner. */
async function threadWithPendingReply(): Promise<{ thread: DemoConversation; page: Page; reply: { id: string; body: string; dueAt: string } }> {
  const thread = await startThread(suite.e2e, 'What are your opening hours?');
  const view = await waitForView(suite.e2e.admin, thread.conversationId, (current) => current.pendingReply !== null, 'a pending reply');
  const page = await suite.openThread('sam', thread.externalId);
  await waitForShadow(page, 'baton-reply', baton('reply-banner'));
  await waitForText(page, 'baton-reply', baton('reply-body'), view.pendingReply!.body);
  return { thread, page, reply: view.pendingReply! };
}

/** The scheduled reply row (status, end reason, who edited it). */
const replyRow = (id: string) => suite.e2e.server.db.getRepository(ScheduledReplyEntity).findOneByOrFail({ id });

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

describe('the scheduled-reply banner', () => {
  // Issue 9 asks for 1–3 s cadences in tests; 5 s leaves the banner (about 0.5 s behind the
  // message here, up to ~2.5 s on a busy two-core machine) time to show more than one figure.
  it('cadence on (5 s): a customer message from the simulator → the banner counts down, then the reply goes out', async () => {
    await suite.e2e.updateSettings({ replyCadence: { enabled: false, minDelaySeconds: 0, maxDelaySeconds: 0 } });
    const thread = await startThread(suite.e2e, 'Hello');
    await waitForAiMessages(suite.e2e.admin, thread.conversationId, 1);
    const page = await suite.openThread('sam', thread.externalId);
    await waitForThreadLine(page, (line) => line.startsWith('ai: '), 'the first AI reply');
    await setCadence(5);

    const countdown = await sampleCountdown(page);
    await customerWritesInSimulator(page, 'Do you deliver on Sundays?');
    await waitForShadow(page, 'baton-reply', baton('reply-banner'));
    expect(await shadowAttribute(page, 'baton-reply', baton('reply-countdown'), 'aria-live')).toBe('polite');
    await waitForShadowGone(page, 'baton-reply', baton('reply-banner'));

    const seen = await countdown();
    const seconds = seen.map((text) => /Sending in ~(\d+) s/.exec(text)?.[1]).filter(Boolean).map(Number);
    expect(seconds.length, `countdown texts seen: ${JSON.stringify(seen)}`).toBeGreaterThanOrEqual(2);
    expect(seconds[0]).toBeLessThanOrEqual(5);
    expect([...seconds].sort((a, b) => b - a), 'the countdown only goes down').toEqual(seconds);

    const lines = await waitFor(() => threadLines(page), (current) => current.at(-1)?.startsWith('ai: ') === true && current.at(-2) === 'customer: Do you deliver on Sundays?', 'the held reply in the thread');
    const backend = await messageLinesOf(suite.e2e.admin, thread.conversationId);
    expect(backend.at(-1)).toBe(lines.at(-1));
    expect((await viewOf(suite.e2e.admin, thread.conversationId)).pendingReply).toBeNull();
  });

  it('Send Now sends the reply at once, exactly once', async () => {
    await setCadence(45);
    const { thread, page, reply } = await threadWithPendingReply();
    // The figure follows dueAt on the server's clock (rounded to 5 s above 10 s).
    const shown = Number(/Sending in ~(\d+) s/.exec(await waitForText(page, 'baton-reply', baton('reply-countdown'), /Sending in ~\d+ s/))![1]);
    const remaining = (Date.parse(reply.dueAt) - Date.parse((await viewOf(suite.e2e.admin, thread.conversationId)).serverNow)) / 1000;
    expect(Math.abs(shown - remaining)).toBeLessThanOrEqual(5);
    await screenshot(page, 'scheduled-reply');

    await clickInShadow(page, 'baton-reply', baton('send-now', 'button'));
    await waitForShadowGone(page, 'baton-reply', baton('reply-banner'));
    await waitForThreadLine(page, (line) => line === `ai: ${reply.body}`, 'the sent reply');
    expect((await replyRow(reply.id)).status).toBe('sent');
    expect((await viewOf(suite.e2e.admin, thread.conversationId)).pendingReply).toBeNull();
    expect((await messageLinesOf(suite.e2e.admin, thread.conversationId)).filter((line) => line === `ai: ${reply.body}`)).toHaveLength(1);
  });

  it('Edit & Send sends the edited text (the thread shows it), never the draft', async () => {
    await setCadence(45);
    const { thread, page, reply } = await threadWithPendingReply();
    await clickInShadow(page, 'baton-reply', baton('edit-send', 'button'));
    const editor = await waitForShadow(page, 'baton-reply', baton('reply-editor', 'textarea'));
    expect(await editor.evaluate((node) => (node as HTMLTextAreaElement).value)).toBe(reply.body);
    await screenshot(page, 'reply-edit');

    const edited = 'We open at 9 tomorrow, see you then!';
    await editor.click({ count: 3 });
    await editor.evaluate((node) => (node as HTMLTextAreaElement).select());
    await page.keyboard.press('Backspace');
    await editor.type(edited);
    await clickInShadow(page, 'baton-reply', baton('edit-confirm', 'button'));
    await waitForShadowGone(page, 'baton-reply', baton('reply-banner'));

    const lines = await waitForThreadLine(page, (line) => line.endsWith(`: ${edited}`), 'the edited reply');
    expect(lines.some((line) => line.includes(reply.body))).toBe(false);
    const row = await replyRow(reply.id);
    expect(row).toMatchObject({ status: 'sent', body: edited, editedByAgentId: suite.e2e.agents.sam.id });
    const backend = await messageLinesOf(suite.e2e.admin, thread.conversationId);
    expect(backend.filter((line) => line.endsWith(`: ${edited}`))).toHaveLength(1);
    expect(backend.some((line) => line.includes(reply.body))).toBe(false);
  });

  it('Cancel: the banner goes and nothing is ever sent', async () => {
    await setCadence(15);
    const { thread, page, reply } = await threadWithPendingReply();
    await clickInShadow(page, 'baton-reply', baton('cancel-reply', 'button'));
    await waitForShadowGone(page, 'baton-reply', baton('reply-banner'));
    expect((await replyRow(reply.id)).status).toBe('cancelled');
    expect((await viewOf(suite.e2e.admin, thread.conversationId)).pendingReply).toBeNull();

    // Nothing may go out when the reply would have been due: wait past dueAt, then look.
    await sleep(Math.max(0, Date.parse(reply.dueAt) - Date.now()) + 3_000);
    expect((await threadLines(page)).filter((line) => line.startsWith('ai: '))).toEqual([]);
    expect((await messageLinesOf(suite.e2e.admin, thread.conversationId)).filter((line) => line.startsWith('ai: '))).toEqual([]);
    expect((await replyRow(reply.id)).status).toBe('cancelled');
  });
});
