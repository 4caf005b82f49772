// Wires the helpdesk content script: adapter → thread watcher → shadow UIs; overlay port → store; actions; agent-send reports.
import { browser } from 'wxt/browser';
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import type { HelpdeskAdapter } from '../adapters/adapter';
import { adapterFor, helpdeskAdapters } from '../adapters';
import { OVERLAY_PORT_NAME, sendToBackground } from '../messaging';
import { createBackgroundOverlayActions } from '../overlay/background-overlay-actions';
import { createOverlayStore } from '../overlay/overlay-store';
import { createAgentSendReporter } from './agent-send-reporter';
import { trackKnownConversation } from './known-conversation';
import { createOverlayPortClient, type OverlayPort } from './overlay-port-client';
import { createOverlaySlots } from './overlay-slots';
import { portToStore } from './port-to-store';
import { watchThread } from './thread-watcher';

/** How long a send made right after the page opened waits for Baton's first answer about the thread. */
const FIRST_ANSWER_WAIT_MS = 10_000;

export interface StartOverlayOptions {
  /** The overlay's stylesheet, put in each shadow root. */
  css: string;
  adapters?: readonly HelpdeskAdapter[];
}

/**
 * Runs the overlay on this page when an adapter serves it; otherwise logs one debug line and does
 * nothing. Everything it starts hangs off `ctx`: a reloaded or removed extension leaves nothing behind.
 *
 * @example
 * export default defineContentScript({ matches: […], main: (ctx) => startOverlay(ctx, { css: overlayCss }) });
 */
export async function startOverlay(ctx: ContentScriptContext, options: StartOverlayOptions): Promise<void> {
  const pageUrl = new URL(location.href);
  const adapter = adapterFor(pageUrl, options.adapters ?? helpdeskAdapters);
  if (!adapter) {
    console.debug(`[baton] no helpdesk adapter matches ${pageUrl.origin}${pageUrl.pathname}: overlay not started`);
    return;
  }

  const store = createOverlayStore();
  const known = trackKnownConversation(store);
  ctx.onInvalidated(known.stop);
  const port = createOverlayPortClient({
    connect: () => browser.runtime.connect({ name: OVERLAY_PORT_NAME }) as OverlayPort,
    ...portToStore(store),
    isInvalid: () => ctx.isInvalid,
    signal: ctx.signal,
    // Where this thread lives, as the page shows it when asking (the background records it once per conversation).
    pageUrl: () => location.href,
  });
  const actions = createBackgroundOverlayActions(() => {
    const thread = store.getState().thread;
    return thread?.kind === 'view' ? thread.view.id : null;
  });

  const slots = await createOverlaySlots(ctx, { store, actions }, options.css);
  if (ctx.isInvalid) return;

  const watcher = watchThread({
    document,
    adapter,
    currentUrl: currentUrlCached(),
    slots,
    signal: ctx.signal,
    isInvalid: () => ctx.isInvalid,
    onThreadChange(ref) {
      store.watch(ref);
      if (ref) port.watch(ref);
      else port.unwatch();
    },
  });
  // Single-page navigation: the DOM observer usually sees it too, but a URL-only change must count.
  ctx.addEventListener(window, 'wxt:locationchange', () => watcher.schedule());

  // After the watcher's first look at the page: a send already on the page when the script starts
  // (RT's history loaded before it) is reported at once, and its thread must be known by then.
  const reportAgentSend = createAgentSendReporter({
    conversationIdForSend: () => known.whenAnswered(FIRST_ANSWER_WAIT_MS),
    send: sendToBackground,
    signal: ctx.signal,
    isInvalid: () => ctx.isInvalid,
  });
  ctx.onInvalidated(adapter.onAgentSend(document, (send) => void reportAgentSend(send)));
}

/** `location` as a URL, parsed again only when it changed (a check runs up to 10 times a second). */
function currentUrlCached(): () => URL {
  let href = location.href;
  let url = new URL(href);
  return () => {
    if (location.href !== href) {
      href = location.href;
      url = new URL(href);
    }
    return url;
  };
}
