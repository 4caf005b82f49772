// The escalation banner in real Chromium: facts, the resolve form (inline note error, Spam with its
// cooldown note in the timeline, an outsider's FORBIDDEN), HIPAA redaction and the stacked banners.
import type { Page } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { expectTrpcError } from '../support/trpc-client.js';
import { viewOf } from './support/backend.js';
import { launchBrowserWithExtension } from './support/browser.js';
import { escalate, startThread, TRIGGER_LABEL, waitForView } from './support/conversations.js';
import { baton, clickInShadow, overlayHtml, overlayText, shadow, shadowAttribute, shadowText, waitForShadow, waitForShadowGone, waitForText } from './support/overlay.js';
import { screenshot } from './support/screenshot.js';
import { useE2eSuite } from './support/suite.js';
import { waitFor } from './support/wait.js';

const suite = useE2eSuite('escalations');

const escalationStatus = (id: string) => suite.e2e.admin.escalations.get.query({ id });

/** Opens the resolve form and picks a reason. */
async function openResolveForm(page: Page, reason: string): Promise<void> {
  await clickInShadow(page, 'baton-banners', baton('resolve', 'button'));
  await waitForShadow(page, 'baton-banners', baton('resolve-form'));
  const select = await waitForShadow(page, 'baton-banners', baton('resolve-reason', 'select'));
  await select.select(reason);
}

describe('the escalation banner', () => {
  it('shows team, reason, trigger, time open and cycle in a red region', async () => {
    const thread = await startThread(suite.e2e, 'I want my money back');
    await escalate(suite.e2e, thread, 'Customer asks for a refund');
    const view = await waitForView(suite.e2e.admin, thread.conversationId, (current) => current.escalation !== null, 'the open escalation');
    const page = await suite.openThread('sam', thread.externalId);

    const banner = await waitForShadow(page, 'baton-banners', baton('escalation-banner'));
    expect(await banner.evaluate((node) => [node.getAttribute('role'), node.getAttribute('aria-label')])).toEqual(['region', 'Escalation']);
    await waitForText(page, 'baton-banners', baton('escalation-team'), 'Support');
    await waitForText(page, 'baton-banners', baton('escalation-reason'), 'Customer asks for a refund');
    expect(await shadowText(page, 'baton-banners', baton('escalation-trigger'))).toContain(TRIGGER_LABEL[view.escalation!.trigger]);
    expect(await shadowText(page, 'baton-banners', baton('escalation-age'))).toMatch(/open/i);
    expect(await shadowText(page, 'baton-banners', baton('escalation-cycle'))).toContain('Cycle 1');
    await waitForShadow(page, 'baton-banners', baton('resolve', 'button'));
    await screenshot(page, 'escalation');
  });

  it('Other with a blank note → inline error next to the note, what was typed kept, nothing changed; Spam → banner gone, cooldown note in the timeline drawer', async () => {
    const thread = await startThread(suite.e2e, 'Buy cheap watches now!!!');
    const escalationId = await escalate(suite.e2e, thread, 'Looks like spam');
    const page = await suite.openThread('sam', thread.externalId);
    await waitForShadow(page, 'baton-banners', baton('escalation-banner'));

    await openResolveForm(page, 'other');
    const note = await waitForShadow(page, 'baton-banners', baton('resolve-note', 'textarea'));
    expect(await note.evaluate((node) => node.getAttribute('maxlength'))).toBe('2000');
    await note.type('   ');
    await clickInShadow(page, 'baton-banners', baton('resolve-confirm', 'button'));
    const error = await waitForShadow(page, 'baton-banners', baton('resolve-note-error'));
    expect((await error.evaluate((node) => node.textContent ?? '')).trim()).not.toBe('');
    const errorId = await error.evaluate((node) => node.id);
    expect(errorId).not.toBe('');
    expect((await note.evaluate((node) => node.getAttribute('aria-describedby') ?? '')).split(/\s+/)).toContain(errorId);
    expect(await note.evaluate((node) => (node as HTMLTextAreaElement).value)).toBe('   ');
    expect(await (await shadow(page, 'baton-banners', baton('resolve-reason', 'select')))!.evaluate((node) => (node as HTMLSelectElement).value)).toBe('other');
    expect((await escalationStatus(escalationId)).status).toBe('open');
    await screenshot(page, 'resolve-form-error');

    const select = await waitForShadow(page, 'baton-banners', baton('resolve-reason', 'select'));
    await select.select('spam');
    await clickInShadow(page, 'baton-banners', baton('resolve-confirm', 'button'));
    await waitForShadowGone(page, 'baton-banners', baton('escalation-banner'));
    expect(await escalationStatus(escalationId)).toMatchObject({ status: 'resolved', resolution: { reason: 'spam', byName: 'Sam Support' } });
    const view = await waitForView(suite.e2e.admin, thread.conversationId, (current) => current.cooldown !== null, 'the cooldown');
    expect(view.cooldown!.text).toMatch(/^Escalations paused until \d{1,2}:\d{2}\s?[AP]M C[SD]T/);
    await waitForText(page, 'baton-banners', baton('cooldown'), view.cooldown!.text);

    await clickInShadow(page, 'baton-header', baton('timeline-toggle', 'button'));
    await waitForShadow(page, 'baton-banners', baton('timeline'));
    await waitFor(
      () => page.$$eval(`baton-banners >>> ${baton('timeline-entry')}`, (entries) => entries.map((entry) => (entry.textContent ?? '').replace(/\s+/g, ' ').trim())),
      (entries) => entries.some((entry) => /Escalations paused until \d{1,2}:\d{2}\s?[AP]M C[SD]T — resolved as spam by Sam Support/.test(entry)),
      'the cooldown note in the timeline drawer',
    );
    await screenshot(page, 'timeline-cooldown');
  });

  it('an agent outside the team sees the server\'s message in the form; the escalation stays open', async () => {
    const thread = await startThread(suite.e2e, 'Where is my parcel?');
    const escalationId = await escalate(suite.e2e, thread, 'Parcel lost');
    const expected = await expectTrpcError(suite.e2e.agents.olivia.client.escalations.resolve.mutate({ id: escalationId, reason: 'spam' }));
    expect(expected.code).toBe('FORBIDDEN');

    const olivia = suite.pages.addBrowser(await launchBrowserWithExtension({ apiKey: suite.e2e.agents.olivia.apiKey, backendUrl: suite.e2e.url, label: 'olivia' }));
    const page = await suite.openAs(olivia, thread.externalId, suite.e2e.agents.olivia.email);
    await waitForShadow(page, 'baton-banners', baton('escalation-banner'));
    await openResolveForm(page, 'spam');
    await clickInShadow(page, 'baton-banners', baton('resolve-confirm', 'button'));
    const error = await waitForShadow(page, 'baton-banners', baton('resolve-error'));
    expect(await error.evaluate((node) => node.getAttribute('role'))).toBe('alert');
    await waitForText(page, 'baton-banners', baton('resolve-error'), expected.message);
    expect((await escalationStatus(escalationId)).status).toBe('open');
    await waitForShadow(page, 'baton-banners', baton('escalation-banner'));
    await screenshot(page, 'resolve-forbidden');
  });

  it('HIPAA on: no team name and no cycle count anywhere in the overlay', async () => {
    await suite.e2e.updateSettings({ hipaaMode: true });
    try {
      const thread = await startThread(suite.e2e, 'About my prescription');
      await escalate(suite.e2e, thread, 'Medical question');
      const view = await waitForView(suite.e2e.admin, thread.conversationId, (current) => current.escalation !== null, 'the open escalation');
      expect(view.escalation).toMatchObject({ redacted: true });
      expect(view.escalation).not.toHaveProperty('team');
      expect(view.escalation).not.toHaveProperty('cycle');

      const page = await suite.openThread('sam', thread.externalId);
      await waitForShadow(page, 'baton-banners', baton('escalation-banner'));
      await waitForText(page, 'baton-banners', baton('escalation-reason'), 'Medical question');
      await openResolveForm(page, 'handled');
      await clickInShadow(page, 'baton-header', baton('timeline-toggle', 'button'));
      await waitFor(() => page.$$(`baton-banners >>> ${baton('timeline-entry')}`), (entries) => entries.length > 0, 'timeline entries');
      await screenshot(page, 'escalation-hipaa');

      expect(await shadow(page, 'baton-banners', baton('escalation-team'))).toBeNull();
      expect(await shadow(page, 'baton-banners', baton('escalation-cycle'))).toBeNull();
      // The team is "Support"; the viewer "Sam Support" may be named, the team never.
      const text = await overlayText(page);
      expect(text.replaceAll('Sam Support', 'Sam S.')).not.toMatch(/Support/);
      expect(text).not.toMatch(/\bcycle\b/i);
      const html = Object.values(await overlayHtml(page)).join('\n').replaceAll('Sam Support', 'Sam S.');
      expect(html).not.toContain('Support');
      expect(html).not.toMatch(/escalation-(team|cycle)/);
    } finally {
      await suite.e2e.updateSettings({ hipaaMode: false });
    }
  });

  it('escalated and taken over: both banners, escalation on top, the takeover one compact; their actions are independent', async () => {
    const thread = await startThread(suite.e2e, 'This is urgent, call me');
    const escalationId = await escalate(suite.e2e, thread, 'Urgent callback');
    await suite.e2e.agents.sam.client.conversations.takeOver.mutate({ id: thread.conversationId });
    const page = await suite.openThread('sam', thread.externalId);

    const escalation = await waitForShadow(page, 'baton-banners', baton('escalation-banner'));
    const takeover = await waitForShadow(page, 'baton-banners', baton('takeover-banner'));
    await waitFor(() => shadowAttribute(page, 'baton-banners', baton('takeover-banner'), 'data-compact'), (value) => value === 'true', 'the compact takeover banner');
    const [escalationBox, takeoverBox] = [await escalation.boundingBox(), await takeover.boundingBox()];
    expect(escalationBox!.y + escalationBox!.height).toBeLessThanOrEqual(takeoverBox!.y + 1);
    expect(takeoverBox!.height, 'one line').toBeLessThan(escalationBox!.height);
    expect(takeoverBox!.height, 'one line').toBeLessThanOrEqual(56);
    await screenshot(page, 'stacked');

    await clickInShadow(page, 'baton-banners', baton('release', 'button'));
    await waitForShadowGone(page, 'baton-banners', baton('takeover-banner'));
    await waitForView(suite.e2e.admin, thread.conversationId, (current) => current.takeover === null, 'the release');
    expect((await escalationStatus(escalationId)).status).toBe('open');
    await waitForShadow(page, 'baton-banners', baton('escalation-banner'));
    expect((await viewOf(suite.e2e.admin, thread.conversationId)).escalation?.status).toBe('open');
  });
});
