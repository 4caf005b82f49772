// Saves screenshots of banner states into test-artifacts/e2e/ (gitignored), for people to look at.
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'puppeteer-core';
import { SCREENSHOT_DIR } from './paths.js';

/**
 * Saves the page as `test-artifacts/e2e/<name>.png` and returns the path. Waits two animation
 * frames first so the last render is painted.
 */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name.replace(/[^a-z0-9._-]+/gi, '-')}.png`);
  await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
  await page.screenshot({ path: file as `${string}.png`, fullPage: true });
  return file;
}
