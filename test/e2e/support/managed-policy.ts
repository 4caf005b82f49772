// Sets extension policy the way an IT department does on Linux: a JSON file in Chromium's managed policy folder (as root).
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { extensionDir } from './browser.js';

/** Where Debian's Chromium reads mandatory policy files (`/etc/chromium/policies/managed/*.json`). */
export const CHROMIUM_MANAGED_POLICY_DIR = process.env.BATON_E2E_POLICY_DIR ?? '/etc/chromium/policies/managed';

/** The files this module writes are named `baton-e2e-<pid>-<random>.json`. */
const FILE_PREFIX = 'baton-e2e-';

/**
 * The id Chromium gives an unpacked extension: the SHA-256 of its absolute path, the first 32 hex
 * digits mapped 0-f → a-p (crx_file::id_util::GenerateIdForPath). Known before launch, so a policy
 * for it can be written first; the e2e test checks it against the service worker's URL.
 *
 * @example unpackedExtensionId('/tmp/baton-ext') // 'ocmehbefgdohfdbegodmnkembfojhlod'-like
 */
export function unpackedExtensionId(dir: string): string {
  const hex = crypto.createHash('sha256').update(fs.realpathSync(dir)).digest('hex').slice(0, 32);
  return [...hex].map((digit) => String.fromCharCode('a'.charCodeAt(0) + Number.parseInt(digit, 16))).join('');
}

/**
 * Copies the run's built extension into a fresh folder: a path of its own gives it an id of its own,
 * so the policy written for it reaches no other browser on the machine. Returns the folder and a
 * function that deletes it.
 */
export function privateExtensionCopy(): { dir: string; extensionId: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-e2e-policy-extension-'));
  fs.cpSync(extensionDir(), dir, { recursive: true });
  return { dir, extensionId: unpackedExtensionId(dir), remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A written policy file; `remove()` deletes it (safe to call twice). */
export interface ExtensionPolicyFile {
  file: string;
  remove(): void;
}

/**
 * Writes `{"3rdparty": {"extensions": {"<id>": values}}}` into the managed policy folder (Chromium
 * reads it at start and hands `values` to the extension's `storage.managed`). Call it before
 * launching the browser; the file is also removed if the process exits without calling `remove()`.
 *
 * @example
 * const policy = writeExtensionPolicy(copy.extensionId, { backendUrl: e2e.url });
 * try { … } finally { policy.remove(); }
 */
export function writeExtensionPolicy(extensionId: string, values: Record<string, unknown>): ExtensionPolicyFile {
  removeStalePolicyFiles();
  fs.mkdirSync(CHROMIUM_MANAGED_POLICY_DIR, { recursive: true });
  const file = path.join(CHROMIUM_MANAGED_POLICY_DIR, `${FILE_PREFIX}${process.pid}-${crypto.randomBytes(4).toString('hex')}.json`);
  fs.writeFileSync(file, JSON.stringify({ '3rdparty': { extensions: { [extensionId]: values } } }, null, 2));
  const remove = () => {
    fs.rmSync(file, { force: true });
    process.off('exit', remove);
  };
  process.on('exit', remove);
  return { file, remove };
}

/** Files a killed run left behind (their process is gone): a later run starts clean. */
function removeStalePolicyFiles(): void {
  if (!fs.existsSync(CHROMIUM_MANAGED_POLICY_DIR)) return;
  for (const name of fs.readdirSync(CHROMIUM_MANAGED_POLICY_DIR)) {
    const pid = Number(/^baton-e2e-(\d+)-/.exec(name)?.[1]);
    if (pid && !processIsAlive(pid)) fs.rmSync(path.join(CHROMIUM_MANAGED_POLICY_DIR, name), { force: true });
  }
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
