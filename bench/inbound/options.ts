// The command line of `npm run bench:inbound`: one fixed rate (`--rate R`) or a search for the highest
// rate whose p99 stays under 200 ms (`--find-max`), and the traffic's shape.
import { parseArgs } from 'node:util';

export interface InboundOptions {
  seconds: number;
  /** Messages per second; null with --find-max. */
  rate: number | null;
  findMax: boolean;
  startRate: number;
  maxRate: number;
  backends: number;
  conversations: number;
  newShare: number;
  ruleShare: number;
  redeliveryShare: number;
}

function number(name: string, text: string, min: number, max: number, whole = false): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < min || value > max || (whole && !Number.isInteger(value))) {
    throw new Error(`--${name} must be ${whole ? 'a whole number' : 'a number'} from ${min} to ${max} (got ${text})`);
  }
  return value;
}

export function parseOptions(args: string[] = process.argv.slice(2)): InboundOptions {
  const { values } = parseArgs({
    args,
    options: {
      seconds: { type: 'string', default: '30' },
      rate: { type: 'string' },
      'find-max': { type: 'boolean', default: false },
      'start-rate': { type: 'string', default: '50' },
      'max-rate': { type: 'string', default: '2000' },
      backends: { type: 'string', default: '2' },
      conversations: { type: 'string', default: '2000' },
      'new-share': { type: 'string', default: '0.1' },
      'rule-share': { type: 'string', default: '0.05' },
      'redelivery-share': { type: 'string', default: '0.02' },
    },
  });
  if ((values.rate === undefined) === !values['find-max']) throw new Error('give exactly one of --rate R and --find-max');
  const options: InboundOptions = {
    seconds: number('seconds', values.seconds, 1, 600),
    rate: values.rate === undefined ? null : number('rate', values.rate, 1, 20_000),
    findMax: values['find-max'],
    startRate: number('start-rate', values['start-rate'], 1, 20_000),
    maxRate: number('max-rate', values['max-rate'], 1, 20_000),
    backends: number('backends', values.backends, 1, 8, true),
    conversations: number('conversations', values.conversations, 1, 100_000, true),
    newShare: number('new-share', values['new-share'], 0, 1),
    ruleShare: number('rule-share', values['rule-share'], 0, 1),
    redeliveryShare: number('redelivery-share', values['redelivery-share'], 0, 0.5),
  };
  if (options.startRate > options.maxRate) throw new Error('--start-rate must be at most --max-rate');
  return options;
}
