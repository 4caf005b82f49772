// Keyset cursors for lists ordered newest first by an instant, then by id (issue 10): opaque to
// clients, stable while rows are added above them.
import { DomainError } from '../domain/errors.js';

/** Where a row sits in a newest-first list: its instant (ms) and id (the tie-breaker). */
export interface ListPosition {
  atMs: number;
  id: string;
}

const ROW_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The cursor for the rows after (older than) `position`. */
export function encodeListCursor(position: ListPosition): string {
  return Buffer.from(JSON.stringify([position.atMs, position.id]), 'utf8').toString('base64url');
}

/** Reads a cursor back; anything else is a BAD_REQUEST naming `cursor` (never a database error). */
export function decodeListCursor(cursor: string): ListPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  if (Array.isArray(parsed) && parsed.length === 2) {
    const [atMs, id] = parsed as unknown[];
    if (Number.isSafeInteger(atMs) && (atMs as number) >= 0 && typeof id === 'string' && ROW_ID.test(id)) return { atMs: atMs as number, id };
  }
  throw new DomainError('BAD_REQUEST', 'cursor: this is not a cursor from a previous page; load the list again from the start', 'cursor');
}
