// `node --import tsx bench/support/profile-top.ts [--top 25] [--window-us FROM,TO] [--callers NAME [--depth 8]] FILE.cpuprofile...`:
// the functions with the most self time in V8 CPU profiles (BENCH_CPU_PROF=1 writes them to tmp/prof),
// summed over the files given, and the same by module (package or source file). --window-us keeps only
// the samples inside a window on the monotonic clock (µs, as process.hrtime and V8's profiler share
// it): a bench prints its measured part as `measuredWindowUs`, so set-up work stays out. --callers NAME
// adds the call paths (--depth frames up) that spend the self time of the functions so named (synchronous
// stacks only: what an await resumed is not on them).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';

interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame; children?: number[] }[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

/** Not code: the profiler's idle and bookkeeping entries, left out of the total. */
const NOT_CODE = new Set(['(idle)', '(root)']);

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Where a function lives, short: a package name, a repository path, or node's own module. */
function moduleOf(url: string): string {
  if (!url) return '(native)';
  const file = url.replace(/^file:\/\//, '');
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (inPackage) return inPackage[1]!;
  return file.startsWith(ROOT) ? path.relative(ROOT, file) : file;
}

const nameOf = (frame: CallFrame) => `${frame.functionName || '(anonymous)'}  ${moduleOf(frame.url)}${frame.lineNumber >= 0 ? `:${frame.lineNumber + 1}` : ''}`;

interface Tally {
  byFunction: Map<string, number>;
  byModule: Map<string, number>;
  /** Call paths into the --callers function (outermost first). */
  byCallPath: Map<string, number>;
}

const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);

/** Self time (µs) per function, per module and (for --callers) per call path, over the samples inside the window. */
function tally(profile: CpuProfile, window: [number, number] | null, callers: { name: string; depth: number } | null, into: Tally): void {
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const parents = new Map(profile.nodes.flatMap((node) => (node.children ?? []).map((child) => [child, node.id] as const)));
  const callPath = (id: number) => {
    const chain: string[] = [];
    for (let parent = parents.get(id); parent !== undefined && chain.length < (callers?.depth ?? 0); parent = parents.get(parent)) chain.unshift(nameOf(frames.get(parent)!));
    return chain.join('\n                  -> ');
  };
  let at = profile.startTime;
  const times = profile.timeDeltas.map((delta) => (at += delta));
  for (let index = 0; index < profile.samples.length - 1; index++) {
    if (window && (times[index]! < window[0] || times[index]! > window[1])) continue;
    const frame = frames.get(profile.samples[index]!)!;
    if (NOT_CODE.has(frame.functionName)) continue;
    const duration = times[index + 1]! - times[index]!;
    add(into.byFunction, nameOf(frame), duration);
    add(into.byModule, moduleOf(frame.url), duration);
    if (callers && frame.functionName === callers.name) add(into.byCallPath, callPath(profile.samples[index]!), duration);
  }
}

function table(title: string, entries: Map<string, number>, total: number, top: number): string {
  const rows = [...entries].sort((a, b) => b[1] - a[1]).slice(0, top);
  return [`${title} (self time; total ${(total / 1000).toFixed(0)} ms)`, ...rows.map(([name, us]) => `${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${name}`)].join('\n');
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' }, 'window-us': { type: 'string' }, callers: { type: 'string' }, depth: { type: 'string', default: '8' } } });
  if (positionals.length === 0) throw new Error('usage: profile-top.ts [--top N] [--window-us FROM,TO] [--callers NAME [--depth N]] FILE.cpuprofile...');
  const window = values['window-us'] ? (values['window-us'].split(',').map(Number) as [number, number]) : null;
  const tallied: Tally = { byFunction: new Map(), byModule: new Map(), byCallPath: new Map() };
  for (const file of positionals) tally(JSON.parse(await readFile(file, 'utf8')) as CpuProfile, window, values.callers ? { name: values.callers, depth: Number(values.depth) } : null, tallied);
  const total = [...tallied.byModule.values()].reduce((sum, us) => sum + us, 0);
  if (total === 0) throw new Error('no samples (inside the window)');
  const top = Number(values.top);
  const sections = [table('functions', tallied.byFunction, total, top), table('modules', tallied.byModule, total, top)];
  if (values.callers) sections.push(table(`call paths into ${values.callers}`, tallied.byCallPath, total, top));
  console.log(sections.join('\n\n'));
}

void main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
