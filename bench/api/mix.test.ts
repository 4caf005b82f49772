// The arrival scheme keeps each conversation's takeover → get → release in order and spaced apart.
import { describe, expect, it } from 'vitest';
import { blockWidth, createMix, type Operation } from './mix';

describe('createMix', () => {
  it.each([
    { rate: 100, pool: 500 },
    { rate: 3000, pool: 500 },
    { rate: 1, pool: 7 },
    { rate: 450, pool: 37 },
  ])('at $rate/s over $pool conversations: each conversation cycles takeover → get → release, W arrivals apart', ({ rate, pool }) => {
    const width = blockWidth(rate, pool);
    const arrivalAt = createMix(pool, rate, 5);
    const seen = new Map<number, { operation: Operation; index: number }[]>();
    for (let index = 0; index < 3 * width * 10; index++) {
      const { conversation, operation } = arrivalAt(index);
      const history = seen.get(conversation) ?? [];
      history.push({ operation, index });
      seen.set(conversation, history);
    }
    for (const history of seen.values()) {
      history.forEach((entry, position) => {
        expect(entry.operation).toBe((['takeOver', 'get', 'release'] as const)[position % 3]);
        if (position % 3 !== 0) expect(entry.index - history[position - 1]!.index).toBe(width);
      });
    }
  });

  it('spaces a conversation\'s operations about 0.2 s apart, capped by the pool', () => {
    expect(blockWidth(100, 500)).toBe(20);
    expect(blockWidth(3000, 500)).toBe(500);
    expect(blockWidth(2, 500)).toBe(1);
  });
});
