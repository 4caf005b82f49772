// placeOf decides what a stream does with a live event: skip it, send it, or read the table first.
import { describe, expect, it } from 'vitest';
import { laterOf, placeOf } from './stream-cursor.js';

describe('placeOf', () => {
  it.each([
    ['7', '7', 'seen'],
    ['3', '7', 'seen'],
    ['8', '7', 'next'],
    ['9', '7', 'after-gap'],
    ['1', '0', 'next'],
    // Beyond 2^53: compared exactly, never as floating point.
    ['9007199254740993', '9007199254740992', 'next'],
    ['9007199254740994', '9007199254740992', 'after-gap'],
  ] as const)('position %s against cursor %s is %s', (position, cursor, place) => {
    expect(placeOf(position, cursor)).toBe(place);
  });
});

describe('laterOf', () => {
  it('answers the higher position, numerically', () => {
    expect(laterOf('10', '9')).toBe('10');
    expect(laterOf('9', '10')).toBe('10');
  });
});
