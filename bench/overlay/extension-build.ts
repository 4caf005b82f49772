// The extension build the overlay bench loads: a copy of an existing build, or a fresh build of the working tree.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CleanupStack } from './cleanup.js';
import { log } from './log.js';

/**
 * Checks the build and copies it to a temp folder, so a rebuild during the run (`wxt build` rewrites
 * dist/) cannot change what the browser loads halfway; returns the copy's path.
 */
export function snapshotBuild(extensionDir: string, cleanup: CleanupStack): string {
  const manifestPath = path.join(extensionDir, 'manifest.json');
  if (!fs.existsSync(manifestPath)) throw new Error(`No extension build at ${extensionDir}: run \`npm run build:extension\` first`);
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as { content_scripts?: unknown[] };
  if (!manifest.content_scripts?.length) throw new Error(`${manifestPath} declares no content script: nothing would mount (rebuild with the content script)`);
  log(`extension ${extensionDir} (built ${fs.statSync(manifestPath).mtime.toISOString()})`);
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-bench-overlay-extension-'));
  cleanup.push('extension copy', async () => fs.rmSync(copy, { recursive: true, force: true }));
  fs.cpSync(extensionDir, copy, { recursive: true });
  return copy;
}

/** `--build`: builds the working tree at `root` (Chrome MV3, with wxt.bench.config.ts) into a temp folder; returns the build. */
export function buildExtension(root: string, unminified: boolean, cleanup: CleanupStack): string {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-bench-overlay-build-'));
  cleanup.push('extension build', async () => fs.rmSync(outDir, { recursive: true, force: true }));
  log(`building the extension${unminified ? ' (unminified)' : ''} into ${outDir}`);
  try {
    execFileSync(path.join(root, 'node_modules', '.bin', 'wxt'), ['build', '-c', path.join(import.meta.dirname, 'wxt.bench.config.ts')], {
      cwd: root,
      env: { ...process.env, BATON_BENCH_OUT_DIR: outDir, BATON_BENCH_MINIFY: unminified ? '0' : '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 120_000,
    });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`wxt build failed${stderr ? `:\n${stderr}` : ''}`);
  }
  return path.join(outDir, 'chrome-mv3');
}
