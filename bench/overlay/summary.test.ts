import { describe, expect, it } from 'vitest';
import type { Protocol } from 'puppeteer-core';
import type { ChurnSample } from './churn.js';
import { churnTotals, median, summarizeProfile, targetsMet } from './summary.js';

const slice = (seconds: number, scriptCpuMs: number, extra: Partial<ChurnSample> = {}): ChurnSample => ({
  seconds,
  appended: seconds * 10,
  scriptMs: 0,
  taskMs: 0,
  layoutMs: 0,
  styleMs: 0,
  scriptCpuMs,
  scriptWallMs: 0,
  taskCpuMs: 0,
  extensionScriptCpuMs: 0,
  ...extra,
});

describe('median', () => {
  it('takes the middle value, or the mean of the middle two', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
  it('refuses an empty list', () => {
    expect(() => median([])).toThrow('median of nothing');
  });
});

describe('churnTotals', () => {
  it('is the median of the per-slice rates, so one outlier slice does not decide it', () => {
    const totals = churnTotals([slice(2, 10), slice(2, 12), slice(2, 200)]);
    expect(totals.scriptCpuMsPerSec).toBe(6);
    expect(totals.seconds).toBe(6);
    expect(totals.appended).toBe(60);
  });
});

describe('targetsMet', () => {
  it('compares each figure with its target, inclusive', () => {
    expect(targetsMet({ mountMs: 100, cpuMsPerSec: 5.1, heapMb: 2 })).toEqual({ mountMs: true, cpuMsPerSec: false, heapMb: true });
  });
});

describe('summarizeProfile', () => {
  const frame = (functionName: string, url: string) => ({ functionName, url, scriptId: '1', lineNumber: 0, columnNumber: 4 });
  // root → page tick → extension check → querySelector (native, no URL)
  const profile: Protocol.Profiler.Profile = {
    nodes: [
      { id: 1, callFrame: frame('(root)', ''), children: [2, 5, 6] },
      { id: 2, callFrame: frame('tick', 'http://127.0.0.1:1/assets/bench-thread.js'), children: [3] },
      { id: 3, callFrame: frame('check', 'chrome-extension://abc/content-scripts/helpdesk.js'), children: [4] },
      { id: 4, callFrame: frame('querySelector', '') },
      { id: 5, callFrame: frame('(idle)', '') },
      { id: 6, callFrame: frame('(garbage collector)', '') },
    ],
    startTime: 0,
    endTime: 6000,
    samples: [2, 3, 4, 4, 5, 6],
    timeDeltas: [0, 1000, 1000, 1000, 1000, 1000],
  };

  it('gives a native call to the script that made it and leaves idle time out', () => {
    const summary = summarizeProfile(profile);
    expect(summary.extensionMs).toBe(3);
    expect(summary.pageMs).toBe(1);
    expect(summary.gcMs).toBe(0);
    expect(summary.profiledMs).toBe(4);
    expect(summary.top).toEqual([{ ms: 3, function: 'check', at: '/content-scripts/helpdesk.js:1:5' }]);
  });
});
