// The existing conversations the timed traffic writes to: one customer message each, posted through
// the webhook before measuring (a few at a time), then waited for until every one has its draft.
import type { DataSource } from 'typeorm';
import type { createHttpClient } from '../support/http-client';
import { log } from './log';
import { customerMessage, phoneOf, type PoolConversation } from './traffic';
import { postMessage, signMessage } from './webhook-post';

const CONCURRENCY = 32;
export const POOL_TAG = 'pool';

export async function createPool(input: { client: ReturnType<typeof createHttpClient>; backendUrls: string[]; secret: string; db: DataSource; size: number }): Promise<PoolConversation[]> {
  const { client, backendUrls, secret, db, size } = input;
  const pool = Array.from({ length: size }, (_, index) => ({ externalId: `${POOL_TAG}-c${index}`, phone: phoneOf(index) }));
  const started = Date.now();
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < size; index = next++) {
      const outcome = await postMessage(client, backendUrls[index % backendUrls.length]!, signMessage(secret, customerMessage(`${POOL_TAG}-${index}`, pool[index]!, false)));
      if (outcome.kind !== 'accepted') throw new Error(`pool message ${index} was answered ${JSON.stringify(outcome)}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  log(`pool: ${size} conversations created in ${Date.now() - started} ms; waiting for their drafts`);

  const deadline = Date.now() + 60_000 + size * 20;
  for (;;) {
    const [{ drafted }] = await db.query(
      `SELECT COUNT(DISTINCT r.in_reply_to_message_id) AS drafted FROM scheduled_replies r JOIN messages m ON m.id = r.in_reply_to_message_id WHERE m.external_message_id LIKE '${POOL_TAG}-%'`,
    );
    if (Number(drafted) >= size) break;
    if (Date.now() > deadline) throw new Error(`pool: only ${drafted} of ${size} drafts after waiting`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  log(`pool: all ${size} drafted ${Date.now() - started} ms after the first message`);
  return pool;
}
