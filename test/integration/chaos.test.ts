// The chaos run at CI length (issue 14 item 1): `npm run chaos -- --seconds 45` against its own private
// MariaDB and Redis (the shared ones are never touched), then its JSON line checked field by field.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SECONDS = 45;
/** Start-up, the stream, the last fault's end, the one-minute timers and the drain: about 100 s here. */
const TIMEOUT_MS = 240_000;

function runChaos(): Promise<{ code: number | null; last: Record<string, unknown>; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/chaos/main.ts', '--seconds', String(SECONDS)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // Past the test's timeout vitest gives up without ending the child: SIGTERM makes the run clean up first.
  const stopper = setTimeout(() => child.kill('SIGTERM'), TIMEOUT_MS - 30_000);
  return new Promise((resolve) => {
    child.once('exit', (code) => {
      clearTimeout(stopper);
      const lines = stdout.trim().split('\n');
      let last: Record<string, unknown> = {};
      try {
        last = JSON.parse(lines[lines.length - 1] ?? '{}') as Record<string, unknown>;
      } catch {
        // No JSON line: the assertions below show stderr.
      }
      resolve({ code, last, stderr });
    });
  });
}

describe('npm run chaos (short)', () => {
  it('survives a killed backend, Redis and MariaDB restarts and a failing connector: nothing lost, nothing twice, no AI after a takeover, timers fire, /healthz tells', async () => {
    const { code, last, stderr } = await runChaos();
    const context = `stderr:\n${stderr.slice(-4000)}`;
    expect(last, context).toMatchObject({ faults: 4, lost: 0, duplicates: 0, sentAfterTakeover: 0, timersOverdue: 0, unexpectedExits: 0 });
    expect(last.healthDegradedSeen, context).toEqual({ killBackend: true, restartRedis: true, restartMariadb: true, failConnector: true });
    for (const ms of Object.values(last.healthyAgainAfterMs as Record<string, number | null>)) expect(ms, context).not.toBeNull();
    expect(last.messages as number, context).toBeGreaterThan(SECONDS * 5);
    expect(last.takeovers as number, context).toBeGreaterThan(0);
    expect(last.autoReleases as number, context).toBeGreaterThan(0);
    expect(last.slaChecks as number, context).toBeGreaterThan(0);
    // Late at most by an outage: timers a killed process had claimed wait for their lock (TIMER_LOCK_LIFETIME_MS, 15 s).
    expect(last.maxTimerLateMs as number, context).toBeLessThan(20_000);
    expect(last.drainedAfterMs, context).not.toBeNull();
    expect(code, context).toBe(0);
  }, TIMEOUT_MS);
});
