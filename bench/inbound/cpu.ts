// CPU over a window, from each process's own counters: the backend processes (/proc), MariaDB's server
// process (found by name in /proc; shared with anything else using that server) and the load
// generator itself (this process).
import { processCpuMs } from '../support/open-loop';

export interface CpuReading {
  /** null when a backend process is gone (it died during the run: its CPU can no longer be read). */
  backendsMs: number | null;
  databaseMs: number | null;
  generatorMs: number;
}

export async function readCpu(backendPids: number[], databasePid: number | null): Promise<CpuReading> {
  const readOrNull = (pid: number) => processCpuMs(pid).catch(() => null);
  const backends = await Promise.all(backendPids.map(readOrNull));
  const database = databasePid === null ? null : await readOrNull(databasePid);
  const { user, system } = process.cpuUsage();
  const backendsMs = backends.includes(null) ? null : backends.reduce<number>((sum, value) => sum + value!, 0);
  return { backendsMs, databaseMs: database, generatorMs: (user + system) / 1000 };
}

/** CPU ms per message between two readings; null when a counter was unreadable or nothing was sent. */
export function perMessage(before: CpuReading, after: CpuReading, messages: number) {
  const per = (from: number | null, to: number | null) => (from === null || to === null || messages === 0 ? null : Math.round(((to - from) / messages) * 100) / 100);
  return { cpuMsPerMessage: per(before.backendsMs, after.backendsMs), dbCpuMsPerMessage: per(before.databaseMs, after.databaseMs), generatorCpuMsPerMessage: per(before.generatorMs, after.generatorMs) };
}
