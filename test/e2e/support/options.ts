// Drives the extension's options page through its DOM contract: inputs named by API path
// (`replyCadence.minDelaySeconds`), buttons by `data-action`, errors as `.field-error` next to the field.
import type { Page } from 'puppeteer-core';
import type { ExtensionBrowser } from './browser.js';
import { waitFor } from './wait.js';

/** `[name="…"]` for a field's API path. */
export const field = (name: string) => `[name="${name}"]`;

/**
 * Opens `options.html` and waits until the connection shows who is signed in and the tenant
 * settings form has loaded (editable or read-only).
 */
export async function openOptions(browser: ExtensionBrowser): Promise<Page> {
  const page = await browser.openPage(`chrome-extension://${browser.extensionId}/options.html`);
  await page.waitForSelector('p.signed-in[data-state="signed-in"]');
  await page.waitForSelector('form[data-form="settings"]');
  return page;
}

/** Replaces a text field's value the way a person would: select all, type. */
export async function typeInto(page: Page, name: string, value: string): Promise<void> {
  const input = await page.waitForSelector(field(name), { visible: true });
  await input!.click({ count: 3 });
  await page.keyboard.press('Backspace');
  if (value) await input!.type(value);
  await waitFor(() => page.$eval(field(name), (element) => (element as HTMLInputElement).value), (current) => current === value, `${name} to read "${value}"`);
}

/** Sets a checkbox to `checked` by clicking it if needed. */
export async function setChecked(page: Page, name: string, checked: boolean): Promise<void> {
  const current = await page.$eval(field(name), (element) => (element as HTMLInputElement).checked);
  if (current !== checked) await page.click(field(name));
}

/** The inline error shown in the field that holds `name`, or null. */
export function fieldError(page: Page, name: string): Promise<string | null> {
  return page.$eval(field(name), (input) => input.closest('.field, .window, .pattern-row')?.querySelector('.field-error')?.textContent ?? null);
}

/** Clicks "Save settings" and returns the notice or the conflict text that answers it. */
export async function saveSettings(page: Page): Promise<string> {
  const attempt = Number(await page.$eval('form[data-form="settings"]', (form) => form.getAttribute('data-attempt'))) + 1;
  await page.click('[data-action="save-settings"]');
  const outcome = await page.waitForSelector(`[data-notice="settings"][data-attempt="${attempt}"], [data-conflict][data-attempt="${attempt}"]`);
  return outcome!.evaluate((element) => (element.textContent ?? '').replace(/\s+/g, ' ').trim());
}

/** The text of the first element matching `selector`, whitespace collapsed, or null. */
export async function textOf(page: Page, selector: string): Promise<string | null> {
  const element = await page.$(selector);
  return element ? element.evaluate((node) => (node.textContent ?? '').replace(/\s+/g, ' ').trim()) : null;
}

/**
 * Sends a message to the background from an extension page, as the options page would (the
 * envelope `handleMessages` answers with: `{ ok, value }` or `{ ok: false, error }`).
 */
export function sendFromPage(page: Page, message: Record<string, unknown>): Promise<unknown> {
  type Runtime = { chrome: { runtime: { sendMessage(request: unknown): Promise<unknown> } } };
  return page.evaluate((request) => (globalThis as unknown as Runtime).chrome.runtime.sendMessage(request), message);
}
