// Pure arithmetic of the overlay benchmark: medians, churn totals, targets met, and a CPU profile's hot extension functions.
import type { Protocol } from 'puppeteer-core';
import type { ChurnSample } from './churn.js';

/** Issue 9's performance targets. */
export const TARGETS = { mountMs: 100, cpuMsPerSec: 5, heapMb: 15 } as const;

export const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Median of a non-empty list (mean of the middle two for an even count). */
export function median(values: number[]): number {
  if (values.length === 0) throw new Error('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export interface ChurnTotals {
  seconds: number;
  appended: number;
  /** Main-thread script, thread CPU (trace). */
  scriptCpuMsPerSec: number;
  taskCpuMsPerSec: number;
  extensionScriptCpuMsPerSec: number;
  /** Wall-clock (CDP Performance.getMetrics). */
  scriptMsPerSec: number;
  taskMsPerSec: number;
  layoutMsPerSec: number;
  styleMsPerSec: number;
}

/**
 * Per-second rates over the slices: the MEDIAN of the slices' rates, so one slice hit by a page-wide GC
 * or a burst from another process does not decide the figure; `seconds` and `appended` are totals.
 */
export function churnTotals(samples: ChurnSample[]): ChurnTotals {
  const sum = (pick: (sample: ChurnSample) => number) => samples.reduce((total, sample) => total + pick(sample), 0);
  const seconds = sum((sample) => sample.seconds);
  const perSec = (pick: (sample: ChurnSample) => number) => median(samples.map((sample) => (sample.seconds > 0 ? pick(sample) / sample.seconds : 0)));
  return {
    seconds,
    appended: sum((sample) => sample.appended),
    scriptCpuMsPerSec: perSec((sample) => sample.scriptCpuMs),
    taskCpuMsPerSec: perSec((sample) => sample.taskCpuMs),
    extensionScriptCpuMsPerSec: perSec((sample) => sample.extensionScriptCpuMs),
    scriptMsPerSec: perSec((sample) => sample.scriptMs),
    taskMsPerSec: perSec((sample) => sample.taskMs),
    layoutMsPerSec: perSec((sample) => sample.layoutMs),
    styleMsPerSec: perSec((sample) => sample.styleMs),
  };
}

/** `{ mountMs: true, … }`: each figure at or under its target. */
export function targetsMet(figures: { mountMs: number; cpuMsPerSec: number; heapMb: number }) {
  return {
    mountMs: figures.mountMs <= TARGETS.mountMs,
    cpuMsPerSec: figures.cpuMsPerSec <= TARGETS.cpuMsPerSec,
    heapMb: figures.heapMb <= TARGETS.heapMb,
  };
}

export interface HotFunction {
  ms: number;
  function: string;
  /** `file:line:column` (1-based), the URL's path only. */
  at: string;
}

export interface ProfileSummary {
  profiledMs: number;
  /** Samples whose nearest JS frame with a URL is the extension's (builtins it calls included). */
  extensionMs: number;
  pageMs: number;
  gcMs: number;
  /** The extension's functions by time owned (self + builtins/DOM calls made directly from it), highest first. */
  top: HotFunction[];
}

const isExtensionUrl = (url: string) => url.startsWith('chrome-extension://');

/**
 * Attributes each sample to the nearest frame (itself or an ancestor) that has a URL, so the time of a
 * native call (querySelectorAll, MutationObserver delivery…) counts for the script that made it.
 */
export function summarizeProfile(profile: Protocol.Profiler.Profile, topCount = 15): ProfileSummary {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const owner = new Map<number, Protocol.Profiler.ProfileNode | null>();
  const ownerOf = (id: number): Protocol.Profiler.ProfileNode | null => {
    if (owner.has(id)) return owner.get(id)!;
    const node = nodes.get(id)!;
    const parentId = parent.get(id);
    const found = node.callFrame.url ? node : parentId === undefined ? null : ownerOf(parentId);
    owner.set(id, found);
    return found;
  };
  const byFunction = new Map<string, HotFunction>();
  let extensionMs = 0;
  let pageMs = 0;
  let gcMs = 0;
  let profiledMs = 0;
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let index = 0; index < samples.length; index++) {
    // timeDeltas[i] is the time before sample i; the sample's own duration is the next delta.
    const ms = (deltas[index + 1] ?? 0) / 1000;
    const node = nodes.get(samples[index]!)!;
    if (node.callFrame.functionName === '(idle)') continue;
    profiledMs += ms;
    if (node.callFrame.functionName === '(garbage collector)') gcMs += ms;
    const frame = ownerOf(node.id);
    if (!frame) continue;
    if (!isExtensionUrl(frame.callFrame.url)) {
      pageMs += ms;
      continue;
    }
    extensionMs += ms;
    const { functionName, url, lineNumber, columnNumber } = frame.callFrame;
    const at = `${new URL(url).pathname}:${lineNumber + 1}:${columnNumber + 1}`;
    const key = `${functionName} ${at}`;
    const entry = byFunction.get(key) ?? { ms: 0, function: functionName || '(anonymous)', at };
    entry.ms += ms;
    byFunction.set(key, entry);
  }
  const top = [...byFunction.values()]
    .sort((a, b) => b.ms - a.ms)
    .slice(0, topCount)
    .map((entry) => ({ ...entry, ms: round(entry.ms, 2) }));
  return { profiledMs: round(profiledMs), extensionMs: round(extensionMs, 2), pageMs: round(pageMs, 2), gcMs: round(gcMs, 2), top };
}
