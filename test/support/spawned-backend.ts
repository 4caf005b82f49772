// Runs `backend/src/main.ts` as a separate OS process, the way production runs it.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** `node --import tsx` runs the backend in this one process (the tsx CLI would add a child process). */
const NODE_ARGS = ['--import', 'tsx', 'backend/src/main.ts'];

export interface SpawnedBackend {
  process: ChildProcess;
  url: string;
  /** Everything the process printed so far (stdout + stderr). */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts a process and resolves its exit code (for start-up failure tests). */
export function runBackendUntilExit(env: Record<string, string>, timeoutMs = 20_000): Promise<{ code: number | null; output: string; ms: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, NODE_ARGS, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`backend did not exit within ${timeoutMs} ms; output:\n${output}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output, ms: Date.now() - started });
    });
  });
}

/** Starts a backend process (BATON_ENV=development unless `env` says otherwise) and waits for its "listening" log line. */
export async function spawnBackend(env: Record<string, string>, timeoutMs = 30_000): Promise<SpawnedBackend> {
  const child = spawn(process.execPath, NODE_ARGS, {
    cwd: ROOT,
    // BATON_ENV=development explicitly (as `npm start` says it): the first start prints a dev token tests sign in with.
    env: { PATH: process.env.PATH ?? '', PORT: '0', LOG_LEVEL: 'info', BATON_ENV: 'development', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`backend did not start within ${timeoutMs} ms; output:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"url":"(http:\/\/[^"]+)".*"msg":"listening"/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`backend exited with ${code} before listening; output:\n${output}`));
    });
  });
  return {
    process: child,
    url,
    output: () => output,
    stop: (signal = 'SIGTERM') =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill(signal);
      }),
  };
}
