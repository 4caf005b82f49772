// `npm run bench:api -- --clients 50 --seconds 20`: takeover → get → release cycles over HTTP
// against a real backend process on MariaDB + Redis; prints {"rps","p50Ms","p99Ms","errors"} last.
// `-- --floor`: the same load against a no-op HTTP server, to show what the machine itself allows.
import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import http from 'node:http';
import { parseArgs } from 'node:util';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { signBody } from '../../backend/src/http/webhook-signature';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SERVER_URL = process.env.BENCH_DB_SERVER_URL ?? 'mysql://root@127.0.0.1:3306';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

function options() {
  const { values } = parseArgs({ options: { clients: { type: 'string', default: '50' }, seconds: { type: 'string', default: '20' }, floor: { type: 'boolean', default: false } } });
  const clients = Number(values.clients);
  const seconds = Number(values.seconds);
  if (!Number.isInteger(clients) || clients < 1 || clients > 500) throw new Error('--clients must be a whole number from 1 to 500');
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 600) throw new Error('--seconds must be a number of seconds from 1 to 600');
  return { clients, seconds, floor: values.floor };
}

async function startBackend(databaseUrl: string) {
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', path.join(ROOT, 'tmp', 'prof')] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'backend/src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: databaseUrl, REDIS_URL, PORT: '0', LOG_LEVEL: 'warn', BATON_DATA_DIR: path.join(ROOT, 'tmp', 'bench-api') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Baton is running at (http:\/\/\S+)/.exec(output);
      if (match && output.includes('admin dev token')) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`backend exited with ${code}: ${output}`)));
  });
  await new Promise((resolve) => setTimeout(resolve, 300));
  const token = /admin dev token:\s+(\S+)/.exec(output)![1]!;
  const secret = /webhook secret:\s+(\S+)/.exec(output)![1]!;
  return { url, token, secret, stop: () => new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGTERM'))) };
}

/** A server that answers every request at once: the same load against it shows what the machine
 * itself allows (the load generator, HTTP and the scheduler share the cores with everything else). */
const NO_OP_SERVER = `require('node:http').createServer((q, s) => { q.resume(); q.on('end', () => s.end('{"result":{"data":{}}}')); })
  .listen(0, '127.0.0.1', function () { console.log('listening http://127.0.0.1:' + this.address().port); });`;

async function startNoOpServer() {
  const child = spawn(process.execPath, ['-e', NO_OP_SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) => resolve(/listening (\S+)/.exec(chunk.toString())![1]!));
    child.once('exit', (code) => reject(new Error(`no-op server exited with ${code}`)));
  });
  return { url, stop: () => new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGTERM'))) };
}

/** `clients` closed loops of takeover → get → release, each on its own conversation, for `seconds`. */
async function runCycles(url: string, token: string, conversationIds: string[], seconds: number) {
  // node:http with a keep-alive agent: the load generator shares the 2 cores with the backend and
  // MariaDB, and undici's fetch costs several times the CPU per request (see --floor).
  const agent = new http.Agent({ keepAlive: true, maxSockets: conversationIds.length * 2 });
  const request = (method: 'GET' | 'POST', pathAndQuery: string, body?: string) =>
    new Promise<boolean>((resolve, reject) => {
      const outgoing = http.request(new URL(pathAndQuery, url), { method, agent, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } }, (response) => {
        response.resume();
        response.once('end', () => resolve((response.statusCode ?? 500) < 400));
        response.once('error', reject);
      });
      outgoing.once('error', reject);
      outgoing.end(body);
    });
  const call = async (procedure: string, input: unknown, mutation: boolean) => {
    const started = performance.now();
    const ok = mutation
      ? await request('POST', `/trpc/${procedure}`, JSON.stringify(input))
      : await request('GET', `/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`);
    return { ok, ms: performance.now() - started };
  };
  const latencies: number[] = [];
  let errors = 0;
  const deadline = performance.now() + seconds * 1000;
  try {
    await Promise.all(
      conversationIds.map(async (id) => {
        while (performance.now() < deadline) {
          for (const [procedure, mutation] of [['conversations.takeOver', true], ['conversations.get', false], ['conversations.release', true]] as const) {
            const result = await call(procedure, { id }, mutation).catch(() => ({ ok: false, ms: 0 }));
            if (!result.ok) errors += 1;
            else latencies.push(result.ms);
          }
        }
      }),
    );
  } finally {
    agent.destroy();
  }
  latencies.sort((a, b) => a - b);
  const at = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]! * 10) / 10;
  return { requests: latencies.length + errors, rps: Math.round((latencies.length + errors) / seconds), p50Ms: at(0.5), p99Ms: at(0.99), maxMs: at(1 - 1e-9), errors };
}

async function main(): Promise<void> {
  const { clients, seconds, floor } = options();
  if (floor) {
    const server = await startNoOpServer();
    try {
      const ids = Array.from({ length: clients }, () => randomUUID());
      console.log(JSON.stringify({ floor: 'no-op server', clients, seconds, ...(await runCycles(server.url, 'none', ids, seconds)) }));
    } finally {
      await server.stop();
    }
    return;
  }
  const name = `baton_bench_api_${Date.now()}`;
  const backend = await startBackend(`${SERVER_URL}/${name}`);
  try {
    // One conversation per client, created by customer messages (cadence off: the AI answers them).
    const conversationIds: string[] = [];
    for (let index = 0; index < clients; index++) {
      const raw = JSON.stringify({ tenant: 'demo', connector: 'bench', externalConversationId: `bench-${index}`, externalMessageId: randomUUID(), channel: 'sms', body: 'hello', lead: { phone: `+1555${String(index).padStart(7, '0')}` } });
      const response = await fetch(`${backend.url}/webhooks/inbound`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-baton-signature': signBody(backend.secret, raw) }, body: raw });
      conversationIds.push(((await response.json()) as { conversationId: string }).conversationId);
    }
    console.log(JSON.stringify({ clients, seconds, ...(await runCycles(backend.url, backend.token, conversationIds, seconds)) }));
  } finally {
    await backend.stop();
    const admin = new DataSource({ type: 'mysql', url: `${SERVER_URL}/` });
    await admin.initialize();
    await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await admin.destroy();
  }
}

void main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
