// Content script on helpdesk pages: starts Baton's overlay (extension/content/start-overlay.ts) when an adapter serves the page.
import { defineContentScript } from 'wxt/utils/define-content-script';
import { startOverlay } from '../../extension/content/start-overlay';
import { overlayCss } from '../../extension/overlay/overlay-css';

export default defineContentScript({
  // The demo inbox (any port); helpdesk origins of later adapters are registered at run time (ARCHITECTURE.md).
  matches: ['http://127.0.0.1/demo*', 'http://localhost/demo*'],
  // Its JSON API is no page to decorate.
  excludeMatches: ['http://127.0.0.1/demo/api/*', 'http://localhost/demo/api/*'],
  runAt: 'document_idle',
  // The overlay's CSS goes into each shadow root as a string: nothing is injected into the page.
  cssInjectionMode: 'manual',
  main: (ctx) => startOverlay(ctx, { css: overlayCss }),
});
