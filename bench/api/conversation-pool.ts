// The conversations the load works on: one per lead, each opened by a signed customer message
// (cadence is off by default, so the AI drafts and sends an answer at once), then a wait until that
// drafting has settled so it does not share the cores with the measured part.
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { signedWebhookHeaders } from '../../backend/src/http/webhook-signature';
import { log } from './log';
import type { HttpClient } from './trpc-call';

const CONCURRENT_POSTS = 10;
const SETTLE_TIMEOUT_MS = 5 * 60_000;

export async function openConversations(client: HttpClient, urls: string[], webhookSecret: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  const post = async (index: number) => {
    const raw = JSON.stringify({ tenant: 'demo', connector: 'bench', externalConversationId: `bench-${index}`, externalMessageId: randomUUID(), channel: 'sms', body: 'hello', lead: { phone: `+1555${String(index).padStart(7, '0')}` } });
    const answer = await client.request(`${urls[index % urls.length]}/webhooks/inbound`, { method: 'POST', headers: { 'content-type': 'application/json', ...signedWebhookHeaders(webhookSecret, raw) }, body: raw });
    if (answer.status < 200 || answer.status >= 300) throw new Error(`inbound message ${index} answered ${answer.status}: ${answer.body}`);
    ids[index] = (JSON.parse(answer.body) as { conversationId: string }).conversationId;
  };
  for (let start = 0; start < count; start += CONCURRENT_POSTS) await Promise.all(Array.from({ length: Math.min(CONCURRENT_POSTS, count - start) }, (_, offset) => post(start + offset)));
  return ids;
}

/** Waits until every customer message has its AI reply and no reply or one-off job is still due. */
export async function waitForDraftingToSettle(db: DataSource, conversations: number): Promise<void> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  for (;;) {
    const [replies] = (await db.query("SELECT COUNT(*) AS drafted, SUM(status IN ('pending', 'sending')) AS waiting FROM scheduled_replies")) as { drafted: string; waiting: string | null }[];
    const [jobs] = (await db.query('SELECT COUNT(*) AS due FROM jobs WHERE disabled = 0 AND repeat_interval IS NULL AND next_run_at <= UTC_TIMESTAMP(3)')) as { due: string }[];
    const drafted = Number(replies!.drafted);
    const waiting = Number(replies!.waiting ?? 0);
    const due = Number(jobs!.due);
    if (drafted >= conversations && waiting === 0 && due === 0) return;
    if (Date.now() > deadline) throw new Error(`drafting did not settle within ${SETTLE_TIMEOUT_MS / 1000} s: ${drafted} drafted, ${waiting} waiting, ${due} jobs due`);
    log(`  waiting for drafting: ${drafted}/${conversations} drafted, ${waiting} waiting, ${due} jobs due`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
