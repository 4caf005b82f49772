// A backend URL set by policy (Chromium's managed policy folder, written as root) is used over the
// URL the agent saved, and the options page shows it locked — issue 10 "Proof required".
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackgroundRequest, BackgroundResponses } from '../../extension/messaging.js';
import { freePort } from '../support/private-redis.js';
import { startE2eBackend, viewOf, type E2eBackend } from './support/backend.js';
import { launchBrowserWithExtension, type ExtensionBrowser } from './support/browser.js';
import { startThread, waitForView } from './support/conversations.js';
import { privateExtensionCopy, writeExtensionPolicy, type ExtensionPolicyFile } from './support/managed-policy.js';
import { baton, clickInShadow, waitForShadow } from './support/overlay.js';
import { screenshot } from './support/screenshot.js';
import { waitFor } from './support/wait.js';

const ALLOWED_HELPDESK = 'http://127.0.0.1:7777';

let e2e: E2eBackend;
let extension: ReturnType<typeof privateExtensionCopy>;
let policy: ExtensionPolicyFile;
let agent: ExtensionBrowser;
/** Where the agent's saved URL points: a port nothing listens on. */
let savedUrl: string;
/** An extension page to send protocol requests from, as popup and options do. */
let extensionPage: Page;
/** How long after launch the policy reached `storage.managed`. */
let policyArrivedMs: number;

/** Sends a request to the background from an extension page (the envelope of extension/messaging.ts). */
async function ask<R extends BackgroundRequest>(request: R): Promise<BackgroundResponses[R['type']]> {
  const envelope = await extensionPage.evaluate(
    (message) => (globalThis as unknown as { chrome: { runtime: { sendMessage(message: unknown): Promise<unknown> } } }).chrome.runtime.sendMessage(message),
    request,
  );
  const answer = envelope as { ok: true; value: BackgroundResponses[R['type']] } | { ok: false; error: string };
  if (!answer.ok) throw new Error(`${request.type} failed: ${answer.error}`);
  return answer.value;
}

/** What the background stored as the agent's own configuration. */
async function storedConfig(): Promise<unknown> {
  return extensionPage.evaluate(async () => {
    const storage = (globalThis as unknown as { chrome: { storage: { local: { get(key: string): Promise<Record<string, unknown>> } } } }).chrome.storage.local;
    return (await storage.get('backendConfig')).backendConfig;
  });
}

beforeAll(async () => {
  e2e = await startE2eBackend('managed_policy');
  savedUrl = `http://127.0.0.1:${await freePort()}`;
  // A folder of its own: the policy names this copy's id, no other browser on the machine gets it.
  extension = privateExtensionCopy();
  policy = writeExtensionPolicy(extension.extensionId, { backendUrl: e2e.url, allowedHelpdeskOrigins: [ALLOWED_HELPDESK] });
  const launched = Date.now();
  agent = await launchBrowserWithExtension({ apiKey: e2e.agents.sam.apiKey, backendUrl: e2e.url, configure: 'skip', extensionDir: extension.dir, label: 'policy' });
  extensionPage = await agent.openPage(`chrome-extension://${agent.extensionId}/popup.html`);
  // Chromium hands the policy over once the extension's schema is registered, a few seconds after start.
  await waitFor(() => ask({ type: 'policy.get' }), (current) => current.backendUrl !== null, 'the policy to reach storage.managed');
  policyArrivedMs = Date.now() - launched;
  console.log(`[e2e] managed policy reached the unpacked extension ${policyArrivedMs} ms after launch`);
});

afterAll(async () => {
  await agent?.close();
  policy?.remove();
  extension?.remove();
  await e2e?.stop();
});

describe('a backend URL set by policy', () => {
  it('reaches an extension loaded unpacked, whose id Chromium derives from its path', async () => {
    expect(agent.extensionId).toBe(extension.extensionId);
    expect(await ask({ type: 'policy.get' })).toEqual({ backendUrl: e2e.url, allowedHelpdeskOrigins: [ALLOWED_HELPDESK] });
  });

  it('is used over the URL the agent saved: status, configuration and the overlay all talk to it', async () => {
    // What an agent saved before IT set the policy: another backend, nothing listens there.
    await extensionPage.evaluate(
      (config) => (globalThis as unknown as { chrome: { storage: { local: { set(items: unknown): Promise<void> } } } }).chrome.storage.local.set({ backendConfig: config }),
      { url: savedUrl, credential: e2e.agents.sam.apiKey },
    );

    expect(await ask({ type: 'config.get' })).toMatchObject({ url: e2e.url, hasCredential: true, credentialKind: 'api_key' });
    expect(await ask({ type: 'backend.status' })).toMatchObject({ configured: true, url: e2e.url, reachable: true, healthy: true });

    const thread = await startThread(e2e, 'Is my order on its way?');
    const page = await agent.openThread(e2e.slug, thread.externalId, { agent: e2e.agents.sam.email });
    await waitForShadow(page, 'baton-header', baton('take-over', 'button'));
    await clickInShadow(page, 'baton-header', baton('take-over', 'button'));
    await waitForView(e2e.agents.sam.client, thread.conversationId, (view) => view.takeover?.holder?.agentId === e2e.agents.sam.id, 'Sam to hold the thread through the policy backend');
    await waitForShadow(page, 'baton-banners', baton('takeover-banner'));
    expect((await viewOf(e2e.admin, thread.conversationId)).takeover?.holder?.agentId).toBe(e2e.agents.sam.id);
    expect(agent.problems(page).pageErrors).toEqual([]);
    await page.close();
  });

  it('cannot be changed: config.save with another URL answers a field error on url and saves nothing', async () => {
    const before = await storedConfig();
    const result = await ask({ type: 'config.save', url: savedUrl, credential: '' });
    expect(result).toEqual({ ok: false, fieldErrors: { url: `The backend URL is set by your organization's policy (${e2e.url}) and cannot be changed here` } });
    expect(await storedConfig()).toEqual(before);

    // The policy's own URL (what the locked field sends) saves a new credential.
    const saved = await ask({ type: 'config.save', url: e2e.url, credential: e2e.agents.sam.apiKey });
    expect(saved).toMatchObject({ ok: true, config: { url: e2e.url, hasCredential: true } });
  });

  it('shows locked in the options page: read-only field with the policy URL, a "Set by your IT department" badge, the allowed origins', async () => {
    const options = await agent.openPage(`chrome-extension://${agent.extensionId}/options.html`);
    const url = await options.waitForSelector('input[name="url"]');
    await options.waitForFunction((expected) => document.querySelector<HTMLInputElement>('input[name="url"]')?.value === expected, {}, e2e.url);
    expect(await url!.evaluate((input) => (input as HTMLInputElement).readOnly)).toBe(true);
    const badge = await options.waitForSelector('[data-policy="backendUrl"]');
    expect(await badge!.evaluate((element) => element.textContent)).toContain('Set by your IT department');
    // The helpdesk origins the policy allows are shown as locked too (Helpdesks section).
    const origins = await options.waitForSelector('[data-policy="allowed-origins"]');
    expect(await origins!.evaluate((element) => element.textContent)).toContain(`Helpdesks are allowed only at: ${ALLOWED_HELPDESK}`);
    await screenshot(options, 'options-policy-locked-url');

    // Typing into the locked field changes nothing.
    await url!.click({ count: 3 });
    await options.keyboard.type('http://127.0.0.1:1');
    expect(await url!.evaluate((input) => (input as HTMLInputElement).value)).toBe(e2e.url);
    expect(agent.problems(options).pageErrors).toEqual([]);
    await options.close();
  });
});
