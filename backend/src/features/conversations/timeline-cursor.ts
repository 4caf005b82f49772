// The timeline's paging key (issue 9): newest first by instant, then events before messages of the
// same instant, then id (newest first). Clients get it as an opaque cursor; new entries never move it.
import { DomainError } from '../../domain/errors.js';

/** Where an entry sits in the timeline: `e` an events-table row (numeric id), `m` a message (UUID). */
export interface TimelinePosition {
  atMs: number;
  kind: 'e' | 'm';
  id: string;
}

const EVENT_ID = /^\d{1,20}$/;
const MESSAGE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The cursor for the entries older than `position`. */
export function encodeTimelineCursor(position: TimelinePosition): string {
  return Buffer.from(JSON.stringify([position.atMs, position.kind, position.id]), 'utf8').toString('base64url');
}

/** Reads a cursor back; anything else is a BAD_REQUEST on `cursor` (never a database error). */
export function decodeTimelineCursor(cursor: string): TimelinePosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  if (Array.isArray(parsed) && parsed.length === 3) {
    const [atMs, kind, id] = parsed as unknown[];
    const validId = (kind === 'e' && typeof id === 'string' && EVENT_ID.test(id)) || (kind === 'm' && typeof id === 'string' && MESSAGE_ID.test(id));
    if (Number.isSafeInteger(atMs) && (atMs as number) >= 0 && validId) return { atMs: atMs as number, kind: kind as 'e' | 'm', id: id as string };
  }
  throw new DomainError('BAD_REQUEST', 'This timeline cursor is not valid: load the timeline again from the start', 'cursor');
}

const compareIds = (kind: 'e' | 'm', a: string, b: string) => (kind === 'e' ? (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0) : a < b ? -1 : a > b ? 1 : 0);

/** Sort order of the drawer: negative when `a` shows above (is newer than) `b`. */
export function compareNewestFirst(a: TimelinePosition, b: TimelinePosition): number {
  if (a.atMs !== b.atMs) return b.atMs - a.atMs;
  if (a.kind !== b.kind) return a.kind === 'e' ? -1 : 1;
  return -compareIds(a.kind, a.id, b.id);
}
