// The helpdesk adapters the content script knows, in the order they are tried (first match wins).
import type { HelpdeskAdapter } from './adapter';
import { demoInboxAdapter } from './demo-inbox';
import { requestTrackerAdapter } from './request-tracker';

/**
 * The built-in adapters, each serving its own page family. A configured (generic) adapter serves a
 * whole origin, so it goes after these: on an RT origin, RT's ticket pages get the RT adapter.
 */
export const helpdeskAdapters: readonly HelpdeskAdapter[] = [demoInboxAdapter, requestTrackerAdapter];

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
