// How late the sent replies reached the customer, read from the database. The chosen delay is the
// reply's due_at − created_at (both the drafting transaction's time); `late` counts from the customer
// message plus that delay, so time spent waiting to be drafted shows. `fromDue` is the older measure
// (sent − due_at): the send job alone.
import type { DataSource } from 'typeorm';
import { percentile } from '../support/open-loop';

export interface Lateness {
  sent: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  lateFromDueP50Ms: number | null;
  lateFromDueP99Ms: number | null;
}

export async function readLateness(db: DataSource): Promise<Lateness> {
  const rows: { late: string; lateFromDue: string }[] = await db.query(
    `SELECT (TIMESTAMPDIFF(MICROSECOND, customer.created_at, sent.created_at) - TIMESTAMPDIFF(MICROSECOND, r.created_at, r.due_at)) / 1000 AS late,
            TIMESTAMPDIFF(MICROSECOND, r.due_at, sent.created_at) / 1000 AS lateFromDue
     FROM scheduled_replies r
     JOIN messages sent ON sent.id = r.sent_message_id
     JOIN messages customer ON customer.id = r.in_reply_to_message_id
     WHERE r.status = 'sent'`,
  );
  const sorted = (values: number[]) => values.sort((a, b) => a - b);
  const late = sorted(rows.map((row) => Number(row.late)));
  const fromDue = sorted(rows.map((row) => Number(row.lateFromDue)));
  return {
    sent: rows.length,
    p50Ms: percentile(late, 0.5),
    p99Ms: percentile(late, 0.99),
    maxMs: percentile(late, 1 - 1e-9),
    lateFromDueP50Ms: percentile(fromDue, 0.5),
    lateFromDueP99Ms: percentile(fromDue, 0.99),
  };
}
