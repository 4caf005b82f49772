// `npm run bench:api -- --clients 50 --seconds 20`: takeover → get → release cycles over HTTP
// against a real backend process on MariaDB + Redis; prints {"rps","p50Ms","p99Ms","errors"} last.
import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { signBody } from '../../backend/src/http/webhook-signature';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SERVER_URL = process.env.BENCH_DB_SERVER_URL ?? 'mysql://root@127.0.0.1:3306';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

function options() {
  const { values } = parseArgs({ options: { clients: { type: 'string', default: '50' }, seconds: { type: 'string', default: '20' } } });
  const clients = Number(values.clients);
  const seconds = Number(values.seconds);
  if (!Number.isInteger(clients) || clients < 1 || clients > 500) throw new Error('--clients must be a whole number from 1 to 500');
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 600) throw new Error('--seconds must be a number of seconds from 1 to 600');
  return { clients, seconds };
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

async function main(): Promise<void> {
  const { clients, seconds } = options();
  const name = `baton_bench_api_${Date.now()}`;
  const backend = await startBackend(`${SERVER_URL}/${name}`);
  try {
    const call = async (procedure: string, input: unknown, mutation: boolean) => {
      const started = performance.now();
      const response = mutation
        ? await fetch(`${backend.url}/trpc/${procedure}`, { method: 'POST', headers: { authorization: `Bearer ${backend.token}`, 'content-type': 'application/json' }, body: JSON.stringify(input) })
        : await fetch(`${backend.url}/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`, { headers: { authorization: `Bearer ${backend.token}` } });
      await response.arrayBuffer();
      return { ok: response.ok, ms: performance.now() - started };
    };
    // One conversation per client, created by customer messages (cadence off: the AI answers them).
    const conversationIds: string[] = [];
    for (let index = 0; index < clients; index++) {
      const raw = JSON.stringify({ tenant: 'demo', connector: 'bench', externalConversationId: `bench-${index}`, externalMessageId: randomUUID(), channel: 'sms', body: 'hello', lead: { phone: `+1555${String(index).padStart(7, '0')}` } });
      const response = await fetch(`${backend.url}/webhooks/inbound`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-baton-signature': signBody(backend.secret, raw) }, body: raw });
      conversationIds.push(((await response.json()) as { conversationId: string }).conversationId);
    }
    const latencies: number[] = [];
    let errors = 0;
    const deadline = performance.now() + seconds * 1000;
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
    latencies.sort((a, b) => a - b);
    const at = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]! * 10) / 10;
    console.log(JSON.stringify({ clients, seconds, requests: latencies.length + errors, rps: Math.round((latencies.length + errors) / seconds), p50Ms: at(0.5), p99Ms: at(0.99), maxMs: at(1 - 1e-9), errors }));
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
