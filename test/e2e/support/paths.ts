// Where the end-to-end tests find the repository, the built extension and their screenshot folder.
import path from 'node:path';

/** The repository root. */
export const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');

/** Where `wxt build` writes the Chrome MV3 extension. */
export const BUILT_EXTENSION_DIR = path.join(REPO_ROOT, 'dist/extension/chrome-mv3');

/** Screenshots of every banner state (gitignored). */
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'test-artifacts/e2e');

/** Debian's Chromium (.ci/run installs it); override with BATON_E2E_CHROMIUM. */
export const CHROMIUM_PATH = process.env.BATON_E2E_CHROMIUM ?? '/usr/bin/chromium';
