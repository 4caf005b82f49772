// Take Over / transfer / Release from the overlay in real Chromium, the warning countdown, and the
// quiet states (thread unknown to Baton, backend down, bad credential) — issue 9 "Proof required".
import { describe, expect, it } from 'vitest';
import { freePort } from '../support/private-redis.js';
import { BASELINE_SETTINGS, messageLinesOf, viewOf } from './support/backend.js';
import { launchBrowserWithExtension } from './support/browser.js';
import { startThread, waitForAiMessages, waitForView } from './support/conversations.js';
import { customerWritesInSimulator, threadLines, waitForThreadLine } from './support/demo.js';
import { baton, clickInShadow, enabledButtons, hostCounts, overlayText, shadow, shadowAttribute, shadowText, waitForShadow, waitForShadowGone, waitForText } from './support/overlay.js';
import { screenshot } from './support/screenshot.js';
import { useE2eSuite } from './support/suite.js';
import { waitFor } from './support/wait.js';

const suite = useE2eSuite('takeover');

describe('Take Over and Release', () => {
  it('Take Over from the header → backend holds it, orange banner with holder and "AI resumes at …"; Release → banner gone; the next customer message gets an AI reply', async () => {
    const thread = await startThread(suite.e2e, 'Hi, what are your opening hours?');
    await waitForAiMessages(suite.e2e.admin, thread.conversationId, 1);
    const page = await suite.openThread('sam', thread.externalId);

    const takeOver = await waitForShadow(page, 'baton-header', baton('take-over', 'button'));
    expect(await takeOver.evaluate((button) => button.textContent)).toContain('Take Over');
    expect(await takeOver.$('svg[aria-hidden="true"]')).not.toBeNull();
    await clickInShadow(page, 'baton-header', baton('take-over', 'button'));

    const held = await waitForView(suite.e2e.agents.sam.client, thread.conversationId, (view) => view.takeover?.holder?.agentId === suite.e2e.agents.sam.id, 'the backend to record Sam as holder');
    expect(held.takeover).toMatchObject({ source: 'manual', warningActive: false });
    expect(held.takeover!.warning).toMatch(/^AI resumes at \d{1,2}:\d{2}\s?[AP]M C[SD]T$/);
    await waitForShadow(page, 'baton-banners', baton('takeover-banner'));
    await waitForText(page, 'baton-banners', baton('takeover-holder'), /You took over at \d{1,2}:\d{2}/);
    await waitForText(page, 'baton-banners', baton('takeover-resumes'), held.takeover!.warning!);
    expect(await shadowAttribute(page, 'baton-banners', baton('takeover-resumes'), 'data-emphasised')).not.toBe('true');
    await waitForShadowGone(page, 'baton-header', baton('take-over'));
    expect(await hostCounts(page)).toEqual({ 'baton-header': 1, 'baton-banners': 1, 'baton-reply': 1 });
    await screenshot(page, 'takeover');

    await clickInShadow(page, 'baton-banners', baton('release', 'button'));
    await waitForShadowGone(page, 'baton-banners', baton('takeover-banner'));
    await waitForView(suite.e2e.agents.sam.client, thread.conversationId, (view) => view.takeover === null, 'the backend to release');
    await waitForShadow(page, 'baton-header', baton('take-over', 'button'));

    // Released: the AI answers the customer's next message (the release itself sends nothing).
    const aiBefore = (await threadLines(page)).filter((line) => line.startsWith('ai: ')).length;
    await customerWritesInSimulator(page, 'Do you deliver on Sundays?');
    await waitForThreadLine(page, (line) => line === 'customer: Do you deliver on Sundays?', 'the customer message');
    const lines = await waitFor(() => threadLines(page), (current) => current.filter((line) => line.startsWith('ai: ')).length > aiBefore && current.at(-1)!.startsWith('ai: '), 'an AI reply after the customer message');
    expect(lines.at(-2)).toBe('customer: Do you deliver on Sundays?');
    const backendLines = await messageLinesOf(suite.e2e.admin, thread.conversationId);
    expect(backendLines.at(-2)).toBe('customer: Do you deliver on Sundays?');
    expect(backendLines.at(-1)).toMatch(/^ai: /);
  });

  it('taking over a thread another agent holds asks for confirmation naming the holder (transfer)', async () => {
    const thread = await startThread(suite.e2e, 'Can someone call me back?');
    await suite.e2e.agents.dana.client.conversations.takeOver.mutate({ id: thread.conversationId });
    const page = await suite.openThread('sam', thread.externalId);
    await waitForText(page, 'baton-banners', baton('takeover-holder'), /Dana Admin took over at \d{1,2}:\d{2}/);

    await clickInShadow(page, 'baton-header', baton('take-over', 'button'));
    await waitForText(page, 'baton-header', baton('transfer-confirm'), 'Dana Admin holds this conversation. Take it over?');
    await screenshot(page, 'transfer-confirm');
    await clickInShadow(page, 'baton-header', baton('transfer-cancel', 'button'));
    await waitForShadowGone(page, 'baton-header', baton('transfer-confirm'));
    expect((await viewOf(suite.e2e.admin, thread.conversationId)).takeover?.holder?.agentId).toBe(suite.e2e.agents.dana.id);

    await clickInShadow(page, 'baton-header', baton('take-over', 'button'));
    await clickInShadow(page, 'baton-header', baton('transfer-confirm-yes', 'button'));
    await waitForView(suite.e2e.admin, thread.conversationId, (view) => view.takeover?.holder?.agentId === suite.e2e.agents.sam.id, 'the transfer to Sam');
    await waitForText(page, 'baton-banners', baton('takeover-holder'), 'You took over');
  });

  it('in the last releaseWarningMinutes the "AI resumes" line is emphasised with a live countdown', async () => {
    // The week is closed: a takeover auto-releases afterHoursReleaseMinutes later, inside the 15-minute warning.
    await suite.e2e.updateSettings({ afterHoursReleaseMinutes: 5 });
    try {
      const thread = await startThread(suite.e2e, 'I need to change my address');
      const page = await suite.openThread('sam', thread.externalId);
      await clickInShadow(page, 'baton-header', baton('take-over', 'button'));
      const held = await waitForView(suite.e2e.admin, thread.conversationId, (view) => view.takeover?.holder?.agentId === suite.e2e.agents.sam.id, 'the takeover');
      expect(held.takeover!.warningActive).toBe(true);

      await waitFor(() => shadowAttribute(page, 'baton-banners', baton('takeover-resumes'), 'data-emphasised'), (value) => value === 'true', 'the emphasised warning');
      await waitForText(page, 'baton-banners', baton('takeover-resumes'), held.takeover!.warning!);
      const first = await waitForText(page, 'baton-banners', baton('takeover-countdown'), /in [0-5]:\d\d/);
      // Live: the figure moves on by itself.
      await waitFor(() => shadowText(page, 'baton-banners', baton('takeover-countdown')), (text) => text !== first && /in [0-5]:\d\d/.test(text ?? ''), 'the countdown to tick', { timeoutMs: 5_000 });
      await screenshot(page, 'takeover-warning');
    } finally {
      await suite.e2e.updateSettings({ afterHoursReleaseMinutes: BASELINE_SETTINGS.afterHoursReleaseMinutes });
    }
  });
});

describe('quiet and offline states', () => {
  it('a thread Baton does not know shows "Not handled by Baton", nothing else', async () => {
    // The demo inbox lists only Baton's conversations: serve the real demo markup under an unknown id.
    const known = await startThread(suite.e2e, 'Hello?');
    const html = await (await fetch(`${suite.e2e.url}/demo/${suite.e2e.slug}/c/${known.externalId}`)).text();
    const unknownId = 'NOT-IN-BATON-1';
    const unknownHtml = html
      .replaceAll(`data-external-id="${known.externalId}" data-channel`, `data-external-id="${unknownId}" data-channel`)
      .replace(/<script[^>]*><\/script>/g, '');
    expect(unknownHtml).toContain(`<section class="hd-thread" data-external-id="${unknownId}"`);
    const page = suite.pages.add(suite.sam, await suite.sam.openPage('about:blank'));
    const unknownUrl = `${suite.e2e.url}/demo/${suite.e2e.slug}/c/${unknownId}`;
    await page.setRequestInterception(true);
    page.on('request', (request) => {
      if (request.url() === unknownUrl) void request.respond({ status: 200, contentType: 'text/html; charset=utf-8', body: unknownHtml });
      else void request.continue();
    });
    await page.goto(unknownUrl, { waitUntil: 'domcontentloaded' });

    await waitForText(page, 'baton-banners', baton('not-handled'), 'Not handled by Baton');
    expect(await shadow(page, 'baton-header', baton('take-over'))).toBeNull();
    expect(await shadow(page, 'baton-banners', baton('takeover-banner'))).toBeNull();
    expect(await shadow(page, 'baton-banners', baton('offline'))).toBeNull();
    expect(suite.sam.problems(page).pageErrors).toEqual([]);
    await screenshot(page, 'not-handled');
  });

  it('the backend going away → "Baton offline — reconnecting", actions disabled; back → banners again', async () => {
    const thread = await startThread(suite.e2e, 'Are you there?');
    await suite.e2e.agents.sam.client.conversations.takeOver.mutate({ id: thread.conversationId });
    const page = await suite.openThread('sam', thread.externalId);
    await waitForShadow(page, 'baton-banners', baton('release', 'button'));

    await suite.e2e.stopServer();
    try {
      await waitForText(page, 'baton-banners', baton('offline'), 'Baton offline — reconnecting', 30_000);
      expect(await shadow(page, 'baton-banners', baton('release', 'button'))).not.toBeNull();
      // Opening the timeline drawer changes nothing; every action that would is disabled.
      const viewOnly = /^timeline-(toggle|close|more|retry):/;
      expect((await enabledButtons(page)).filter((button) => !viewOnly.test(button))).toEqual([]);
      await screenshot(page, 'offline');
    } finally {
      await suite.e2e.restartServer();
    }
    await waitForShadowGone(page, 'baton-banners', baton('offline'), 60_000);
    await clickInShadow(page, 'baton-banners', baton('release', 'button'), 30_000);
    await waitForView(suite.e2e.admin, thread.conversationId, (view) => view.takeover === null, 'the release after reconnecting');
  });

  it('a wrong credential and no configuration each show their own message, not banners', async () => {
    const thread = await startThread(suite.e2e, 'Hello from a customer');
    const wrongKey = suite.pages.addBrowser(await launchBrowserWithExtension({ apiKey: `bk_${'x'.repeat(32)}`, backendUrl: suite.e2e.url, label: 'wrong-key' }));
    const rejected = suite.pages.add(wrongKey, await wrongKey.openThread(suite.e2e.slug, thread.externalId));
    const text = await waitForText(rejected, 'baton-banners', baton('offline'), /key|credential|unauthori[sz]ed|sign in|rejected|not accepted/i);
    expect(text).not.toContain('reconnecting');
    expect(await shadow(rejected, 'baton-banners', baton('takeover-banner'))).toBeNull();
    await screenshot(rejected, 'unauthorized');

    const unconfigured = suite.pages.addBrowser(await launchBrowserWithExtension({ apiKey: '', backendUrl: suite.e2e.url, configure: 'skip', label: 'unconfigured' }));
    const notSetUp = suite.pages.add(unconfigured, await unconfigured.openThread(suite.e2e.slug, thread.externalId));
    await waitForText(notSetUp, 'baton-banners', baton('offline'), /options|configure|set up|not connected|no backend/i);
    await screenshot(notSetUp, 'unconfigured');
  });

  it('a backend nobody listens on from the start → offline notice (no other banner)', async () => {
    const thread = await startThread(suite.e2e, 'Anyone?');
    const nowhere = `http://127.0.0.1:${await freePort()}`;
    const offline = suite.pages.addBrowser(await launchBrowserWithExtension({ apiKey: suite.e2e.agents.sam.apiKey, backendUrl: nowhere, demoUrl: suite.e2e.url, label: 'nowhere' }));
    const page = suite.pages.add(offline, await offline.openThread(suite.e2e.slug, thread.externalId));
    await waitForText(page, 'baton-banners', baton('offline'), 'Baton offline — reconnecting', 30_000);
    expect(await overlayText(page)).not.toContain('Not handled by Baton');
  });
});
