// CPU time of the local MariaDB and Redis servers (from /proc), so a run can say what each job cost
// them. Whole-server figures: every other client's work on the same servers counts too.
import { localServerPid } from '../support/local-server-pid';
import { processCpuMs } from '../support/open-loop';

const SERVERS = { mariadb: ['mariadbd', 'mysqld'], redis: ['redis-server'] };

export type ServerCpu = Record<keyof typeof SERVERS, number | null>;

/** Each server's CPU ms so far; null when it does not run on this machine (or cannot be read). */
export async function serverCpuMs(): Promise<ServerCpu> {
  const read = async (names: string[]) => {
    const pid = localServerPid(names);
    return pid === null ? null : processCpuMs(pid).catch(() => null);
  };
  return { mariadb: await read(SERVERS.mariadb), redis: await read(SERVERS.redis) };
}
