// The timeline drawer in real Chromium: newest first, actors named (never raw ids), times in the
// tenant zone, and "Load older" paging through the backend's cursor.
import { describe, expect, it } from 'vitest';
import { timelineOf } from './support/backend.js';
import { startThread, waitForAiMessages } from './support/conversations.js';
import { customerWritesThroughWebhook } from './support/demo.js';
import { baton, clickInShadow, overlayText, waitForShadow } from './support/overlay.js';
import { screenshot } from './support/screenshot.js';
import { useE2eSuite } from './support/suite.js';
import { waitFor } from './support/wait.js';

const suite = useE2eSuite('timeline');

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
/** `h:mm AM` in the tenant zone (BASELINE_SETTINGS: America/Chicago). */
const tenantClock = (iso: string) => new Intl.DateTimeFormat('en-US', { timeZone: 'America/Chicago', hour: 'numeric', minute: '2-digit' }).format(new Date(iso));

describe('the timeline drawer', () => {
  it('shows the newest entries first with named actors and tenant-zone times; "Load older" pages back to the first message', async () => {
    const thread = await startThread(suite.e2e, 'First message of the thread');
    await waitForAiMessages(suite.e2e.admin, thread.conversationId, 1);
    await suite.e2e.agents.sam.client.conversations.takeOver.mutate({ id: thread.conversationId });
    await suite.e2e.agents.sam.client.conversations.release.mutate({ id: thread.conversationId });
    // Enough traffic for more than one page (the drawer asks for the backend's default page).
    for (let n = 2; n <= 14; n++) {
      await customerWritesThroughWebhook(suite.e2e, thread.externalId, `Customer message number ${n}`);
      await waitForAiMessages(suite.e2e.admin, thread.conversationId, n);
    }
    const page = await suite.openThread('sam', thread.externalId);
    // The first showing records the thread's helpdesk URL (a timeline event of its own): read the pages after it.
    await waitFor(() => suite.e2e.admin.conversations.get.query({ id: thread.conversationId }), (view) => view.helpdeskUrl !== null, 'the helpdesk URL recorded');
    const all = await timelineOf(suite.e2e.admin, thread.conversationId);
    const firstPage = (await suite.e2e.admin.conversations.timeline.query({ id: thread.conversationId })) as unknown as { entries: { text: string; at: string }[]; nextCursor: string | null };
    expect(firstPage.nextCursor).not.toBeNull();
    expect(all.length).toBeGreaterThan(firstPage.entries.length);
    expect(firstPage.entries[0]!.text).toBe('Opened in the helpdesk for the first time');

    await clickInShadow(page, 'baton-header', baton('timeline-toggle', 'button'));
    await waitForShadow(page, 'baton-banners', baton('timeline'));
    const entryTexts = () => page.$$eval(`baton-banners >>> ${baton('timeline-entry')}`, (entries) => entries.map((entry) => (entry.textContent ?? '').replace(/\s+/g, ' ').trim()));
    const shown = await waitFor(entryTexts, (texts) => texts.length === firstPage.entries.length, `the first page (${firstPage.entries.length} entries)`);
    expect(shown[0]).toContain(firstPage.entries[0]!.text);
    expect(shown[0]).toContain(tenantClock(firstPage.entries[0]!.at));
    await screenshot(page, 'timeline');

    await clickInShadow(page, 'baton-banners', baton('timeline-more', 'button'));
    const everything = await waitFor(entryTexts, (texts) => texts.length === all.length, `all ${all.length} entries`);
    expect(everything.at(-1)).toContain('First message of the thread');
    expect(everything.some((text) => text.startsWith('Sam Support'))).toBe(true);
    expect(everything.some((text) => text.startsWith('Customer'))).toBe(true);
    expect(everything.some((text) => text.startsWith('AI'))).toBe(true);
    expect(await overlayText(page)).not.toMatch(UUID);
    expect(await page.$(`baton-banners >>> ${baton('timeline-more')}`)).toBeNull();
  });
});
