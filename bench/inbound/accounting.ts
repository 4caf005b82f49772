// What became of one step's accepted messages, read from the database after the load: lost (accepted
// but not stored), and how each stored one was answered — by an AI draft (a scheduled_replies row in
// reply to it) or by something that legitimately keeps the AI from drafting it, as the database records
// it (drafting.service.ts: the safety rail and the guardrails):
//   superseded  a newer customer message in the same conversation (the AI answers that one instead)
//   human       an agent message in the conversation at or after it
//   takeover    the conversation held (takeover.started, not released) when it arrived, or taken over after
//   blocked     a reply.blocked event naming it (a guardrail stopped its draft; that escalates)
// A routing-rule escalation does not stop the AI (only a takeover_hold action would, via takeover.started).
// A reply.draft_failed event is no answer: the customer got nothing.
import type { DataSource } from 'typeorm';
import { percentile } from '../support/open-loop';

export const ANSWER_WINDOW_MS = 5000;
const POLL_MS = 1000;

export type AnswerKind = 'draft' | 'superseded' | 'human' | 'takeover' | 'blocked';

export interface StepAnswers {
  accepted: number;
  lost: number;
  /** Share (0..1) of the accepted messages answered within 5 s of their created_at. */
  draftedWithin5s: number | null;
  /** Stored messages with no answer at all when the wait ended. */
  undrafted: number;
  /** Of the undrafted: those with a reply.draft_failed event. */
  draftFailed: number;
  answeredBy: Record<AnswerKind, number>;
  /** reply created_at − message created_at, over the messages answered by a draft. */
  draftP50Ms: number | null;
  draftP99Ms: number | null;
  /** From the end of the load until every message was answered, or the wait gave up. */
  waitedMs: number;
  /**
   * Pending AI replies (over the whole run so far) to a message that is no longer its conversation's
   * newest customer message: supersedes that were missed. Each should have been ended by the newer
   * message; only the safety rail at send time still stops it.
   */
  unsupersededReplies: number;
}

interface StoredMessage {
  id: string;
  conversationId: string;
  at: number;
}

/** Per conversation, the times (ms, ascending) of its customer messages, agent messages and takeover changes. */
interface Timelines {
  customer: Map<string, number[]>;
  agent: Map<string, number[]>;
  takeover: Map<string, { at: number; held: boolean }[]>;
  replyAt: Map<string, number>;
  blockedAt: Map<string, number>;
  failed: Set<string>;
}

const ms = (value: Date | string) => new Date(value).getTime();
const push = <T>(map: Map<string, T[]>, key: string, value: T) => (map.get(key) ?? map.set(key, []).get(key)!).push(value);

async function readTimelines(db: DataSource, since: Date): Promise<Timelines> {
  const timelines: Timelines = { customer: new Map(), agent: new Map(), takeover: new Map(), replyAt: new Map(), blockedAt: new Map(), failed: new Set() };
  const messages: { conversation_id: string; author: string; created_at: Date }[] = await db.query(
    "SELECT conversation_id, author, created_at FROM messages WHERE author IN ('customer', 'agent') AND created_at >= ? ORDER BY created_at",
    [since],
  );
  for (const row of messages) push(row.author === 'customer' ? timelines.customer : timelines.agent, row.conversation_id, ms(row.created_at));
  const replies: { message_id: string; at: Date }[] = await db.query('SELECT in_reply_to_message_id AS message_id, MIN(created_at) AS at FROM scheduled_replies WHERE created_at >= ? GROUP BY in_reply_to_message_id', [since]);
  for (const row of replies) timelines.replyAt.set(row.message_id, ms(row.at));
  const events: { type: string; conversation_id: string | null; message_id: string | null; created_at: Date }[] = await db.query(
    "SELECT type, conversation_id, JSON_VALUE(`after`, '$.inReplyToMessageId') AS message_id, created_at FROM events WHERE type IN ('reply.blocked', 'reply.draft_failed', 'takeover.started', 'takeover.released') ORDER BY id",
  );
  for (const event of events) {
    if (event.type === 'reply.blocked' && event.message_id && !timelines.blockedAt.has(event.message_id)) timelines.blockedAt.set(event.message_id, ms(event.created_at));
    if (event.type === 'reply.draft_failed' && event.message_id) timelines.failed.add(event.message_id);
    if (event.type.startsWith('takeover.') && event.conversation_id) push(timelines.takeover, event.conversation_id, { at: ms(event.created_at), held: event.type === 'takeover.started' });
  }
  return timelines;
}

/** The earliest thing that answered the message, or null. A draft wins a tie. */
function answerOf(message: StoredMessage, timelines: Timelines): { kind: AnswerKind; at: number } | null {
  const candidates: { kind: AnswerKind; at: number | undefined }[] = [
    { kind: 'draft', at: timelines.replyAt.get(message.id) },
    { kind: 'superseded', at: timelines.customer.get(message.conversationId)?.find((at) => at > message.at) },
    { kind: 'human', at: timelines.agent.get(message.conversationId)?.find((at) => at >= message.at) },
    { kind: 'blocked', at: timelines.blockedAt.get(message.id) },
    { kind: 'takeover', at: takeoverAt(timelines.takeover.get(message.conversationId) ?? [], message.at) },
  ];
  let best: { kind: AnswerKind; at: number } | null = null;
  for (const { kind, at } of candidates) if (at !== undefined && (best === null || at < best.at)) best = { kind, at };
  return best;
}

/** When a takeover kept the AI off this message: its arrival if the conversation was held then, else the next takeover. */
function takeoverAt(changes: { at: number; held: boolean }[], messageAt: number): number | undefined {
  const before = changes.filter((change) => change.at <= messageAt).at(-1);
  if (before?.held) return messageAt;
  return changes.find((change) => change.at > messageAt && change.held)?.at;
}

async function countUnsuperseded(db: DataSource): Promise<number> {
  const [row] = await db.query(
    "SELECT COUNT(*) AS n FROM scheduled_replies r JOIN messages m ON m.id = r.in_reply_to_message_id WHERE r.status = 'pending' AND EXISTS (SELECT 1 FROM messages newer WHERE newer.conversation_id = m.conversation_id AND newer.author = 'customer' AND newer.created_at > m.created_at)",
  );
  return Number(row.n);
}

function summarize(acceptedIds: string[], stored: Map<string, StoredMessage>, timelines: Timelines, waitedMs: number): Omit<StepAnswers, 'unsupersededReplies'> {
  const answeredBy: Record<AnswerKind, number> = { draft: 0, superseded: 0, human: 0, takeover: 0, blocked: 0 };
  const draftDelays: number[] = [];
  let lost = 0;
  let onTime = 0;
  let undrafted = 0;
  let draftFailed = 0;
  for (const id of acceptedIds) {
    const message = stored.get(id);
    if (!message) {
      lost += 1;
      continue;
    }
    const answer = answerOf(message, timelines);
    if (!answer) {
      undrafted += 1;
      if (timelines.failed.has(id)) draftFailed += 1;
      continue;
    }
    answeredBy[answer.kind] += 1;
    if (answer.at - message.at <= ANSWER_WINDOW_MS) onTime += 1;
    if (answer.kind === 'draft') draftDelays.push(answer.at - message.at);
  }
  draftDelays.sort((a, b) => a - b);
  return {
    accepted: acceptedIds.length,
    lost,
    draftedWithin5s: acceptedIds.length ? Math.round((onTime / acceptedIds.length) * 10_000) / 10_000 : null,
    undrafted,
    draftFailed,
    answeredBy,
    draftP50Ms: percentile(draftDelays, 0.5),
    draftP99Ms: percentile(draftDelays, 0.99),
    waitedMs,
  };
}

/**
 * Reads the step's messages (external ids `<tag>-…`) back and waits, polling, until every stored one
 * is answered or `waitMs` has passed since the load ended.
 */
export async function accountStep(db: DataSource, tag: string, acceptedIds: string[], waitMs = 10_000): Promise<StepAnswers> {
  const started = Date.now();
  const rows: { id: string; conversation_id: string; created_at: Date }[] = await db.query("SELECT id, conversation_id, created_at FROM messages WHERE author = 'customer' AND external_message_id LIKE ?", [`${tag}-%`]);
  const stored = new Map(rows.map((row) => [row.id, { id: row.id, conversationId: row.conversation_id, at: ms(row.created_at) }]));
  const since = new Date(rows.reduce((earliest, row) => Math.min(earliest, ms(row.created_at)), Date.now()));
  for (;;) {
    const timelines = await readTimelines(db, since);
    const answers = summarize(acceptedIds, stored, timelines, Date.now() - started);
    if (answers.undrafted === 0 || Date.now() - started >= waitMs) return { ...answers, unsupersededReplies: await countUnsuperseded(db) };
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
