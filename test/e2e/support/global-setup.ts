// Vitest global setup of the e2e project: builds the extension once per run into a private folder the browsers load.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { REPO_ROOT, SCREENSHOT_DIR } from './paths.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The freshly built Chrome MV3 extension of this run (manifest.json at its root). */
    e2eExtensionDir: string;
  }
}

/**
 * WXT's build with wxt.config.ts, only the output folder changed: a build someone starts in
 * `dist/extension` while the tests run cannot swap files under a loaded extension.
 * A child process, so Vite's build does not share the test runner's process.
 */
const BUILD_SCRIPT = `import { build } from 'wxt'; await build({ outDir: process.argv[1] });`;

/**
 * Builds the extension (`wxt build` into a temporary folder) and provides its chrome-mv3 folder.
 * `BATON_E2E_EXTENSION_DIR=<folder>` loads an already built extension instead (for iterating on the tests).
 */
export default function setup(project: TestProject): () => void {
  const started = Date.now();
  removeOldFailureScreenshots();
  const prebuilt = process.env.BATON_E2E_EXTENSION_DIR;
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-e2e-extension-'));
  let extensionDir: string;
  if (prebuilt) {
    extensionDir = path.join(outDir, 'chrome-mv3');
    fs.cpSync(prebuilt, extensionDir, { recursive: true });
  } else {
    buildExtension(outDir);
    extensionDir = path.join(outDir, 'chrome-mv3');
  }
  if (!fs.existsSync(path.join(extensionDir, 'manifest.json'))) throw new Error(`the extension build left no manifest.json in ${extensionDir}`);
  project.provide('e2eExtensionDir', extensionDir);
  console.log(`[e2e] extension ${prebuilt ? `copied from ${prebuilt}` : 'built'} in ${Date.now() - started} ms: ${extensionDir}`);
  return () => fs.rmSync(outDir, { recursive: true, force: true });
}

function buildExtension(outDir: string): void {
  // Vitest sets NODE_ENV=test; a build that inherits it compiles JSX for React's development
  // runtime (jsxDEV) while bundling React's production build, and every overlay render throws.
  const { NODE_ENV: _testMode, ...env } = process.env;
  try {
    execFileSync(process.execPath, ['--input-type=module', '-e', BUILD_SCRIPT, outDir], {
      cwd: REPO_ROOT,
      stdio: 'pipe',
      env: { ...env, NO_COLOR: '1' },
    });
  } catch (error) {
    const failure = error as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`the extension build (wxt) failed:\n${failure.stdout?.toString() ?? ''}${failure.stderr?.toString() ?? ''}`);
  }
}

/** Failure screenshots belong to the run that failed; the banner-state screenshots are overwritten anyway. */
function removeOldFailureScreenshots(): void {
  if (!fs.existsSync(SCREENSHOT_DIR)) return;
  for (const name of fs.readdirSync(SCREENSHOT_DIR)) {
    if (name.startsWith('FAILED-')) fs.rmSync(path.join(SCREENSHOT_DIR, name), { force: true });
  }
}
