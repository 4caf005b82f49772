// The timeline cursor: round trip, bad cursors as field errors, and the newest-first order across events and messages.
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../domain/errors.js';
import { compareNewestFirst, decodeTimelineCursor, encodeTimelineCursor, type TimelinePosition } from './timeline-cursor.js';

const M1 = '0b6f2c1e-0000-4000-8000-000000000001';
const M2 = '0b6f2c1e-0000-4000-8000-00000000000a';

describe('timeline cursor', () => {
  it.each<TimelinePosition>([
    { atMs: 1_767_225_600_123, kind: 'e', id: '42' },
    { atMs: 0, kind: 'm', id: M1 },
  ])('round-trips %o', (position) => {
    const cursor = encodeTimelineCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeTimelineCursor(cursor)).toEqual(position);
  });

  it.each([
    ['not base64 JSON', '%%%'],
    ['a wrong shape', Buffer.from('{"a":1}').toString('base64url')],
    ['an unknown kind', encodeTimelineCursor({ atMs: 1, kind: 'x' as 'e', id: '1' })],
    ['a non-numeric event id', encodeTimelineCursor({ atMs: 1, kind: 'e', id: "1' OR 1=1" })],
    ['a message id that is no UUID', encodeTimelineCursor({ atMs: 1, kind: 'm', id: '42' })],
    ['a negative instant', encodeTimelineCursor({ atMs: -5, kind: 'e', id: '1' })],
  ])('refuses %s as a BAD_REQUEST on cursor', (_name, cursor) => {
    let caught: unknown;
    try {
      decodeTimelineCursor(cursor);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DomainError);
    expect(caught).toMatchObject({ code: 'BAD_REQUEST', field: 'cursor' });
  });

  it('orders newest first: instant, then events above messages of the same instant, then id (numeric for events)', () => {
    const entries: TimelinePosition[] = [
      { atMs: 1000, kind: 'm', id: M1 },
      { atMs: 2000, kind: 'e', id: '9' },
      { atMs: 1000, kind: 'e', id: '10' },
      { atMs: 1000, kind: 'e', id: '9' },
      { atMs: 1000, kind: 'm', id: M2 },
    ];
    expect([...entries].sort(compareNewestFirst)).toEqual([
      { atMs: 2000, kind: 'e', id: '9' },
      { atMs: 1000, kind: 'e', id: '10' },
      { atMs: 1000, kind: 'e', id: '9' },
      { atMs: 1000, kind: 'm', id: M2 },
      { atMs: 1000, kind: 'm', id: M1 },
    ]);
  });
});
