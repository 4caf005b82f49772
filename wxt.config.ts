// WXT build configuration for Baton's browser extension (MV3, Chromium first, Firefox built too).
import { defineConfig } from 'wxt';

export default defineConfig({
  modules: ['@wxt-dev/module-react', '@wxt-dev/webextension-polyfill'],
  outDir: 'dist/extension',
  manifest: {
    name: 'Baton',
    description: 'Take over AI-handled conversations, review scheduled replies and resolve escalations in your helpdesk.',
    permissions: ['storage', 'alarms'],
    // Backend and demo inbox only; helpdesk origins are requested at run time (ARCHITECTURE.md).
    host_permissions: ['http://127.0.0.1/*', 'http://localhost/*'],
  },
});
