// Reply cadence: validation messages that name the field, inclusive uniform draws, due times.
import { describe, expect, it } from 'vitest';
import { DEFAULT_REPLY_CADENCE, drawDelaySeconds, parseReplyCadence, replyDueAt, type ReplyCadence, ZReplyCadence } from './cadence.js';
import { DomainError } from './errors.js';

const on = (minDelaySeconds: number, maxDelaySeconds: number): ReplyCadence => ({ enabled: true, minDelaySeconds, maxDelaySeconds });
const fixed = (value: number) => () => value;
const NOW = new Date('2025-03-09T07:59:30.000Z');

function problemOf(input: unknown): { field: string | undefined; message: string } {
  try {
    parseReplyCadence(input);
  } catch (error) {
    if (error instanceof DomainError) {
      expect(error.code).toBe('BAD_REQUEST');
      return { field: error.field, message: error.message };
    }
    throw error;
  }
  throw new Error('expected a validation error');
}

describe('ZReplyCadence', () => {
  it('defaults to off, 30–120 s', () => {
    expect(DEFAULT_REPLY_CADENCE).toEqual({ enabled: false, minDelaySeconds: 30, maxDelaySeconds: 120 });
    expect(ZReplyCadence.parse(DEFAULT_REPLY_CADENCE)).toEqual(DEFAULT_REPLY_CADENCE);
  });

  it.each([
    ['min = max', on(45, 45)],
    ['min = 0', on(0, 10)],
    ['both 0', on(0, 0)],
    ['max at the 3600 limit', on(0, 3600)],
    ['both at the limit', on(3600, 3600)],
    ['off with any valid range', { enabled: false, minDelaySeconds: 5, maxDelaySeconds: 6 }],
  ])('accepts %s', (_name, cadence) => {
    expect(parseReplyCadence(cadence)).toEqual(cadence);
  });

  it.each([
    [on(200, 120), 'minDelaySeconds', 'minDelaySeconds must be at most maxDelaySeconds (120)'],
    [on(121, 120), 'minDelaySeconds', 'minDelaySeconds must be at most maxDelaySeconds (120)'],
    [on(-1, 120), 'minDelaySeconds', 'minDelaySeconds must be at least 0'],
    [on(1.5, 120), 'minDelaySeconds', 'minDelaySeconds must be a whole number of seconds'],
    [on(Number.NaN, 120), 'minDelaySeconds', 'minDelaySeconds must be a whole number of seconds'],
    [{ enabled: true, minDelaySeconds: '30', maxDelaySeconds: 120 }, 'minDelaySeconds', 'minDelaySeconds must be a whole number of seconds'],
    [{ enabled: true, maxDelaySeconds: 120 }, 'minDelaySeconds', 'minDelaySeconds is required'],
    [on(30, 3601), 'maxDelaySeconds', 'maxDelaySeconds must be at most 3600'],
    [on(30, -5), 'maxDelaySeconds', 'maxDelaySeconds must be at least 0'],
    [on(30, 120.25), 'maxDelaySeconds', 'maxDelaySeconds must be a whole number of seconds'],
    [on(30, Number.POSITIVE_INFINITY), 'maxDelaySeconds', 'maxDelaySeconds must be a whole number of seconds'],
    [{ enabled: 'yes', minDelaySeconds: 30, maxDelaySeconds: 120 }, 'enabled', 'enabled must be true or false'],
  ])('rejects %j on %s: %s', (input, field, message) => {
    expect(problemOf(input)).toEqual({ field, message });
  });

  it('puts the field in the zod issue path, for forms that map issues themselves', () => {
    const result = ZReplyCadence.safeParse(on(200, 120));
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path)).toEqual([['minDelaySeconds']]);
  });
});

describe('drawDelaySeconds', () => {
  it.each([
    ['random 0 → min', on(30, 120), 0, 30],
    ['random 0.999999 → max', on(30, 120), 0.999999, 120],
    ['random 0.5 → middle of 91 values', on(30, 120), 0.5, 75],
    ['just below the first step', on(30, 120), 1 / 91 - 1e-9, 30],
    ['the first step', on(30, 120), 1 / 91, 31],
    ['min = max, random 0', on(45, 45), 0, 45],
    ['min = max, random 0.999999', on(45, 45), 0.999999, 45],
    ['min = 0, random 0', on(0, 10), 0, 0],
    ['min = 0, random 0.999999', on(0, 10), 0.999999, 10],
    ['both 0', on(0, 0), 0.999999, 0],
    ['widest range, top end', on(0, 3600), 0.9999999, 3600],
  ])('%s', (_name, cadence, sample, seconds) => {
    expect(drawDelaySeconds(cadence, fixed(sample))).toBe(seconds);
  });

  it('hits every whole second in [min, max] and nothing else', () => {
    const cadence = on(3, 7);
    const samples = Array.from({ length: 1000 }, (_, i) => i / 1000);
    const draws = new Set(samples.map((sample) => drawDelaySeconds(cadence, fixed(sample))));
    expect([...draws].sort((a, b) => a - b)).toEqual([3, 4, 5, 6, 7]);
  });

  it('is uniform: each of n values gets an equal share of [0, 1)', () => {
    const cadence = on(10, 13);
    const counts = new Map<number, number>();
    for (let i = 0; i < 400; i += 1) {
      const seconds = drawDelaySeconds(cadence, fixed(i / 400));
      counts.set(seconds, (counts.get(seconds) ?? 0) + 1);
    }
    expect(Object.fromEntries(counts)).toEqual({ 10: 100, 11: 100, 12: 100, 13: 100 });
  });

  it('draws afresh on every call', () => {
    const samples = [0, 0.999999, 0.5];
    const random = () => samples.shift()!;
    expect([1, 2, 3].map(() => drawDelaySeconds(on(30, 120), random))).toEqual([30, 120, 75]);
  });

  it.each([[1], [-0.1], [Number.NaN]])('refuses a random source that returns %s', (sample) => {
    expect(() => drawDelaySeconds(on(30, 120), fixed(sample))).toThrow(RangeError);
  });

  it('refuses an invalid cadence with the field error', () => {
    expect(() => drawDelaySeconds(on(200, 120), fixed(0))).toThrow(new DomainError('BAD_REQUEST', 'minDelaySeconds must be at most maxDelaySeconds (120)', 'minDelaySeconds'));
  });
});

describe('replyDueAt', () => {
  it.each([
    ['cadence off: send at once', { enabled: false, minDelaySeconds: 30, maxDelaySeconds: 120 }, 0.5, null],
    ['random 0 → now + min', on(30, 120), 0, '2025-03-09T08:00:00.000Z'],
    ['random 0.999999 → now + max', on(30, 120), 0.999999, '2025-03-09T08:01:30.000Z'],
    ['min = max', on(45, 45), 0.3, '2025-03-09T08:00:15.000Z'],
    ['0 s: still held, due now', on(0, 0), 0.7, '2025-03-09T07:59:30.000Z'],
  ])('%s', (_name, cadence, sample, dueAt) => {
    expect(replyDueAt(NOW, cadence, fixed(sample))?.toISOString() ?? null).toBe(dueAt);
  });

  it('does not touch the random source when cadence is off', () => {
    let calls = 0;
    replyDueAt(NOW, DEFAULT_REPLY_CADENCE, () => {
      calls += 1;
      return 0;
    });
    expect(calls).toBe(0);
  });
});
