// Runs Request Tracker's standalone server (rt-server, Starlet) in a process group of its own on
// 127.0.0.1, waits until its login page answers, and stops the whole group.
import { spawn } from 'node:child_process';
import net from 'node:net';
import { RT_PATHS, RT_WEB_PATH } from './rt-config.js';

export interface RtServer {
  /** Everything the server printed so far (stdout + stderr), for error messages. */
  output(): string;
  /** Kills the server and its workers and waits until the port is free. */
  stop(): Promise<void>;
}

function portIsOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** How much of the server's output is kept for error messages. */
const OUTPUT_LIMIT = 64 * 1024;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts rt-server on `port` (the instance's config in `env.RT_SITE_CONFIG_DIR`) and resolves once /rt/NoAuth/Login.html answers 200. */
export async function startRtServer(port: number, env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<RtServer> {
  // detached: setsid, so the Starlet master and its workers share a process group stop() can kill at once.
  const child = spawn(RT_PATHS.server, ['--host', '127.0.0.1', '--port', String(port), '--max-workers', '2', '--webpath', RT_WEB_PATH], {
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-OUTPUT_LIMIT));
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  // A test process that ends without stop() must not leave a 650 MB server behind.
  const killGroupOnExit = () => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  process.once('exit', killGroupOnExit);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let hasExited = false;
  void exited.then(() => (hasExited = true));

  const stop = async () => {
    process.off('exit', killGroupOnExit);
    const group = child.pid;
    if (group !== undefined && !hasExited) {
      try {
        process.kill(-group, 'SIGTERM');
      } catch {
        // Already gone.
      }
      const killed = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
      if (!killed) {
        try {
          process.kill(-group, 'SIGKILL');
        } catch {
          // Already gone.
        }
        await exited;
      }
    }
    // Workers may hold the listening socket a moment longer than the master.
    const deadline = Date.now() + 10_000;
    while (await portIsOpen(port)) {
      if (Date.now() > deadline) throw new Error(`rt-server still listens on 127.0.0.1:${port} after stop`);
      try {
        if (group !== undefined) process.kill(-group, 'SIGKILL');
      } catch {
        // The group is empty; the port closes on its own.
      }
      await sleep(100);
    }
  };

  const loginUrl = `http://127.0.0.1:${port}${RT_WEB_PATH}/NoAuth/Login.html`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (hasExited) throw new Error(`rt-server exited before it answered; output:\n${output}`);
    const status = await fetch(loginUrl, { redirect: 'manual' }).then(
      async (response) => (await response.arrayBuffer(), response.status),
      () => 0,
    );
    if (status === 200) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`rt-server did not answer 200 on ${loginUrl} within ${timeoutMs} ms (last status ${status}); output:\n${output}`);
    }
    await sleep(200);
  }
  return { output: () => output, stop };
}
