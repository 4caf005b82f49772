// What the chaos run counts from its database at the end: lost and duplicate replies, AI sends after a
// committed takeover, and how late the timers (auto-releases, SLA checks) fired against their due time.
import type { DataSource } from 'typeorm';
import { CLAIMS, DUPLICATES } from '../cadence/customer-counts';

/**
 * The newest customer message of each conversation that the AI should have answered: the conversation
 * is not taken over, and nothing human (takeover, release, agent message) happened at or after the
 * message (SPEC §4's rail: older customer messages are legitimately skipped for the newest one, and a
 * takeover or release silences the AI until the customer writes again). Such a message is lost when no
 * decision about it was recorded: no scheduled reply (sent, cancelled, superseded, failed…), no blocked
 * draft, no failed draft.
 */
const UNDECIDED = `
  SELECT COUNT(*) AS n FROM conversations c
  JOIN messages m ON m.tenant_id = c.tenant_id AND m.conversation_id = c.id AND m.author = 'customer' AND m.created_at = c.last_customer_message_at
  WHERE c.takeover_source IS NULL
    AND (c.last_human_control_at IS NULL OR c.last_human_control_at < m.created_at)
    AND (c.last_agent_message_at IS NULL OR c.last_agent_message_at < m.created_at)
    AND NOT EXISTS (SELECT 1 FROM scheduled_replies r WHERE r.in_reply_to_message_id = m.id)
    AND NOT EXISTS (SELECT 1 FROM events e WHERE e.conversation_id = c.id AND e.type IN ('reply.blocked','reply.draft_failed')
                    AND JSON_VALUE(e.after, '$.inReplyToMessageId') = m.id)`;

/** Replies the run left in flight: after the drain nothing may still be pending or sending. */
const STUCK = `SELECT COUNT(*) AS n FROM scheduled_replies WHERE status IN ('pending','sending')`;

/**
 * A claim (the cut-off) positioned after a committed takeover of the same conversation with no release
 * between them. Positions are per tenant in commit order; the run has one tenant.
 */
const SENT_AFTER_TAKEOVER = `
  SELECT COUNT(*) AS n FROM events s JOIN events t ON t.conversation_id = s.conversation_id AND t.type = 'takeover.started'
  WHERE s.type IN ${CLAIMS} AND s.position > t.position
    AND NOT EXISTS (SELECT 1 FROM events r WHERE r.conversation_id = s.conversation_id AND r.type = 'takeover.released'
                    AND r.position > t.position AND r.position < s.position)`;

/** Replies that exhausted their delivery retries: shown as failed on the banner (SPEC §7), not silently dropped. */
const FAILED_REPLIES = `SELECT COUNT(*) AS n FROM scheduled_replies WHERE status = 'failed'`;

/** Auto-releases (the effect): released at `created_at`, due at the takeover's `autoReleaseAt`. */
const AUTO_RELEASES = `
  SELECT created_at AS firedAt, JSON_VALUE(\`before\`, '$.autoReleaseAt') AS dueAt FROM events
  WHERE type = 'takeover.released' AND JSON_VALUE(after, '$.releaseSource') = 'auto'`;

/** SLA checks that ran (answered or breached): finished at `last_finished_at`, due at the payload's `dueAt`. */
const SLA_CHECKS = `
  SELECT last_finished_at AS firedAt, JSON_VALUE(data, '$.dueAt') AS dueAt FROM jobs
  WHERE name = 'sla.check' AND next_run_at IS NULL AND last_finished_at IS NOT NULL`;

const SLA_BREACHES = `SELECT COUNT(*) AS n FROM events WHERE type = 'escalation.opened' AND JSON_VALUE(after, '$.trigger') = 'sla_breach'`;

/** Timers due more than OVERDUE_S ago that have not run: a timer that never fired. */
const OVERDUE_S = 10;
const TIMERS_OVERDUE = `
  SELECT COUNT(*) AS n FROM jobs WHERE name IN ('sla.check','takeover.auto_release')
  AND next_run_at IS NOT NULL AND next_run_at < UTC_TIMESTAMP(3) - INTERVAL ${OVERDUE_S} SECOND`;

export interface ChaosFigures {
  /** Accepted (2xx) messages not stored + newest messages due an AI decision without one + replies left in flight. */
  lost: number;
  lostDetail: { notStored: number; undecided: number; stuck: number };
  duplicates: number;
  sentAfterTakeover: number;
  failedReplies: number;
  autoReleases: number;
  slaChecks: number;
  slaBreaches: number;
  timersOverdue: number;
  /** Latest timer effect − its due time, over auto-releases and SLA checks; null when none fired. */
  maxTimerLateMs: number | null;
  /** Per kind: timers fired, the latest one's lateness and due time (ms after `since`), and how many fired over 10 s late. */
  timerLateness: Record<'autoRelease' | 'slaCheck', TimerLateness>;
}

export interface TimerLateness {
  fired: number;
  maxLateMs: number | null;
  latestDueAfterStartMs: number | null;
  over10s: number;
}

const count = async (db: DataSource, sql: string, parameters: unknown[] = []) => Number((await db.query(sql, parameters))[0].n);

/** Accepted message ids missing from `messages`, looked up in chunks. */
async function countNotStored(db: DataSource, acceptedIds: readonly string[]): Promise<number> {
  let found = 0;
  for (let start = 0; start < acceptedIds.length; start += 500) {
    const chunk = acceptedIds.slice(start, start + 500);
    found += await count(db, `SELECT COUNT(*) AS n FROM messages WHERE id IN (${chunk.map(() => '?').join(',')})`, chunk);
  }
  return acceptedIds.length - found;
}

interface TimerRow {
  firedAt: Date | string;
  dueAt: string | null;
}

function lateness(rows: TimerRow[]): { dueAt: number; lateMs: number }[] {
  return rows.filter((row) => row.dueAt).map((row) => ({ dueAt: Date.parse(row.dueAt!), lateMs: new Date(row.firedAt).getTime() - Date.parse(row.dueAt!) }));
}

/** `since`: the stream's start, so the latest timer's due time can be matched with the faults' times. */
function summarise(rows: TimerRow[], since: number): TimerLateness {
  const timers = lateness(rows);
  const latest = timers.reduce<{ dueAt: number; lateMs: number } | null>((worst, timer) => (!worst || timer.lateMs > worst.lateMs ? timer : worst), null);
  return { fired: rows.length, maxLateMs: latest?.lateMs ?? null, latestDueAfterStartMs: latest ? latest.dueAt - since : null, over10s: timers.filter((timer) => timer.lateMs > 10_000).length };
}

/**
 * @param acceptedIds message ids of every customer message a backend answered 2xx (`accepted`).
 * @param since the stream's start (epoch ms).
 */
export async function readChaosFigures(db: DataSource, acceptedIds: readonly string[], since: number): Promise<ChaosFigures> {
  const notStored = await countNotStored(db, acceptedIds);
  const undecided = await count(db, UNDECIDED);
  const stuck = await count(db, STUCK);
  const autoReleases: TimerRow[] = await db.query(AUTO_RELEASES);
  const slaChecks: TimerRow[] = await db.query(SLA_CHECKS);
  const timerLateness = { autoRelease: summarise(autoReleases, since), slaCheck: summarise(slaChecks, since) };
  const late = Object.values(timerLateness).flatMap((kind) => (kind.maxLateMs === null ? [] : [kind.maxLateMs]));
  return {
    lost: notStored + undecided + stuck,
    lostDetail: { notStored, undecided, stuck },
    duplicates: await count(db, DUPLICATES),
    sentAfterTakeover: await count(db, SENT_AFTER_TAKEOVER),
    failedReplies: await count(db, FAILED_REPLIES),
    autoReleases: autoReleases.length,
    slaChecks: slaChecks.length,
    slaBreaches: await count(db, SLA_BREACHES),
    timersOverdue: await count(db, TIMERS_OVERDUE),
    maxTimerLateMs: late.length ? Math.max(...late) : null,
    timerLateness,
  };
}
