import { describe, expect, it, vi } from 'vitest';
import { cleanupStack } from './cleanup.js';

describe('cleanupStack', () => {
  it('runs every step once, newest first, past a failing one', async () => {
    const order: string[] = [];
    const stderr = vi.spyOn(process.stderr, 'write').mockReturnValue(true);
    const stack = cleanupStack();
    stack.push('server', async () => void order.push('server'));
    stack.push('browser', async () => {
      order.push('browser');
      throw new Error('already gone');
    });
    await Promise.all([stack.runAll(), stack.runAll()]);
    await stack.runAll();
    expect(order).toEqual(['browser', 'server']);
    expect(stderr).toHaveBeenCalledWith('[bench:overlay] cleanup of browser failed: already gone\n');
    stderr.mockRestore();
  });
});
