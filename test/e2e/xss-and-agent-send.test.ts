// Text from customers stays text (banners, timeline, thread), and an agent's send in the helpdesk's
// own composer is reported once: takeover starts and the pending AI reply is cancelled.
import { describe, expect, it } from 'vitest';
import { ScheduledReplyEntity } from '../../backend/src/db/entities/conversation.entities.js';
import { messageLinesOf, viewOf } from './support/backend.js';
import { escalate, startThread, waitForView } from './support/conversations.js';
import { agentSendsInComposer, threadLines, waitForThreadLine } from './support/demo.js';
import { baton, clickInShadow, countInOverlay, waitForShadow, waitForShadowGone, waitForText } from './support/overlay.js';
import { screenshot } from './support/screenshot.js';
import { useE2eSuite } from './support/suite.js';
import { sleep, waitFor } from './support/wait.js';

const PAYLOAD = '<img src=x onerror=alert(1)>';

const suite = useE2eSuite('xss_send');

const setCadence = (enabled: boolean, seconds = 45) => suite.e2e.updateSettings({ replyCadence: { enabled, minDelaySeconds: seconds, maxDelaySeconds: seconds } });

describe('customer text is text', () => {
  it(`a customer message ${PAYLOAD} shows as text in the thread, the banners and the timeline`, async () => {
    await setCadence(false);
    const thread = await startThread(suite.e2e, PAYLOAD, PAYLOAD);
    await escalate(suite.e2e, thread, `Customer wrote: ${PAYLOAD}`);
    const page = await suite.openThread('sam', thread.externalId);

    await waitForText(page, 'baton-banners', baton('escalation-reason'), `Customer wrote: ${PAYLOAD}`);
    await clickInShadow(page, 'baton-header', baton('timeline-toggle', 'button'));
    await waitFor(
      () => page.$$eval(`baton-banners >>> ${baton('timeline-entry')}`, (entries) => entries.map((entry) => entry.textContent ?? '')),
      (entries) => entries.some((entry) => entry.includes(PAYLOAD)),
      'the customer message as text in the timeline drawer',
    );
    expect(await countInOverlay(page, 'img')).toBe(0);
    expect(await countInOverlay(page, '[onerror]')).toBe(0);
    expect(await threadLines(page)).toContain(`customer: ${PAYLOAD}`);
    expect(await page.$$('section.hd-thread img')).toHaveLength(0);
    await screenshot(page, 'xss-as-text');
    expect(suite.sam.problems(page).dialogs).toEqual([]);
    expect(suite.sam.problems(page).pageErrors).toEqual([]);
  });
});

describe("the agent's send in the helpdesk composer", () => {
  it('an SMS sent without taking over (helpdesk not reporting) → takeover starts, the pending AI reply is cancelled, the message counts once', async () => {
    await setCadence(true);
    const thread = await startThread(suite.e2e, 'Is my order on its way?');
    const pending = await waitForView(suite.e2e.admin, thread.conversationId, (view) => view.pendingReply !== null, 'a pending AI reply');
    expect(pending.takeover).toBeNull();
    const page = await suite.openThread('sam', thread.externalId, { connectorReports: 'off' });
    await waitForShadow(page, 'baton-reply', baton('reply-banner'));
    await waitForShadow(page, 'baton-header', baton('take-over', 'button'));

    const body = 'Hi! I am checking your order right now.';
    await agentSendsInComposer(page, body, 'sms');
    const held = await waitForView(suite.e2e.admin, thread.conversationId, (view) => view.takeover?.holder?.agentId === suite.e2e.agents.sam.id, 'the automatic takeover');
    expect(held.takeover!.source).toBe('auto_sms');
    expect(held.pendingReply).toBeNull();
    const reply = await suite.e2e.server.db.getRepository(ScheduledReplyEntity).findOneByOrFail({ id: pending.pendingReply!.id });
    expect(reply.status).toBe('cancelled');

    await waitForShadowGone(page, 'baton-reply', baton('reply-banner'));
    await waitForText(page, 'baton-banners', baton('takeover-holder'), 'You took over');
    await waitForThreadLine(page, (line) => line === `agent: ${body}`, "the agent's message");
    await sleep(2_000);
    expect((await messageLinesOf(suite.e2e.admin, thread.conversationId)).filter((line) => line.endsWith(body))).toHaveLength(1);
    expect((await threadLines(page)).filter((line) => line.endsWith(body))).toHaveLength(1);
    expect((await viewOf(suite.e2e.admin, thread.conversationId)).pendingReply).toBeNull();
  });

  it('a send both the helpdesk and the extension report is recorded once (same idempotency key)', async () => {
    await setCadence(false);
    const thread = await startThread(suite.e2e, 'Thanks for the help');
    const page = await suite.openThread('sam', thread.externalId);
    await waitForShadow(page, 'baton-header', baton('take-over', 'button'));

    const body = 'You are welcome, have a nice day.';
    await agentSendsInComposer(page, body, 'sms');
    await waitFor(() => messageLinesOf(suite.e2e.admin, thread.conversationId), (lines) => lines.some((line) => line.endsWith(body)), "the agent's message in Baton");
    // Both reports take a moment; give the second one time to arrive before counting.
    await sleep(3_000);
    expect((await messageLinesOf(suite.e2e.admin, thread.conversationId)).filter((line) => line.endsWith(body))).toHaveLength(1);
    expect((await threadLines(page)).filter((line) => line.endsWith(body))).toHaveLength(1);
    await waitForView(suite.e2e.admin, thread.conversationId, (view) => view.takeover?.holder?.agentId === suite.e2e.agents.sam.id, 'the automatic takeover');
  });
});
