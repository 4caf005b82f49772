// Per-tenant event positions in commit order (issue 11 item 3). On MariaDB events are written without
// a position and a sequencer numbers them after their commit, so writing transactions never wait on
// the tenant's sequence row; SQLite has one writer, so its transactions take positions themselves.
import type { DataSource, EntityManager } from 'typeorm';

/**
 * SQLite only: takes `count` positions for the tenant's events in the caller's transaction and
 * answers the last one (they are last - count + 1 … last). SQLite runs one writing transaction at a
 * time, so positions follow commit order and a rollback gives them back.
 */
export async function takeEventPositions(manager: EntityManager, tenantId: string, count: number): Promise<bigint> {
  const rows: { last_position: number | string }[] = await manager.query(
    `INSERT INTO tenant_event_positions (tenant_id, last_position) VALUES (?, ?)
     ON CONFLICT (tenant_id) DO UPDATE SET last_position = last_position + excluded.last_position
     RETURNING last_position`,
    [tenantId, count],
  );
  return BigInt(rows[0]!.last_position);
}

/** Whether this database numbers events after commit (MariaDB) rather than in the writing transaction (SQLite). */
export const positionsAfterCommit = (db: DataSource) => db.options.type !== 'better-sqlite3';

/** How many events one sequencer run numbers at most; a larger backlog takes several runs. */
const RUN_LIMIT = 1000;

/**
 * One run: locks the tenant's sequence row, numbers the tenant's committed events that have no
 * position yet (oldest row first) and moves the row on, in one READ COMMITTED transaction. Runs
 * of every process take the same row lock, so they follow each other: when a run commits position
 * p, every position below p is committed, and an event committed later gets a higher one. Reads
 * are non-locking (READ COMMITTED sees only committed rows), so a run never waits on a writer.
 * Six statements: isolation, start, upsert, select, one UPDATE of both tables, commit.
 * Answers event id → position for the events it numbered.
 */
async function sequenceOnce(db: DataSource, tenantId: string): Promise<Map<string, string>> {
  return db.transaction('READ COMMITTED', async (manager) => {
    const locked: { insertId: number | string } = await manager.query(
      `INSERT INTO tenant_event_positions (tenant_id, last_position) VALUES (?, LAST_INSERT_ID(0))
       ON DUPLICATE KEY UPDATE last_position = LAST_INSERT_ID(last_position)`,
      [tenantId],
    );
    const last = BigInt(locked.insertId);
    const unnumbered: { id: number | string }[] = await manager.query(
      'SELECT id FROM events WHERE tenant_id = ? AND position IS NULL ORDER BY id LIMIT ?',
      [tenantId, RUN_LIMIT],
    );
    const positions = new Map(unnumbered.map((row, index) => [String(row.id), String(last + BigInt(index + 1))]));
    if (positions.size === 0) return positions;
    const ids = [...positions.keys()];
    // The events and the sequence row in one statement (MariaDB's multi-table UPDATE; the row is locked above).
    await manager.query(
      `UPDATE events e JOIN tenant_event_positions sequence_row ON sequence_row.tenant_id = ?
       SET e.position = CASE e.id ${ids.map(() => 'WHEN ? THEN ?').join(' ')} END, sequence_row.last_position = ?
       WHERE e.id IN (${ids.map(() => '?').join(', ')})`,
      [tenantId, ...ids.flatMap((id) => [id, positions.get(id)]), String(last + BigInt(ids.length)), ...ids],
    );
    return positions;
  });
}

/** A tenant's runs in this process: the one in progress and the one that starts after it. */
interface TenantRuns {
  running: Promise<unknown> | null;
  next: Promise<Map<string, string>> | null;
}
const runsByDatabase = new WeakMap<DataSource, Map<string, TenantRuns>>();

/**
 * A run that starts after this call: the next one queued behind the run in progress, shared by
 * every caller until it starts — under load one run numbers many changes' events (one commit).
 */
function nextRun(db: DataSource, tenantId: string): Promise<Map<string, string>> {
  let tenants = runsByDatabase.get(db);
  if (!tenants) runsByDatabase.set(db, (tenants = new Map()));
  let runs = tenants.get(tenantId);
  if (!runs) tenants.set(tenantId, (runs = { running: null, next: null }));
  if (runs.next) return runs.next;
  const state = runs;
  const run: Promise<Map<string, string>> = (state.running ?? Promise.resolve())
    .catch(() => undefined)
    .then(() => {
      state.next = null;
      state.running = run;
      return sequenceOnce(db, tenantId);
    })
    .finally(() => {
      if (state.running === run) state.running = null;
      if (!state.running && !state.next) tenants.delete(tenantId);
    });
  state.next = run;
  return run;
}

/** How many runs a caller waits through before giving up (each numbers up to RUN_LIMIT events). */
const MAX_RUNS = 20;

/**
 * The positions of a tenant's committed events `ids` (event id → position), numbering them first
 * when they have none: by this process's next run, or already by another process's. Throws when
 * they stay unnumbered (the database is failing); the caller's outbox row then stays for the relay.
 */
export async function positionsOfCommittedEvents(db: DataSource, tenantId: string, ids: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (let run = 0; run < MAX_RUNS; run++) {
    const numbered = await nextRun(db, tenantId);
    for (const id of ids) if (numbered.has(id)) found.set(id, numbered.get(id)!);
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length === 0) return found;
    // Numbered by another process's run (or an earlier one of ours): read them.
    const rows: { id: number | string; position: number | string | null }[] = await db.query(
      `SELECT id, position FROM events WHERE tenant_id = ? AND id IN (${missing.map(() => '?').join(', ')})`,
      [tenantId, ...missing],
    );
    for (const row of rows) if (row.position !== null) found.set(String(row.id), String(row.position));
    if (found.size === ids.length) return found;
  }
  throw new Error(`events ${ids.join(', ')} of tenant ${tenantId} are still without a position after ${MAX_RUNS} sequencer runs`);
}
