// Spawns and supervises the benchmark's worker processes (really separate OS processes, talking over IPC).
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { IoCounts } from './io-counter';
import type { EngineSettings, SharedSettings } from './settings';
import type { StartRecord, WorkerMessage } from './worker';

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));
const REPO = path.resolve(path.dirname(WORKER), '../..');

/** Every child this process started, so a failure or Ctrl-C can end exactly those. */
export const allChildren = new Set<ChildProcess>();

export interface WorkerProc {
  index: number;
  child: ChildProcess;
  alive: boolean;
  killedByUs: boolean;
  stopping: boolean;
  /** What the worker runs with (set when it is ready). */
  settings?: EngineSettings;
  /** What it sent to MariaDB and Redis, and its CPU ms, from ready to stop (set when it stopped; never for a killed worker). */
  io?: IoCounts;
  cpuMs?: number;
  ready: Promise<void>;
  stopped: Promise<void>; // resolves once the process has exited (and, if asked to stop, has sent 'stopped')
}

export function spawnWorker(
  engine: string,
  index: number,
  env: { runId: string; dbUrl: string; redisUrl: string },
  settings: SharedSettings,
  onStarts: (worker: number, starts: StartRecord[]) => void,
): WorkerProc {
  // node --import tsx (not the tsx CLI, which runs the script in a second child): SIGKILL must hit the worker itself.
  // BENCH_CPU_PROF_DIR=dir: each worker writes a V8 CPU profile there when it stops (not when killed).
  const profile = process.env.BENCH_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', WORKER, engine, String(index), env.runId, JSON.stringify(settings)], {
    cwd: REPO,
    env: { ...process.env, BENCH_DB_URL: env.dbUrl, BENCH_REDIS_URL: env.redisUrl },
    stdio: ['ignore', 2, 2, 'ipc'], // worker output goes to our stderr: stdout carries only the JSON lines
  });
  allChildren.add(child);
  let markReady!: () => void, failReady!: (e: Error) => void, markStopped!: () => void;
  let sentStopped = false;
  const proc: WorkerProc = {
    index,
    child,
    alive: true,
    killedByUs: false,
    stopping: false,
    ready: new Promise<void>((res, rej) => ((markReady = res), (failReady = rej))),
    stopped: new Promise<void>((res) => (markStopped = res)),
  };
  proc.ready.catch(() => undefined);
  child.on('message', (msg: WorkerMessage) => {
    if (msg.type === 'starts') onStarts(index, msg.starts);
    else if (msg.type === 'ready') {
      proc.settings = msg.settings;
      markReady();
    } else if (msg.type === 'stopped') {
      proc.io = msg.io;
      proc.cpuMs = msg.cpuMs;
      sentStopped = true;
      if (!proc.alive) markStopped();
    } else if (msg.type === 'error') failReady(new Error(`worker ${index}: ${msg.message}`));
  });
  child.on('exit', (code, signal) => {
    proc.alive = false;
    allChildren.delete(child);
    failReady(new Error(`worker ${index} exited before it was ready (code ${code}, signal ${signal})`));
    if (!proc.killedByUs && !proc.stopping) console.error(`[${engine}] worker ${index} exited unexpectedly (code ${code}, signal ${signal})`);
    // 'stopped' guarantees every start record has arrived; IPC may deliver it just after 'exit'.
    if (sentStopped || !proc.stopping) markStopped();
    else setTimeout(markStopped, 1_000);
  });
  return proc;
}

export function killWorker(proc: WorkerProc): void {
  proc.killedByUs = true;
  if (proc.alive) proc.child.kill('SIGKILL');
}

/** Asks live workers to stop (they flush their start records first); SIGKILLs any still running after timeoutMs. */
export async function stopWorkers(procs: WorkerProc[], timeoutMs: number): Promise<void> {
  for (const p of procs) {
    if (!p.alive) continue;
    p.stopping = true;
    try {
      p.child.send('stop');
    } catch {
      killWorker(p); // IPC channel already gone
    }
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((res) => (timer = setTimeout(res, timeoutMs)));
  await Promise.race([Promise.all(procs.map((p) => p.stopped)), timeout]);
  clearTimeout(timer);
  for (const p of procs) if (p.alive) {
    console.error(`worker ${p.index} did not stop within ${timeoutMs} ms: SIGKILL`);
    killWorker(p);
  }
}
