// Command-line parsing and validation for the job benchmark (errors name the offending flag).
import { engineNames } from './engine';
import { DEFAULT_SETTINGS } from './settings';

export interface BenchArgs {
  pending: number;
  workers: number;
  spreadS: number;
  killOne: boolean;
  engines: string[]; // run in this order; Baton last by default
  leadMs: number; // time from the end of worker start-up to the first due time (T0)
  lockMs: number; // every engine's lock lifetime
}

export const USAGE = `usage: npm run bench:jobs -- --pending N [--workers W=2] [--spread-s S=0] [--kill-one]
                          [--compare bullmq | --engines a,b] [--lead-ms L] [--lock-ms M=${DEFAULT_SETTINGS.lockMs}]`;

export class ArgError extends Error {}

export function parseArgs(argv: string[]): BenchArgs {
  const raw = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new ArgError(`unexpected argument "${arg}"`);
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (raw.has(flag)) throw new ArgError(`${flag} given twice`);
    if (flag === '--kill-one' || flag === '--help') {
      if (eq > 0) throw new ArgError(`${flag} takes no value`);
      raw.set(flag, true);
    } else if (eq > 0) {
      raw.set(flag, arg.slice(eq + 1));
    } else {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new ArgError(`${flag} needs a value`);
      raw.set(flag, value);
      i++;
    }
  }
  if (raw.has('--help')) throw new ArgError('help');
  const known = ['--pending', '--workers', '--spread-s', '--kill-one', '--compare', '--engines', '--lead-ms', '--lock-ms'];
  for (const flag of raw.keys()) if (!known.includes(flag)) throw new ArgError(`unknown flag ${flag}`);

  const num = (flag: string, fallback: number | undefined, opts: { int?: boolean; min: number; max: number }) => {
    const v = raw.get(flag);
    if (v === undefined) {
      if (fallback === undefined) throw new ArgError(`${flag} is required`);
      return fallback;
    }
    const n = Number(v);
    if (typeof v !== 'string' || v.trim() === '' || !Number.isFinite(n) || (opts.int && !Number.isInteger(n)))
      throw new ArgError(`${flag} must be ${opts.int ? 'an integer' : 'a number'}, got "${String(v)}"`);
    if (n < opts.min || n > opts.max) throw new ArgError(`${flag} must be between ${opts.min} and ${opts.max}, got ${n}`);
    return n;
  };

  const pending = num('--pending', undefined, { int: true, min: 1, max: 1_000_000 });
  const workers = num('--workers', 2, { int: true, min: 1, max: 64 });
  const spreadS = num('--spread-s', 0, { min: 0, max: 3_600 });
  const leadMs = num('--lead-ms', Math.round(2_000 + pending * 0.3), { int: true, min: 0, max: 600_000 });
  const lockMs = num('--lock-ms', DEFAULT_SETTINGS.lockMs, { int: true, min: 1_000, max: 600_000 });
  const killOne = raw.has('--kill-one');
  if (killOne && workers < 2) throw new ArgError('--kill-one needs --workers 2 or more (the survivors must finish the work)');

  const compare = raw.get('--compare');
  const list = raw.get('--engines');
  if (compare !== undefined && list !== undefined) throw new ArgError('use either --compare or --engines, not both');
  let engines = ['baton'];
  if (typeof compare === 'string') {
    if (compare === 'baton' || !engineNames.includes(compare))
      throw new ArgError(`--compare must name another engine (${engineNames.filter((e) => e !== 'baton').join(', ')}), got "${compare}"`);
    engines = [compare, 'baton'];
  }
  if (typeof list === 'string') {
    engines = list.split(',').map((e) => e.trim()).filter(Boolean);
    const bad = engines.find((e) => !engineNames.includes(e));
    if (engines.length === 0 || bad !== undefined)
      throw new ArgError(`--engines must be a comma-separated list of ${engineNames.join(', ')}, got "${list}"`);
    if (new Set(engines).size !== engines.length) throw new ArgError(`--engines lists an engine twice: "${list}"`);
  }
  return { pending, workers, spreadS, killOne, engines, leadMs, lockMs };
}
