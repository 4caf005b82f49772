// bench:api's command line: which mode (open loop at a rate, --find-max, or --clients closed loops),
// against what (the backend, or with --floor only the no-op server), and the pool's size.
import { parseArgs } from 'node:util';

export type Mode = { kind: 'rate'; rate: number } | { kind: 'find-max' } | { kind: 'closed-loop'; clients: number };

export interface BenchOptions {
  mode: Mode;
  /** Length of one measured run (or of each --find-max step). */
  seconds: number;
  conversations: number;
  agents: number;
  backends: number;
  /** Measure the no-op server's floor in the same run (open-loop modes only). */
  measureFloor: boolean;
  /** --floor: only the no-op server, no backend (the mode as given). */
  floorOnly: boolean;
}

/** Without --rate, --find-max or --clients: one open-loop run at the target rate. */
const DEFAULT_RATE = 500;

const whole = (name: string, value: string, min: number, max: number) => {
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) throw new Error(`--${name} must be a whole number from ${min} to ${max}`);
  return number;
};

export function parseOptions(args = process.argv.slice(2)): BenchOptions {
  const { values } = parseArgs({
    args,
    options: {
      seconds: { type: 'string', default: '20' },
      rate: { type: 'string' },
      'find-max': { type: 'boolean', default: false },
      clients: { type: 'string' },
      conversations: { type: 'string', default: '500' },
      agents: { type: 'string', default: '4' },
      backends: { type: 'string', default: '1' },
      'no-floor': { type: 'boolean', default: false },
      floor: { type: 'boolean', default: false },
    },
  });
  const chosen = [values.rate !== undefined, values['find-max'], values.clients !== undefined].filter(Boolean).length;
  if (chosen > 1) throw new Error('choose one of --rate R, --find-max and --clients N');
  const mode: Mode = values['find-max']
    ? { kind: 'find-max' }
    : values.clients !== undefined
      ? { kind: 'closed-loop', clients: whole('clients', values.clients, 1, 500) }
      : { kind: 'rate', rate: values.rate === undefined ? DEFAULT_RATE : whole('rate', values.rate, 1, 20_000) };
  const conversations = whole('conversations', values.conversations, 1, 100_000);
  if (mode.kind === 'closed-loop' && mode.clients > conversations) throw new Error('--clients must not exceed --conversations (each client works on its own conversation)');
  return {
    mode,
    seconds: whole('seconds', values.seconds, 1, 600),
    conversations,
    agents: whole('agents', values.agents, 1, 100),
    backends: whole('backends', values.backends, 1, 8),
    measureFloor: !values['no-floor'] && !values.floor && mode.kind !== 'closed-loop',
    floorOnly: values.floor,
  };
}
