// Reads and drives the overlay through its DOM contract: three shadow-root UIs, elements named by `data-baton`.
import type { ElementHandle, Page } from 'puppeteer-core';
import { DEFAULT_WAIT_MS, waitFor } from './wait.js';

/** The shadow-root UIs the content script mounts per thread. */
export type OverlayHost = 'baton-header' | 'baton-banners' | 'baton-reply';
export const OVERLAY_HOSTS: readonly OverlayHost[] = ['baton-header', 'baton-banners', 'baton-reply'];

/** `[data-baton="name"]`, optionally after a tag: `baton('take-over', 'button')`. */
export function baton(name: string, tag = ''): string {
  return `${tag}[data-baton="${name}"]`;
}

/** A puppeteer selector that pierces the host's shadow root (`>>>`). */
export function inShadow(host: OverlayHost, selector: string): string {
  return `${host} >>> ${selector}`;
}

/** The first element matching `selector` inside the host's shadow root, or null. */
export function shadow(page: Page, host: OverlayHost, selector: string): Promise<ElementHandle<Element> | null> {
  return page.$(inShadow(host, selector));
}

/** Waits until `selector` is in the host's shadow root and visible. */
export async function waitForShadow(page: Page, host: OverlayHost, selector: string, timeoutMs = DEFAULT_WAIT_MS): Promise<ElementHandle<Element>> {
  const element = await page.waitForSelector(inShadow(host, selector), { visible: true, timeout: timeoutMs });
  if (!element) throw new Error(`${host} >>> ${selector} not found`);
  return element;
}

/** Waits until nothing matches `selector` in the host's shadow root (or the host is gone). */
export async function waitForShadowGone(page: Page, host: OverlayHost, selector: string, timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
  await waitFor(() => page.$(inShadow(host, selector)), (element) => element === null, `${host} >>> ${selector} to disappear`, { timeoutMs });
}

/** The text of the first match (whitespace collapsed), or null when absent. */
export async function shadowText(page: Page, host: OverlayHost, selector: string): Promise<string | null> {
  const element = await shadow(page, host, selector);
  if (!element) return null;
  return element.evaluate((node) => (node.textContent ?? '').replace(/\s+/g, ' ').trim());
}

/**
 * Waits until the element's text contains `expected` (or matches it), and returns the text.
 *
 * @example await waitForText(page, 'baton-banners', baton('takeover-holder'), 'You took over');
 */
export async function waitForText(page: Page, host: OverlayHost, selector: string, expected: string | RegExp, timeoutMs = DEFAULT_WAIT_MS): Promise<string> {
  const matches = (text: string | null) => text !== null && (typeof expected === 'string' ? text.includes(expected) : expected.test(text));
  const text = await waitFor(() => shadowText(page, host, selector), matches, `${host} >>> ${selector} to show ${String(expected)}`, { timeoutMs });
  return text!;
}

/** Clicks an element inside a shadow root once it is visible and enabled. */
export async function clickInShadow(page: Page, host: OverlayHost, selector: string, timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
  const element = await waitForShadow(page, host, selector, timeoutMs);
  await waitFor(() => element.evaluate((node) => (node as HTMLButtonElement).disabled === true), (disabled) => !disabled, `${selector} to be enabled`, { timeoutMs });
  await element.click();
}

/** An attribute of the first match, or null. */
export async function shadowAttribute(page: Page, host: OverlayHost, selector: string, attribute: string): Promise<string | null> {
  const element = await shadow(page, host, selector);
  return element ? element.evaluate((node, name) => node.getAttribute(name), attribute) : null;
}

/** Everything the overlay put in the page: each host's shadow-root HTML (attributes included). */
export async function overlayHtml(page: Page): Promise<Record<OverlayHost, string | null>> {
  return page.evaluate((hosts) => {
    const result: Record<string, string | null> = {};
    for (const host of hosts) {
      const roots = [...document.querySelectorAll(host)].map((element) => element.shadowRoot?.innerHTML ?? '');
      result[host] = roots.length ? roots.join('\n') : null;
    }
    return result;
  }, OVERLAY_HOSTS as OverlayHost[]) as Promise<Record<OverlayHost, string | null>>;
}

/** The visible text of all three UIs, whitespace collapsed. */
export async function overlayText(page: Page): Promise<string> {
  return page.evaluate((hosts) => {
    const textOf = (root: ShadowRoot | null) => {
      if (!root) return '';
      const copy = document.createElement('div');
      copy.append(...[...root.childNodes].map((node) => node.cloneNode(true)));
      copy.querySelectorAll('style, link, script').forEach((node) => node.remove());
      return copy.textContent ?? '';
    };
    return hosts
      .flatMap((host) => [...document.querySelectorAll(host)].map((element) => textOf(element.shadowRoot)))
      .join(' ')
      .replace(/\s+/g, ' ')
      .trim();
  }, OVERLAY_HOSTS as OverlayHost[]);
}

/** The overlay's buttons that can be pressed now (not disabled, not aria-disabled), as `data-baton: text`. */
export async function enabledButtons(page: Page): Promise<string[]> {
  return page.evaluate((hosts) => {
    return hosts.flatMap((host) =>
      [...document.querySelectorAll(host)].flatMap((element) =>
        [...(element.shadowRoot?.querySelectorAll('button') ?? [])]
          .filter((button) => !button.disabled && button.getAttribute('aria-disabled') !== 'true')
          .map((button) => `${button.dataset.baton ?? '?'}: ${(button.textContent ?? '').trim()}`),
      ),
    );
  }, OVERLAY_HOSTS as OverlayHost[]);
}

/** How many hosts of each kind the page holds (one each per thread: never duplicates). */
export async function hostCounts(page: Page): Promise<Record<OverlayHost, number>> {
  return page.evaluate((hosts) => Object.fromEntries(hosts.map((host) => [host, document.querySelectorAll(host).length])), OVERLAY_HOSTS as OverlayHost[]) as Promise<Record<OverlayHost, number>>;
}

/** Elements of the given tag inside the overlay's shadow roots (e.g. an injected `img`). */
export async function countInOverlay(page: Page, selector: string): Promise<number> {
  return page.evaluate(
    (hosts, css) => hosts.reduce((sum, host) => sum + [...document.querySelectorAll(host)].reduce((n, element) => n + (element.shadowRoot?.querySelectorAll(css).length ?? 0), 0), 0),
    OVERLAY_HOSTS as OverlayHost[],
    selector,
  );
}

/**
 * Waits inside the page (polling every 20 ms) until the element's text contains `expected`, and
 * returns the page's `Date.now()` at that moment: for latency checks not slowed by round trips.
 */
export async function pageTimeWhenText(page: Page, host: OverlayHost, selector: string, expected: string, timeoutMs = DEFAULT_WAIT_MS): Promise<number> {
  const handle = await page.waitForFunction(
    (hostName, css, text) => {
      const root = document.querySelector(hostName)?.shadowRoot;
      const content = root?.querySelector(css)?.textContent ?? '';
      return content.includes(text) ? Date.now() : false;
    },
    { polling: 20, timeout: timeoutMs },
    host,
    selector,
    expected,
  );
  return (await handle.jsonValue()) as number;
}
