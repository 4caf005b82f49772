// Host access to a helpdesk origin, asked for and given back from the options page (optional host permissions; never <all_urls>).
import { browser } from 'wxt/browser';

/** How asking for an origin ended: granted, declined in the browser's prompt, or refused outright (the reason). */
export type AccessAnswer = { kind: 'granted' } | { kind: 'declined' } | { kind: 'failed'; reason: string };

/** `https://desk.example.com/*`: the one pattern asked for (a port stays part of it). */
export function accessPattern(origin: string): string {
  return `${origin}/*`;
}

/**
 * Asks the browser for access to `origin`. Call it straight from the click, before anything else is
 * awaited: the browser shows its prompt only during a user gesture. An origin already granted (or
 * covered by the manifest, like 127.0.0.1) answers `granted` at once, without a prompt.
 *
 * @example
 * const answer = await requestHelpdeskAccess('https://desk.example.com');
 */
export async function requestHelpdeskAccess(origin: string): Promise<AccessAnswer> {
  try {
    return (await browser.permissions.request({ origins: [accessPattern(origin)] })) ? { kind: 'granted' } : { kind: 'declined' };
  } catch (error) {
    return { kind: 'failed', reason: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Gives access to `origin` back. False when the browser keeps it: hosts of the manifest itself
 * (the backend and demo at 127.0.0.1 / localhost) cannot be given back.
 */
export async function giveBackHelpdeskAccess(origin: string): Promise<boolean> {
  try {
    return await browser.permissions.remove({ origins: [accessPattern(origin)] });
  } catch {
    return false;
  }
}

/** Whether this browser can still open `origin`'s pages after giving it back (a manifest host). */
export async function stillHasAccess(origin: string): Promise<boolean> {
  try {
    return await browser.permissions.contains({ origins: [accessPattern(origin)] });
  } catch {
    return false;
  }
}
