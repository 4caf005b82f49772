// A real backend process (backend/src/main.ts) for the benchmarks, on the database and Redis given;
// its pid lets a benchmark read the process's own CPU counters.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const SERVER_URL = process.env.BENCH_DB_SERVER_URL ?? 'mysql://root@127.0.0.1:3306';
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface BackendProcess {
  url: string;
  pid: number;
  child: ChildProcess;
  output: () => string;
  /** The first process on a fresh database prints the demo tenant's credentials. */
  credentials: () => { token: string; webhookSecret: string };
  stop: () => Promise<void>;
}

/**
 * A benchmark drives one credential and one tenant far past the abuse limits (bench:api's agents
 * ~80 mutations/s each, bench:inbound up to 2,000 webhooks/s for one tenant): raised so they measure
 * the backend, still enforced so each request pays the limiter's Redis round trip.
 */
const BENCH_RATE_LIMITS = { BATON_MUTATIONS_PER_SECOND: '1000000', BATON_MUTATION_BURST: '1000000', BATON_WEBHOOKS_PER_SECOND: '1000000', BATON_WEBHOOK_BURST: '1000000' };

/** Starts one backend (BATON_ENV=development: benches sign in with the dev token it prints); `BENCH_CPU_PROF=1` writes a V8 CPU profile per process to tmp/prof. */
export function startBackendProcess(databaseUrl: string, dataDir: string, extraEnv: Record<string, string> = {}): Promise<BackendProcess> {
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', path.join(ROOT, 'tmp', 'prof')] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'backend/src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', BATON_ENV: 'development', DATABASE_URL: databaseUrl, REDIS_URL, PORT: '0', LOG_LEVEL: 'warn', BATON_DATA_DIR: path.join(ROOT, 'tmp', dataDir), ...BENCH_RATE_LIMITS, ...extraEnv },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Baton is running at (http:\/\/\S+)/.exec(output);
      // The banner is one write ending in a blank line: wait for all of it (the credentials are at its end).
      if (match && output.endsWith('\n\n')) {
        child.stdout!.removeAllListeners('data');
        child.stdout!.on('data', (more: Buffer) => (output += more.toString()));
        resolve({
          url: match[1]!,
          pid: child.pid!,
          child,
          output: () => output,
          credentials: () => {
            const token = /admin dev token:\s+(\S+)/.exec(output)?.[1];
            const webhookSecret = /webhook secret:\s+(\S+)/.exec(output)?.[1];
            if (!token || !webhookSecret) throw new Error(`the backend printed no demo credentials: ${output}`);
            return { token, webhookSecret };
          },
          stop: () => new Promise<void>((done) => (child.exitCode !== null || child.signalCode !== null ? done() : (child.once('exit', () => done()), child.kill('SIGTERM')))),
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`backend exited with ${code}: ${output}`)));
  });
}
