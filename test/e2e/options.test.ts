// The options page in real Chromium against a real backend (issue 10 "Proof required"): cadence saved
// → the next AI reply is held within [min, max]; min > max → inline error, nothing saved; a
// non-admin sees it read-only and a forged update is refused; business hours → the banner's
// "AI resumes at …" moves; two admins → the second save is a CONFLICT that saves nothing (settings
// and routing rules alike).
import { DateTime } from 'luxon';
import type { Page } from 'puppeteer-core';
import { afterEach, describe, expect, it } from 'vitest';
import { autoReleaseAt, formatResumeWarning } from '../../backend/src/domain/business-hours.js';
import { ScheduledReplyEntity } from '../../backend/src/db/entities/conversation.entities.js';
import { WEEKDAYS, ZBusinessHours } from '../../shared/business-hours.js';
import { BASELINE_SETTINGS, timelineOf } from './support/backend.js';
import { launchBrowserWithExtension } from './support/browser.js';
import { startThread, waitForView } from './support/conversations.js';
import { field, fieldError, openOptions, saveSettings, sendFromPage, setChecked, textOf, typeInto } from './support/options.js';
import { baton, waitForText } from './support/overlay.js';
import { screenshot } from './support/screenshot.js';
import { useE2eSuite } from './support/suite.js';
import { waitFor } from './support/wait.js';

const suite = useE2eSuite('options', { agents: ['dana', 'sam'] });

const settingsNow = () => suite.e2e.admin.settings.get.query();

afterEach(async () => {
  await suite.e2e.updateSettings(BASELINE_SETTINGS);
});

describe('options: reply cadence', () => {
  it('cadence saved in options → the next AI reply is held within [min, max] of the customer message', async () => {
    const page = suite.pages.add(suite.browser('dana'), await openOptions(suite.browser('dana')));
    await setChecked(page, 'replyCadence.enabled', true);
    await typeInto(page, 'replyCadence.minDelaySeconds', '40');
    await typeInto(page, 'replyCadence.maxDelaySeconds', '50');
    expect(await saveSettings(page)).toContain('Settings saved');
    expect((await settingsNow()).replyCadence).toEqual({ enabled: true, minDelaySeconds: 40, maxDelaySeconds: 50 });
    await screenshot(page, 'options-admin');

    const thread = await startThread(suite.e2e, 'Do you open on Saturdays?');
    const view = await waitForView(suite.e2e.admin, thread.conversationId, (current) => current.pendingReply !== null, 'the held AI reply');
    const dueAt = Date.parse(view.pendingReply!.dueAt);
    const customerAt = Date.parse((await timelineOf(suite.e2e.admin, thread.conversationId)).find((entry) => entry.kind === 'message' && entry.actor.kind === 'customer')!.at);
    const row = await suite.e2e.server.db.getRepository(ScheduledReplyEntity).findOneByOrFail({ id: view.pendingReply!.id });
    // The draw is made when the draft is ready: exactly [40, 50] s after that, and after the message by that plus drafting time.
    expect(dueAt - row.createdAt.getTime()).toBeGreaterThanOrEqual(40_000);
    expect(dueAt - row.createdAt.getTime()).toBeLessThanOrEqual(50_000);
    expect(dueAt - customerAt).toBeGreaterThanOrEqual(40_000);
    expect(dueAt - customerAt).toBeLessThanOrEqual(50_000 + 5_000);
  });

  it('min > max and a delay above 3600 → inline errors by the fields, nothing saved', async () => {
    const before = await settingsNow();
    const page = suite.pages.add(suite.browser('dana'), await openOptions(suite.browser('dana')));
    await setChecked(page, 'replyCadence.enabled', true);
    await typeInto(page, 'replyCadence.minDelaySeconds', '90');
    await typeInto(page, 'replyCadence.maxDelaySeconds', '30');
    expect(await saveSettings(page)).toBe('Nothing was saved: fix the fields marked below.');
    expect(await fieldError(page, 'replyCadence.minDelaySeconds')).toBe('Minimum delay must be at most maximum delay (30)');
    expect(await page.$eval(field('replyCadence.minDelaySeconds'), (input) => input.getAttribute('aria-invalid'))).toBe('true');
    await screenshot(page, 'options-inline-error');

    await typeInto(page, 'replyCadence.minDelaySeconds', '0');
    await typeInto(page, 'replyCadence.maxDelaySeconds', '3601');
    await saveSettings(page);
    expect(await fieldError(page, 'replyCadence.maxDelaySeconds')).toBe('Maximum delay must be at most 3600');
    expect(await fieldError(page, 'replyCadence.minDelaySeconds')).toBeNull();
    // What was typed stays in the form.
    expect(await page.$eval(field('replyCadence.maxDelaySeconds'), (input) => (input as HTMLInputElement).value)).toBe('3601');

    const after = await settingsNow();
    expect(after.version).toBe(before.version);
    expect(after.replyCadence).toEqual(before.replyCadence);
  });
});

describe('options: who may change settings', () => {
  it('a non-admin sees every setting read-only with the reason, and a forged update is refused (FORBIDDEN)', async () => {
    const before = await settingsNow();
    const page = suite.pages.add(suite.sam, await openOptions(suite.sam));
    expect(await textOf(page, 'form[data-form="settings"] [data-read-only]')).toBe('Read-only. Only admins can change settings; you are signed in as an agent.');
    expect(await page.$eval('form[data-form="settings"] fieldset', (fieldset) => (fieldset as HTMLFieldSetElement).disabled)).toBe(true);
    for (const name of ['replyCadence.enabled', 'replyCadence.minDelaySeconds', 'businessHours.timeZone', 'hipaaMode', 'slaResponseMinutes', 'escalationTeamId', 'ai.provider']) {
      expect(await page.$eval(field(name), (input) => input.matches(':disabled')), name).toBe(true);
    }
    expect(await page.$('[data-action="save-settings"]')).toBeNull();
    // Sam still sees the values (the stored cadence) and the preview.
    expect(await page.$eval(field('replyCadence.minDelaySeconds'), (input) => (input as HTMLInputElement).value)).toBe(String(before.replyCadence.minDelaySeconds));
    await waitFor(() => textOf(page, '[data-preview="resume"] strong'), (text) => /^AI resumes at \d{1,2}:\d{2} [AP]M C[SD]T$/.test(text ?? ''), 'the resume preview');
    await screenshot(page, 'options-read-only');

    // Forged through the background, as a tampered options page would send it.
    const forged = await sendFromPage(page, { type: 'settings.update', expectedVersion: before.version, patch: { hipaaMode: true } });
    expect(forged).toMatchObject({ ok: true, value: { ok: false, code: 'FORBIDDEN' } });
    // And straight at the API with Sam's key.
    const direct = await suite.e2e.agents.sam.client.settings.update.mutate({ expectedVersion: before.version, hipaaMode: true }).then(
      () => 'accepted',
      (error: { data?: { code?: string } }) => error.data?.code,
    );
    expect(direct).toBe('FORBIDDEN');

    const after = await settingsNow();
    expect(after.version).toBe(before.version);
    expect(after.hipaaMode).toBe(false);
  });
});

describe('options: business hours', () => {
  it('business hours changed in options → an open takeover’s “AI resumes at …” changes on its banner', async () => {
    const dana = suite.browser('dana');
    const thread = await startThread(suite.e2e, 'Can a person call me?');
    await suite.e2e.agents.sam.client.conversations.takeOver.mutate({ id: thread.conversationId });
    const held = await waitForView(suite.e2e.admin, thread.conversationId, (view) => view.takeover !== null, 'the takeover');
    const threadPage = await suite.openThread('dana', thread.externalId);
    // Baseline: the week is closed, so the takeover releases afterHoursReleaseMinutes (120) after it started.
    await waitForText(threadPage, 'baton-banners', baton('takeover-resumes'), held.takeover!.warning!);

    // Open all of today (in the tenant zone): a takeover during a business day releases at the day's end.
    const today = WEEKDAYS[DateTime.now().setZone('America/Chicago').weekday - 1]!;
    const options = suite.pages.add(dana, await openOptions(dana));
    await options.click(`[data-action="add-window"][data-day="${today}"]`);
    await typeInto(options, `businessHours.weekly.${today}.0.open`, '00:00');
    await typeInto(options, `businessHours.weekly.${today}.0.close`, '24:00');

    const hours = ZBusinessHours.parse({ ...BASELINE_SETTINGS.businessHours, weekly: { ...BASELINE_SETTINGS.businessHours!.weekly, [today]: [{ open: '00:00', close: '24:00' }] } });
    const expected = formatResumeWarning(autoReleaseAt(hours, new Date(held.takeover!.since!), BASELINE_SETTINGS.afterHoursReleaseMinutes!), 'America/Chicago');
    expect(expected).not.toBe(held.takeover!.warning);
    // The live preview already says it for "a takeover now" (today's close), before saving.
    await waitFor(() => textOf(options, '[data-preview="resume"] strong'), (text) => text === expected, `the preview to say ${expected}`);
    expect(await saveSettings(options)).toContain('Settings saved');

    await waitForText(threadPage, 'baton-banners', baton('takeover-resumes'), expected);
    expect((await waitForView(suite.e2e.admin, thread.conversationId, (view) => view.takeover?.warning === expected, 'the backend to reschedule')).takeover!.warning).toBe(expected);
    await screenshot(options, 'options-business-hours');
  });
});

describe('options: two admins', () => {
  it('the second of two option pages to save gets the conflict, saves nothing, and can reload the other’s changes', async () => {
    const dana = suite.browser('dana');
    const before = await settingsNow();
    const first = suite.pages.add(dana, await openOptions(dana));
    const second = suite.pages.add(dana, await openOptions(dana));

    // A background tab gets no animation frames in headless Chromium: bring each to the front to use it.
    await first.bringToFront();
    await typeInto(first, 'releaseWarningMinutes', '20');
    expect(await saveSettings(first)).toContain('Settings saved');

    await second.bringToFront();
    await typeInto(second, 'slaResponseMinutes', '45');
    const outcome = await saveSettings(second);
    expect(outcome).toContain('Not saved: another admin saved these settings after you opened this page.');
    expect(outcome).toContain('Your edits are still in the form');
    expect(await second.$eval(field('slaResponseMinutes'), (input) => (input as HTMLInputElement).value)).toBe('45');
    await screenshot(second, 'options-conflict');

    const after = await settingsNow();
    expect(after.version).toBe(before.version + 1);
    expect(after.releaseWarningMinutes).toBe(20);
    expect(after.slaResponseMinutes).toBe(before.slaResponseMinutes);

    await second.click('[data-action="reload-settings"]');
    await second.waitForSelector('[data-conflict]', { hidden: true });
    expect(await second.$eval(field('releaseWarningMinutes'), (input) => (input as HTMLInputElement).value)).toBe('20');
    expect(await second.$eval(field('slaResponseMinutes'), (input) => (input as HTMLInputElement).value)).toBe(String(before.slaResponseMinutes));
    // Now it edits the current version: saving works.
    await typeInto(second, 'slaResponseMinutes', '45');
    expect(await saveSettings(second)).toContain('Settings saved');
    expect((await settingsNow()).slaResponseMinutes).toBe(45);
  });
});

describe('options: routing rules', () => {
  it('a bad regular expression is an inline error and saves nothing; fixed, the rule is saved in order', async () => {
    const dana = suite.browser('dana');
    const page = suite.pages.add(dana, await openOptions(dana));
    await page.waitForSelector('fieldset[data-form="rules"]:not([disabled])');
    await page.click('[data-action="add-rule"]');
    await typeInto(page, 'rules.0.name', 'Chargebacks');
    await typeInto(page, 'rules.0.condition.pattern', 'charge(back');
    await typeInto(page, 'rules.0.actions.0.reason', 'Customer mentions a chargeback');
    await page.click('[data-action="save-rules"]');
    await page.waitForSelector('[data-notice="rules"]');
    expect(await fieldError(page, 'rules.0.condition.pattern')).toMatch(/^Pattern is not a valid regular expression: /);
    expect((await rulesNow()).rules).toEqual([]);
    await screenshot(page, 'options-rules-error');

    await typeInto(page, 'rules.0.condition.pattern', 'charge ?back');
    await page.click('[data-action="save-rules"]');
    await waitFor(() => textOf(page, '[data-notice="rules"]'), (text) => text?.startsWith('Rules saved (1)') === true, 'the rules to save');
    expect((await rulesNow()).rules).toMatchObject([
      { name: 'Chargebacks', condition: { pattern: 'charge ?back' }, actions: [{ type: 'escalate', teamId: suite.e2e.team.id, reason: 'Customer mentions a chargeback' }] },
    ]);
    await clearRules();
  });

  it('two admins edit the rules at once: the second save is a conflict that saves nothing; "Reload their changes" shows the first’s', async () => {
    const dana = suite.browser('dana');
    const before = await rulesNow();
    const first = suite.pages.add(dana, await openOptions(dana));
    const second = suite.pages.add(dana, await openOptions(dana));

    // A background tab gets no animation frames in headless Chromium: bring each to the front to use it.
    await first.bringToFront();
    await addRule(first, 0, { name: 'Refunds', pattern: 'refund', reason: 'Customer asks for a refund' });
    expect(await saveRules(first)).toMatch(/^Rules saved \(1\)/);

    await second.bringToFront();
    await addRule(second, 0, { name: 'Chargebacks', pattern: 'charge ?back', reason: 'Customer mentions a chargeback' });
    const outcome = await saveRules(second);
    expect(outcome).toContain('Not saved: another admin saved the routing rules after you opened this page.');
    expect(outcome).toContain('Your edits are still in the list above');
    expect(await second.$eval(field('rules.0.name'), (input) => (input as HTMLInputElement).value)).toBe('Chargebacks');
    await screenshot(second, 'options-rules-conflict');

    // Nothing of the second page's edit was saved: the first admin's rule stands.
    const after = await rulesNow();
    expect(after.version).toBe(before.version + 1);
    expect(after.rules.map((rule) => rule.name)).toEqual(['Refunds']);

    await second.click('[data-action="reload-rules"]');
    await second.waitForSelector('[data-rules-conflict]', { hidden: true });
    expect(await second.$eval(field('rules.0.name'), (input) => (input as HTMLInputElement).value)).toBe('Refunds');
    expect(await second.$(field('rules.1.name'))).toBeNull();
    await clearRules();
  });
});

const rulesNow = () => suite.e2e.admin.rules.list.query();

/** Saves no rules (naming the current version), for the next test. */
async function clearRules() {
  const { version } = await rulesNow();
  await suite.e2e.admin.rules.save.mutate({ expectedVersion: version, rules: [] });
}

/** Clicks "+ Add rule" and fills rule `index`: a pattern that escalates to the default team. */
async function addRule(page: Page, index: number, rule: { name: string; pattern: string; reason: string }) {
  await page.waitForSelector('fieldset[data-form="rules"]:not([disabled])');
  await page.click('[data-action="add-rule"]');
  await typeInto(page, `rules.${index}.name`, rule.name);
  await typeInto(page, `rules.${index}.condition.pattern`, rule.pattern);
  await typeInto(page, `rules.${index}.actions.0.reason`, rule.reason);
}

/** Clicks "Save rules" and returns the notice or the conflict text that answers it. */
async function saveRules(page: Page): Promise<string> {
  const attempt = Number(await page.$eval('fieldset[data-form="rules"]', (fieldset) => fieldset.getAttribute('data-attempt'))) + 1;
  await page.click('[data-action="save-rules"]');
  const outcome = await page.waitForSelector(`[data-notice="rules"][data-attempt="${attempt}"], [data-rules-conflict][data-attempt="${attempt}"]`);
  return outcome!.evaluate((element) => (element.textContent ?? '').replace(/\s+/g, ' ').trim());
}

describe('options: connection', () => {
  it('Test connection says who a credential signs in as (saving nothing); Sign out forgets the credential and keeps the URL', async () => {
    const olivia = suite.pages.addBrowser(await launchBrowserWithExtension({ apiKey: suite.e2e.agents.olivia.apiKey, backendUrl: suite.e2e.url, label: 'olivia' }));
    const page = suite.pages.add(olivia, await openOptions(olivia));
    expect(await textOf(page, 'p.signed-in')).toBe('Signed in as Olivia Outsider (agent) in acme.');

    await page.click('[data-action="test-connection"]');
    await waitFor(() => textOf(page, 'p[role="status"]'), (text) => text === 'Connected: signed in as Olivia Outsider (agent) in acme.', 'the saved credential to test');

    // A wrong key typed (not saved) is tested as typed, and refused.
    await typeInto(page, 'credential', `bk_${'x'.repeat(32)}`);
    await page.click('[data-action="test-connection"]');
    await waitFor(() => textOf(page, 'p[role="status"]'), (text) => text?.startsWith('Test failed: The backend refused this credential') === true, 'the wrong key to be refused');
    expect(await textOf(page, 'p.signed-in')).toBe('Signed in as Olivia Outsider (agent) in acme.');

    await typeInto(page, 'credential', '');
    await page.click('[data-action="sign-out"]');
    await page.waitForSelector('p.signed-in[data-state="signed-out"]');
    expect(await textOf(page, 'p[role="status"]')).toContain('Signed out.');
    expect(await page.$('form[data-form="settings"]')).toBeNull();
    expect(await page.$eval('input[name="url"]', (input) => (input as HTMLInputElement).value)).toBe(suite.e2e.url);
    expect(await sendFromPage(page, { type: 'config.get' })).toEqual({ ok: true, value: { url: suite.e2e.url, hasCredential: false, credentialKind: null, credentialHint: null } });
    await screenshot(page, 'options-signed-out');
  });
});

describe('options: connectors (issue 12)', () => {
  it('an admin sets up Request Tracker: saved with its password never shown again, and the failure to reach RT shows beside it as text', async () => {
    const dana = suite.browser('dana');
    const unreachable = `http://127.0.0.1:${await closedPort()}/rt`;
    const page = suite.pages.add(dana, await openOptions(dana));
    try {
      await page.click('[data-connector="rt"] [data-action="enable-connector"]');
      await typeInto(page, 'connectors.rt.url', unreachable);
      await typeInto(page, 'connectors.rt.username', 'baton');
      await typeInto(page, 'connectors.rt.password', 'rt-secret-never-shown');
      await typeInto(page, 'connectors.rt.pollIntervalMs', '500');
      await page.click('[data-action="save-connectors"]');
      await waitFor(() => settingsNow(), (settings) => settings.connectors.rt !== null, 'the RT connector to be saved');
      expect((await settingsNow()).connectors.rt).toMatchObject({ url: unreachable, username: 'baton', queue: 'General', pollIntervalMs: 500, hasPassword: true });

      // A fresh page: the password box is empty and says a password is saved; the status names RT's failure.
      const again = suite.pages.add(dana, await openOptions(dana));
      const status = await waitFor(
        async () => {
          await again.reload();
          await again.waitForSelector('[data-connector="rt"] .connector-status:not([data-status="loading"])');
          return again.$eval('[data-connector="rt"] .connector-status', (element) => ({ state: element.getAttribute('data-status'), text: element.textContent ?? '' }));
        },
        (seen) => seen.state === 'failing',
        'the RT connector to show as failing',
        { timeoutMs: 30_000, intervalMs: 1_000 },
      );
      expect(status.text).toContain('Failing since');
      expect(status.text.length).toBeGreaterThan('Failing since'.length + 10);
      expect(await again.$eval(field('connectors.rt.password'), (input) => (input as HTMLInputElement).value)).toBe('');
      expect(await again.content()).not.toContain('rt-secret-never-shown');
      await again.$eval('[data-connector="rt"]', (card) => card.scrollIntoView());
      await screenshot(again, 'options-connector-rt-failing');
    } finally {
      await suite.e2e.updateSettings({ connectors: { rt: null } });
    }
  });
});

/** A 127.0.0.1 port nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
