// The pid of a server running on this machine (MariaDB, Redis), found by its command name in /proc,
// so a bench can read its CPU counters; null when it does not run here.
import { readdirSync, readFileSync } from 'node:fs';

export function localServerPid(names: readonly string[]): number | null {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let command = '';
    try {
      command = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
    } catch {
      continue; // the process ended meanwhile
    }
    if (names.includes(command)) return Number(entry);
  }
  return null;
}

/** MariaDB's server process (older packages name it mysqld). */
export const mariadbPid = (): number | null => localServerPid(['mariadbd', 'mysqld']);
