// Waits for a customer message's AI draft job, for tests that must know the AI has decided.
import type { DataSource } from 'typeorm';
import { refs } from '../../backend/src/features/replies/replies.jobs.js';

/** Resolves once the draft job of `messageId` has finished (whatever it decided); throws after `timeoutMs`. */
export async function draftJobDone(db: DataSource, messageId: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await db.query('SELECT last_finished_at FROM jobs WHERE ref_key = ?', [refs.draft(messageId)]);
    if (row?.last_finished_at) return;
    if (Date.now() > deadline) throw new Error(`the draft job of message ${messageId} did not run within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
