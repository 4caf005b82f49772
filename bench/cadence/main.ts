// `npm run bench:cadence -- --replies N`: N conversations each with a pending cadence reply, two
// backend processes sharing MariaDB + Redis, takeovers sprinkled in; lateness = sent − dueAt.
// Prints {"replies","p50Ms","p99Ms","maxMs","duplicates","lost","sentAfterTakeover","leavingAtTakeover"} last.
import { randomUUID } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { signBody } from '../../backend/src/http/webhook-signature';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SERVER_URL = process.env.BENCH_DB_SERVER_URL ?? 'mysql://root@127.0.0.1:3306';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const log = (line: string) => console.error(line);

function options() {
  const { values } = parseArgs({ options: { replies: { type: 'string', default: '1000' }, 'min-delay-s': { type: 'string', default: '20' }, 'max-delay-s': { type: 'string', default: '60' }, 'takeover-share': { type: 'string', default: '0.05' } } });
  const replies = Number(values.replies);
  if (!Number.isInteger(replies) || replies < 1 || replies > 100_000) throw new Error('--replies must be a whole number from 1 to 100000');
  return { replies, minDelay: Number(values['min-delay-s']), maxDelay: Number(values['max-delay-s']), takeoverShare: Number(values['takeover-share']) };
}

interface Backend { url: string; output: () => string; child: ChildProcess }

function startBackend(databaseUrl: string): Promise<Backend> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'backend/src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: databaseUrl, REDIS_URL, PORT: '0', LOG_LEVEL: 'warn', BATON_DATA_DIR: path.join(ROOT, 'tmp', 'bench-cadence') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Baton is running at (http:\/\/\S+)/.exec(output);
      if (match) resolve({ url: match[1]!, output: () => output, child });
    });
    child.once('exit', (code) => reject(new Error(`backend exited with ${code}: ${output}`)));
  });
}

const stop = (backend: Backend) => new Promise((resolve) => (backend.child.once('exit', resolve), backend.child.kill('SIGTERM')));

async function main(): Promise<void> {
  const { replies, minDelay, maxDelay, takeoverShare } = options();
  const name = `baton_bench_cadence_${Date.now()}`;
  const databaseUrl = `${SERVER_URL}/${name}`;
  const first = await startBackend(databaseUrl);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const token = /admin dev token:\s+(\S+)/.exec(first.output())![1]!;
  const secret = /webhook secret:\s+(\S+)/.exec(first.output())![1]!;
  const second = await startBackend(databaseUrl);
  const backends = [first, second];
  const db = new DataSource({ type: 'mysql', url: databaseUrl, timezone: 'Z' });
  await db.initialize();
  try {
    const trpc = (backend: Backend, procedure: string, input: unknown) =>
      fetch(`${backend.url}/trpc/${procedure}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(input) });
    const current = await fetch(`${first.url}/trpc/settings.get`, { headers: { authorization: `Bearer ${token}` } });
    const { version } = ((await current.json()) as { result: { data: { version: number } } }).result.data;
    const settings = await trpc(first, 'settings.update', { expectedVersion: version, replyCadence: { enabled: true, minDelaySeconds: minDelay, maxDelaySeconds: maxDelay } });
    if (!settings.ok) throw new Error(`settings.update failed: ${await settings.text()}`);

    log(`cadence bench: ${replies} conversations, delays ${minDelay}-${maxDelay} s, 2 backend processes`);
    const conversationIds: string[] = [];
    const post = async (index: number) => {
      const raw = JSON.stringify({ tenant: 'demo', connector: 'bench', externalConversationId: `c-${index}`, externalMessageId: randomUUID(), channel: 'sms', body: 'hello', lead: { phone: `+1555${String(index).padStart(7, '0')}` } });
      const response = await fetch(`${backends[index % 2]!.url}/webhooks/inbound`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-baton-signature': signBody(secret, raw) }, body: raw });
      conversationIds[index] = ((await response.json()) as { conversationId: string }).conversationId;
    };
    const started = Date.now();
    for (let index = 0; index < replies; index += 50) await Promise.all(Array.from({ length: Math.min(50, replies - index) }, (_, offset) => post(index + offset)));
    log(`  ${replies} customer messages posted in ${Date.now() - started} ms`);

    // Takeovers sprinkled in while replies wait (each cancels that conversation's pending reply).
    const takeovers = conversationIds.filter(() => Math.random() < takeoverShare);
    for (const id of takeovers) {
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20));
      await trpc(backends[Math.floor(Math.random() * 2)]!, 'conversations.takeOver', { id });
    }
    log(`  ${takeovers.length} takeovers done`);

    const deadline = Date.now() + (maxDelay + 60) * 1000;
    for (;;) {
      const [row] = await db.query("SELECT COUNT(*) AS waiting FROM scheduled_replies WHERE status IN ('pending','sending')");
      const [drafted] = await db.query('SELECT COUNT(*) AS n FROM scheduled_replies');
      if ((Number(row.waiting) === 0 && Number(drafted.n) >= replies) || Date.now() > deadline) break;
      log(`  waiting: ${row.waiting} pending, ${drafted.n} drafted`);
      await new Promise((resolve) => setTimeout(resolve, 5000));
    }

    const sent: { late: number }[] = await db.query(
      "SELECT TIMESTAMPDIFF(MICROSECOND, r.due_at, m.created_at) / 1000 AS late FROM scheduled_replies r JOIN messages m ON m.id = r.sent_message_id WHERE r.status = 'sent'",
    );
    const lateness = sent.map((row) => Number(row.late)).sort((a, b) => a - b);
    const at = (p: number) => (lateness.length ? Math.round(lateness[Math.min(lateness.length - 1, Math.floor(p * lateness.length))]!) : null);
    const [duplicates] = await db.query("SELECT COUNT(*) AS n FROM (SELECT external_message_id FROM messages WHERE external_message_id LIKE 'outbox:%' GROUP BY external_message_id HAVING COUNT(*) > 1) d");
    const [lost] = await db.query("SELECT COUNT(*) AS n FROM scheduled_replies WHERE status IN ('pending','sending')");
    const [undrafted] = await db.query("SELECT COUNT(*) AS n FROM messages m WHERE m.author = 'customer' AND NOT EXISTS (SELECT 1 FROM scheduled_replies r WHERE r.in_reply_to_message_id = m.id) AND NOT EXISTS (SELECT 1 FROM conversations c WHERE c.id = m.conversation_id AND c.takeover_source IS NOT NULL)");
    // The cut-off (README "point of no return"): a reply claimed (`sending`) after a committed takeover is
    // a violation; one claimed before it may be delivered after it ("already on its way"): counted apart.
    // Positions are per tenant in commit order (one tenant here), and takeovers are never released.
    const CLAIMS = "('reply.sending','reply.send_now','reply.edited')";
    const [afterTakeover] = await db.query(
      `SELECT COUNT(*) AS n FROM events s JOIN events t ON t.conversation_id = s.conversation_id AND t.type = 'takeover.started' WHERE s.type IN ${CLAIMS} AND s.position > t.position`,
    );
    const [leavingAtTakeover] = await db.query(
      "SELECT COUNT(*) AS n FROM events s JOIN events t ON t.conversation_id = s.conversation_id AND t.type = 'takeover.started' WHERE s.type = 'message.sent' AND JSON_VALUE(s.after, '$.replyId') IS NOT NULL AND s.position > t.position",
    );
    const [statuses] = [await db.query('SELECT status, COUNT(*) AS n FROM scheduled_replies GROUP BY status')];
    log(`  statuses ${JSON.stringify(statuses)}`);
    console.log(JSON.stringify({ replies, sent: lateness.length, takeovers: takeovers.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: at(1 - 1e-9), duplicates: Number(duplicates.n), lost: Number(lost.n) + Number(undrafted.n), sentAfterTakeover: Number(afterTakeover.n), leavingAtTakeover: Number(leavingAtTakeover.n) }));
  } finally {
    await Promise.all(backends.map(stop));
    await db.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await db.destroy();
  }
}

void main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
