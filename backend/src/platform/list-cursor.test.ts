// The list cursor round-trips and refuses anything it did not make.
import { describe, expect, it } from 'vitest';
import { DomainError } from '../domain/errors.js';
import { decodeListCursor, encodeListCursor } from './list-cursor.js';

const ID = '0b7e2f6a-3c1d-4e5f-8a9b-0c1d2e3f4a5b';

describe('list cursor', () => {
  it('round-trips a position', () => {
    expect(decodeListCursor(encodeListCursor({ atMs: 1_764_000_000_123, id: ID }))).toEqual({ atMs: 1_764_000_000_123, id: ID });
  });

  it.each([
    ['not base64 JSON', 'not-a-cursor'],
    ['a JSON object', Buffer.from('{"atMs":1,"id":"x"}').toString('base64url')],
    ['a negative instant', Buffer.from(JSON.stringify([-1, ID])).toString('base64url')],
    ['an id that is no UUID', Buffer.from(JSON.stringify([1, "x' OR 1=1"])).toString('base64url')],
    ['a fractional instant', Buffer.from(JSON.stringify([1.5, ID])).toString('base64url')],
  ])('refuses %s with a BAD_REQUEST on cursor', (_label, cursor) => {
    try {
      decodeListCursor(cursor);
      expect.unreachable('the cursor was accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code: 'BAD_REQUEST', field: 'cursor' });
    }
  });
});
