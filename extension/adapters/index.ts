// The helpdesk adapters the content script knows, in the order they are tried (first match wins).
import type { HelpdeskAdapter } from './adapter';
import { demoInboxAdapter } from './demo-inbox';

/** Every adapter; a later issue adds Request Tracker and a configurable generic adapter. */
export const helpdeskAdapters: readonly HelpdeskAdapter[] = [demoInboxAdapter];

/**
 * The adapter serving `url`, or null when none does.
 *
 * @example
 * const adapter = adapterFor(new URL(location.href));
 */
export function adapterFor(url: URL, adapters: readonly HelpdeskAdapter[] = helpdeskAdapters): HelpdeskAdapter | null {
  return adapters.find((adapter) => adapter.matches(url)) ?? null;
}

export type { HelpdeskAdapter, MountPoint } from './adapter';
