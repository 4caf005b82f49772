// WXT build configuration for Baton's browser extension (MV3, Chromium first, Firefox built too).
import { defineConfig } from 'wxt';

export default defineConfig({
  modules: ['@wxt-dev/module-react', '@wxt-dev/webextension-polyfill'],
  outDir: 'dist/extension',
  // MV3 for Firefox too: WXT's default Firefox MV2 build drops optional_host_permissions, which the
  // generic adapter needs to ask for a helpdesk origin at run time.
  manifestVersion: 3,
  manifest: {
    name: 'Baton',
    description: 'Take over AI-handled conversations, review scheduled replies and resolve escalations in your helpdesk.',
    // storage: the credential and cursors; alarms: wake-ups; notifications: escalations; scripting:
    // content scripts for helpdesk origins an admin configured (registered at run time).
    permissions: ['storage', 'alarms', 'notifications', 'scripting'],
    // Backend and demo inbox only; helpdesk origins are requested at run time (ARCHITECTURE.md).
    host_permissions: ['http://127.0.0.1/*', 'http://localhost/*'],
    // Asked for one origin at a time when an admin adds a helpdesk in options; never <all_urls>.
    optional_host_permissions: ['http://*/*', 'https://*/*'],
    // What IT may set by policy (chrome.storage.managed): backendUrl, allowedHelpdeskOrigins (public/).
    storage: { managed_schema: 'managed_schema.json' },
    // Firefox keys storage (and a managed-storage manifest) by a fixed add-on id; Firefox only (hook below).
    browser_specific_settings: { gecko: { id: 'baton@baton.local' } },
  },
  hooks: {
    // Chromium does not know browser_specific_settings and warns about it.
    'build:manifestGenerated': (wxt, manifest) => {
      if (wxt.config.browser !== 'firefox') delete manifest.browser_specific_settings;
    },
  },
});
