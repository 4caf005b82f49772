import { describe, expect, it } from 'vitest';
import { parseOverlayBenchOptions } from './options.js';

describe('parseOverlayBenchOptions', () => {
  it('has defaults for a ~1 minute run', () => {
    expect(parseOverlayBenchOptions([], '/ext')).toEqual({ seconds: 10, loads: 5, messages: 5000, extensionDir: '/ext', profile: null, build: false, unminified: false });
  });

  it('names the bad flag', () => {
    expect(() => parseOverlayBenchOptions(['--seconds', '0'], '/ext')).toThrow('--seconds must be a whole number from 2 to 60');
    expect(() => parseOverlayBenchOptions(['--loads', 'x'], '/ext')).toThrow('--loads');
    expect(() => parseOverlayBenchOptions(['--unminified'], '/ext')).toThrow('--unminified needs --build');
  });
});
