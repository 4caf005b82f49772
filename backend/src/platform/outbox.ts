// The transactional outbox (issue 11 item 1): what a committed change must cause afterwards, stored
// as data in the change's own transaction, so a relay can perform it when its process did not.
import { In, type DataSource, type EntityManager } from 'typeorm';
import { z } from 'zod';
import { OutboxEffectEntity, type OutboxEffectRow } from '../db/entities/outbox.entities.js';
import { serialised } from '../db/serialised.js';

const ZPosition = z.string().regex(/^\d{1,20}$/, { error: 'must be an event position' });
const ZEventId = z.string().regex(/^\d{1,20}$/, { error: 'must be an event id' });

export const ZOutboxEffects = z.object({
  /** Rows written before events were numbered after commit: the change's events by position (inclusive). */
  events: z.object({ from: ZPosition, to: ZPosition }).nullable(),
  /** The change's events by row id (inclusive): numbered if they are not yet, re-read and published. */
  eventIds: z.object({ from: ZEventId, to: ZEventId }).nullable().optional(),
  /** Jobs committed with the change: every process is told at once (announcing twice is harmless). */
  jobs: z.array(z.object({ jobId: z.string().min(1), name: z.string().min(1), runAt: z.iso.datetime() })),
  /** An agent or API key changed: the performing process forgets its cached principals. */
  credentialsChanged: z.literal(true).optional(),
});
export type OutboxEffects = z.infer<typeof ZOutboxEffects>;

/**
 * How long the committing process has to perform its row (it takes milliseconds) before the relay
 * of any process may: a process that dies right after its commit delays the effects by this much.
 */
export const OUTBOX_GRACE_MS = 3000;

/** Writes the change's outbox row in its transaction; answers the row id. */
export async function insertOutboxRow(manager: EntityManager, tenantId: string, effects: OutboxEffects, now: Date): Promise<string> {
  const row: Omit<OutboxEffectRow, 'id'> = { tenantId, effects, createdAt: now, availableAt: new Date(now.getTime() + OUTBOX_GRACE_MS), attempts: 0 };
  const result = await manager.createQueryBuilder().insert().into(OutboxEffectEntity).values(row as never).updateEntity(false).execute();
  // MySQL answers its OK packet, SQLite the last row id.
  const raw = result.raw as { insertId: number | string } | number | bigint;
  return String(typeof raw === 'object' ? raw.insertId : raw);
}

/** Deletes rows whose effects were performed (outside any transaction). */
export async function deleteOutboxRows(db: DataSource, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await serialised(db, () => db.getRepository(OutboxEffectEntity).delete({ id: In(ids) }));
}

/** How long performed rows wait to be deleted together: well inside OUTBOX_GRACE_MS, so the relay rarely sees one. */
export const PERFORMED_DELETE_DELAY_MS = 250;
const performedByDatabase = new WeakMap<DataSource, { ids: string[]; timer: NodeJS.Timeout | null }>();

/**
 * Forgets a row the committing process performed: deleted with the others performed in the same
 * quarter second, in one statement, so a busy process does not pay a commit per change. A row whose
 * delete never happens (the process died, the delete failed) is performed again by the relay —
 * harmless: subscribers skip positions they have, and announcing a job twice changes nothing.
 */
export function forgetPerformedOutboxRow(db: DataSource, id: string, log: { warn(context: object, message: string): void }): void {
  let performed = performedByDatabase.get(db);
  if (!performed) performedByDatabase.set(db, (performed = { ids: [], timer: null }));
  performed.ids.push(id);
  if (performed.timer) return;
  const batch = performed;
  batch.timer = setTimeout(() => {
    const ids = batch.ids.splice(0);
    batch.timer = null;
    if (!db.isInitialized) return;
    deleteOutboxRows(db, ids).catch((error: unknown) => log.warn({ err: error, rows: ids.length }, 'performed outbox rows not deleted; the relay performs them again'));
  }, PERFORMED_DELETE_DELAY_MS);
  batch.timer.unref();
}

/**
 * Claims up to `limit` rows whose `availableAt` has passed: each gets `attempts + 1` and becomes
 * available again `retryAfterMs` later, so a row whose effects fail is retried, never dropped.
 * Candidates are read by the available_at index without a transaction (the usual answer is none);
 * MariaDB then locks them by primary key with SKIP LOCKED under READ COMMITTED (no gap locks), so
 * relays in several processes never wait on each other nor on transactions inserting rows.
 */
export async function claimDueOutboxRows(db: DataSource, now: Date, limit: number, retryAfterMs: number): Promise<OutboxEffectRow[]> {
  const candidates = await db
    .getRepository(OutboxEffectEntity)
    .createQueryBuilder('row')
    .select('row.id', 'id')
    .where('row.availableAt <= :now', { now })
    .orderBy('row.availableAt', 'ASC')
    .limit(limit)
    .getRawMany<{ id: string | number }>();
  if (candidates.length === 0) return [];
  const ids = candidates.map((candidate) => String(candidate.id));
  const isSqlite = db.options.type === 'better-sqlite3';
  const claim = (manager: EntityManager) => lockAndPostpone(manager, isSqlite, ids, now, retryAfterMs);
  return isSqlite ? serialised(db, () => db.transaction(claim)) : db.transaction('READ COMMITTED', claim);
}

/** Locks the candidates still due (skipping rows another relay holds) and postpones them. */
async function lockAndPostpone(manager: EntityManager, isSqlite: boolean, ids: string[], now: Date, retryAfterMs: number): Promise<OutboxEffectRow[]> {
  const repository = manager.getRepository(OutboxEffectEntity);
  const locking = repository.createQueryBuilder('row').where('row.id IN (:...ids)', { ids }).andWhere('row.availableAt <= :now', { now });
  // SQLite has one writer: the transaction itself excludes every other claim.
  if (!isSqlite) locking.setLock('pessimistic_write').setOnLocked('skip_locked');
  const rows = await locking.getMany();
  if (rows.length === 0) return [];
  await repository
    .createQueryBuilder()
    .update()
    .set({ attempts: () => 'attempts + 1', availableAt: new Date(now.getTime() + retryAfterMs) })
    .where({ id: In(rows.map((row) => row.id)) })
    .execute();
  return rows.map((row) => ({ ...row, attempts: row.attempts + 1 }));
}
