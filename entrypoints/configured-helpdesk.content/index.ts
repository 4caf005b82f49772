// Content script on helpdesk origins an admin configured: registered at run time (extension/background/helpdesk-registrations.ts), never in the manifest.
import { defineContentScript } from 'wxt/utils/define-content-script';
import { helpdeskAdapters } from '../../extension/adapters';
import { createGenericAdapter } from '../../extension/adapters/generic';
import { startOverlay } from '../../extension/content/start-overlay';
import { sendToBackground } from '../../extension/messaging';
import { overlayCss } from '../../extension/overlay/overlay-css';

export default defineContentScript({
  // Built to content-scripts/configured-helpdesk.js; `scripting.registerContentScripts` names that file
  // with the granted origin as its only match. No `matches` here: WXT would add them to host_permissions.
  registration: 'runtime',
  runAt: 'document_idle',
  cssInjectionMode: 'manual',
  async main(ctx) {
    const config = await sendToBackground({ type: 'helpdesks.adapterForPage', url: location.href });
    if (!config || ctx.isInvalid) {
      console.debug(`[baton] no configured helpdesk serves ${location.origin}: overlay not started`);
      return;
    }
    // Built-in adapters first (Request Tracker's ticket pages on this origin); the configured one serves the rest.
    await startOverlay(ctx, { css: overlayCss, adapters: [...helpdeskAdapters, createGenericAdapter(config)] });
  },
});
