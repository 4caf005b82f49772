// Query plans and timings of the job engine's hot queries with 100,000 pending jobs (issue 3:
// "stay cheap at 100,000 pending jobs; show the query plan"). Prints a Markdown section.
import { randomUUID } from 'node:crypto';

import { openDatabase } from '../../backend/src/db/data-source';
import { SqlJobRepository } from '../../backend/src/jobs/sql-job-repository';

const SERVER_URL = process.env.BENCH_DB_SERVER_URL ?? 'mysql://root@127.0.0.1:3306';
const PENDING = Number(process.env.PENDING ?? 100_000);

async function main(): Promise<void> {
  const name = `baton_explain_${Date.now()}`;
  const db = await openDatabase({ databaseUrl: `${SERVER_URL}/${name}`, sqlitePath: '' });
  try {
    const repository = new SqlJobRepository(db);
    const now = Date.now();
    // 100,000 jobs spread over the next 5 minutes, plus 100 due now.
    const jobs = Array.from({ length: PENDING }, (_, index) => {
      const dueAt = new Date(now + (index < 100 ? -1000 : 60_000 + Math.random() * 300_000));
      return { name: 'reply.send', priority: 0, type: 'normal' as const, nextRunAt: dueAt, data: { dueAt: dueAt.toISOString(), ref: `scheduled_reply:${randomUUID()}` } };
    });
    const insertStarted = Date.now();
    const ids = await repository.insertMany(jobs);
    const insertMs = Date.now() - insertStarted;
    await db.query('ANALYZE TABLE jobs');
    const at = new Date(now + 500);
    const queries: [string, string, unknown[]][] = [
      // The claim reads candidate ids by the index, then locks those rows by primary key (job-claimer.ts).
      ['claim candidates (due, unlocked)', 'SELECT id FROM jobs WHERE name = ? AND disabled = 0 AND locked_at IS NULL AND next_run_at <= ? ORDER BY next_run_at LIMIT 50', ['reply.send', at]],
      ['claim lock by id', `SELECT * FROM jobs WHERE id IN (${ids.slice(0, 50).map(() => '?').join(', ')}) AND disabled = 0 AND locked_at IS NULL AND next_run_at <= ? FOR UPDATE SKIP LOCKED`, [...ids.slice(0, 50), at]],
      ['claim candidates (expired locks)', 'SELECT id FROM jobs WHERE name = ? AND disabled = 0 AND locked_at <= ? ORDER BY locked_at LIMIT 50', ['reply.send', new Date(now - 60_000)]],
      ['queue size', 'SELECT COUNT(*) AS count FROM jobs WHERE next_run_at < ?', [at]],
      ['cancel by reference', 'DELETE FROM jobs WHERE ref_key = ?', [jobs[50_000]!.data.ref]],
    ];
    const lines = [`### Query plans with ${PENDING.toLocaleString('en-US')} pending jobs (MariaDB ${(await db.query('SELECT VERSION() AS v'))[0].v})`, '', `Inserting them took ${insertMs} ms (multi-row INSERTs of 500).`, ''];
    for (const [label, sql, params] of queries) {
      const plan = await db.query(`EXPLAIN ${sql}`, params);
      const timings: number[] = [];
      for (let run = 0; run < 20; run++) {
        const runner = db.createQueryRunner();
        await runner.startTransaction('READ COMMITTED');
        const started = process.hrtime.bigint();
        await runner.query(sql, params);
        timings.push(Number(process.hrtime.bigint() - started) / 1e6);
        await runner.rollbackTransaction();
        await runner.release();
      }
      timings.sort((a, b) => a - b);
      const row = plan[0] as Record<string, unknown>;
      lines.push(`- **${label}** — median ${timings[10]!.toFixed(2)} ms: type \`${row.type}\`, key \`${row.key}\`, rows ${row.rows}, extra \`${row.Extra ?? ''}\``);
    }
    console.log(lines.join('\n'));
  } finally {
    await db.query(`DROP DATABASE \`${name}\``);
    await db.destroy();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
