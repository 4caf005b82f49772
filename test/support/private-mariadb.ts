// A throwaway mariadbd on its own port and data directory, so the chaos run and the database-outage
// tests can kill and restart it without touching the shared MariaDB (3306) other suites use meanwhile.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, killServer, waitForPort } from './private-redis';

export interface PrivateMariadb {
  /** Server URL without a database, e.g. `mysql://root@127.0.0.1:41234`. */
  serverUrl: string;
  start(): Promise<void>;
  /** SIGKILL (a crash, not a shutdown): InnoDB recovers on the next start. */
  kill(): Promise<void>;
  /** Kills the server and removes its data directory. */
  remove(): Promise<void>;
}

/** Starting (with crash recovery) takes about a second here; allow for a busy machine. */
const START_TIMEOUT_MS = 30_000;

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}: ${stderr.slice(-500)}`))));
  });
}

/** Creates the data directory (`mariadb-install-db`, root without a password on 127.0.0.1); call start() next. */
export async function createPrivateMariadb(): Promise<PrivateMariadb> {
  const dir = await mkdtemp(path.join(tmpdir(), 'baton-private-mariadb-'));
  const dataDir = path.join(dir, 'data');
  const port = await freePort();
  await run('mariadb-install-db', ['--no-defaults', `--datadir=${dataDir}`, '--auth-root-authentication-method=normal', '--user=root', '--skip-test-db']);
  let child: ChildProcess | null = null;

  const kill = async () => {
    const running = child;
    child = null;
    await killServer(running, port);
  };

  return {
    serverUrl: `mysql://root@127.0.0.1:${port}`,
    async start() {
      // Small buffers (two cores shared with the rest of CI); flush at commit to the OS (=2) survives a
      // killed server, which is the fault here (only an OS crash could lose the last second).
      child = spawn('mariadbd', [
        '--no-defaults', `--datadir=${dataDir}`, `--port=${port}`, `--socket=${path.join(dir, 'sock')}`, '--bind-address=127.0.0.1', '--user=root',
        `--pid-file=${path.join(dir, 'pid')}`, '--skip-log-bin', '--innodb-buffer-pool-size=128M', '--innodb-log-file-size=48M', '--innodb-flush-log-at-trx-commit=2',
        '--max-connections=500', `--log-error=${path.join(dir, 'error.log')}`,
      ], { stdio: 'ignore' });
      await waitForPort(port, true, START_TIMEOUT_MS);
    },
    kill,
    async remove() {
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
