// The SQL the popup's list services send (captured from the services themselves, parameters
// included), its MariaDB EXPLAIN rows, and how long MariaDB takes to answer it, replayed alone.
import type { DataSource, Logger } from 'typeorm';
import type { Principal } from '../../backend/src/auth/principal.js';
import { readConversationList } from '../../backend/src/features/conversations/conversation-list.js';
import { readOpenEscalations } from '../../backend/src/features/escalations/open-escalation-list.js';

export interface CapturedStatement {
  sql: string;
  parameters: unknown[];
}

/** The statements the lists send, by name: the two the popup calls, and two more conversations.list filters. */
export type ListName = 'listOpenMyTeams' | 'listHeldByMe' | 'listEscalatedForMyTeams' | 'listNewest';

/** Runs `work` and answers the one statement it sent (the list services send exactly one). */
async function captureOne(db: DataSource, work: () => Promise<unknown>): Promise<CapturedStatement> {
  const original = db.logger;
  const captured: CapturedStatement[] = [];
  (db as { logger: Logger }).logger = Object.assign(Object.create(original) as Logger, {
    logQuery: (sql: string, parameters?: unknown[]) => void captured.push({ sql, parameters: parameters ?? [] }),
  });
  try {
    await work();
  } finally {
    (db as { logger: Logger }).logger = original;
  }
  if (captured.length !== 1) throw new Error(`expected one statement, the service sent ${captured.length}`);
  return captured[0]!;
}

/** The statements the services send for an agent-bound principal (popup limits: 20 and 100). */
export async function captureListStatements(db: DataSource, principal: Principal): Promise<Record<ListName, CapturedStatement>> {
  const now = new Date();
  return {
    listOpenMyTeams: await captureOne(db, () => readOpenEscalations(db.manager, principal, { myTeams: true, limit: 100 })),
    listHeldByMe: await captureOne(db, () => readConversationList(db.manager, principal, { heldByMe: true, limit: 20 }, false, now)),
    listEscalatedForMyTeams: await captureOne(db, () => readConversationList(db.manager, principal, { escalatedForMyTeams: true, limit: 20 }, false, now)),
    listNewest: await captureOne(db, () => readConversationList(db.manager, principal, { limit: 20 }, false, now)),
  };
}

/** One EXPLAIN row, reduced to what says whether an index serves the query. */
export interface PlanRow {
  table: string;
  type: string;
  key: string | null;
  rows: number;
  extra: string | null;
}

export async function explain(db: DataSource, statement: CapturedStatement): Promise<PlanRow[]> {
  const rows = (await db.query(`EXPLAIN ${statement.sql}`, statement.parameters)) as Record<string, unknown>[];
  return rows.map((row) => ({ table: String(row.table), type: String(row.type), key: (row.key as string | null) ?? null, rows: Number(row.rows), extra: (row.Extra as string | null) ?? null }));
}

/** p50/p99 of `values` (ms, one decimal). */
export function percentiles(values: number[]): { p50Ms: number; p99Ms: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! * 10) / 10;
  return { p50Ms: at(0.5), p99Ms: at(0.99) };
}

/** The statement replayed `runs` times in a row on one connection: the database's own time, no HTTP, no tRPC. */
export async function databaseTime(db: DataSource, statement: CapturedStatement, runs: number): Promise<{ dbP50Ms: number; dbP99Ms: number; resultRows: number }> {
  const runner = db.createQueryRunner();
  try {
    const times: number[] = [];
    let resultRows = 0;
    for (let run = 0; run < runs; run++) {
      const started = performance.now();
      const rows = (await runner.query(statement.sql, statement.parameters)) as unknown[];
      times.push(performance.now() - started);
      resultRows = rows.length;
    }
    const { p50Ms, p99Ms } = percentiles(times);
    return { dbP50Ms: p50Ms, dbP99Ms: p99Ms, resultRows };
  } finally {
    await runner.release();
  }
}
