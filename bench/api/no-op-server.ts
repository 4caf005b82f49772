// A server that answers every request at once with an empty tRPC result: the same load against it
// shows what the machine itself allows (the load generator, HTTP and the scheduler share the cores).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { HttpClient } from './trpc-call';
import type { Target } from './target';

const NO_OP_SERVER = `require('node:http').createServer((q, s) => { q.resume(); q.on('end', () => s.end('{"result":{"data":{}}}')); })
  .listen(0, '127.0.0.1', function () { console.log('listening http://127.0.0.1:' + this.address().port); });`;

export async function startNoOpServer(): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['-e', NO_OP_SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) => resolve(/listening (\S+)/.exec(chunk.toString())![1]!));
    child.once('exit', (code) => reject(new Error(`no-op server exited with ${code}`)));
  });
  return { url, pid: child.pid!, stop: () => new Promise((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', () => resolve()), child.kill('SIGTERM')))) };
}

/** The mix aimed at the no-op server (made-up conversation ids, a made-up key), metered by its CPU alone. */
export function noOpTarget(client: HttpClient, server: { url: string; pid: number }, poolSize: number): Target {
  return {
    workload: { client, urls: [server.url], conversationIds: Array.from({ length: poolSize }, () => randomUUID()), agentKeys: ['no-op'] },
    meters: { serverPids: [server.pid], databasePid: null, statementsSoFar: null },
  };
}
