// Work a transaction puts off until just before its commit, so that rows of one table written at
// several points of a change go in one statement (issue 13: an inbound message's draft job and SLA
// timer were two INSERTs). Only transactions that promise to run it (withTransaction) accept it; in
// any other transaction the caller is told to do the work at once, so nothing deferred is ever lost.
import type { EntityManager, QueryRunner } from 'typeorm';

type DeferredWork = () => Promise<void>;

/** The deferred work of each accepting transaction, in the order it was deferred. */
const workByTransaction = new WeakMap<QueryRunner, DeferredWork[]>();

/** Marks `manager`'s transaction as one that runs deferred work before it commits (see runDeferredWork). */
export function acceptDeferredWork(manager: EntityManager): void {
  if (manager.queryRunner) workByTransaction.set(manager.queryRunner, []);
}

/**
 * Runs `work` just before `manager`'s transaction commits. Answers false when that transaction does
 * not accept deferred work (or there is none): the caller must do the work now.
 * @example if (!deferToCommit(manager, () => flush(runner))) await flush(runner);
 */
export function deferToCommit(manager: EntityManager, work: DeferredWork): boolean {
  const queued = manager.queryRunner ? workByTransaction.get(manager.queryRunner) : undefined;
  if (!queued) return false;
  queued.push(work);
  return true;
}

/** Runs the transaction's deferred work in order (work may defer more); after it, nothing more is accepted. */
export async function runDeferredWork(manager: EntityManager): Promise<void> {
  const runner = manager.queryRunner;
  const queued = runner ? workByTransaction.get(runner) : undefined;
  if (!runner || !queued) return;
  while (queued.length > 0) await queued.shift()!();
  workByTransaction.delete(runner);
}
