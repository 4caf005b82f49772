// The command line of `npm run bench:cadence`: how many conversations, the cadence delays, and the
// share of conversations whose takeover races the send.
import { parseArgs } from 'node:util';

export interface CadenceOptions {
  replies: number;
  minDelaySeconds: number;
  maxDelaySeconds: number;
  takeoverShare: number;
}

/** The racing takeover needs its reply drafted and read before the last second before it is due. */
const SHORTEST_DELAY_SECONDS = 2;

export function cadenceOptions(args: string[] = process.argv.slice(2)): CadenceOptions {
  const { values } = parseArgs({
    args,
    options: {
      replies: { type: 'string', default: '1000' },
      'min-delay-s': { type: 'string', default: '20' },
      'max-delay-s': { type: 'string', default: '60' },
      'takeover-share': { type: 'string', default: '0.05' },
    },
  });
  const replies = Number(values.replies);
  const minDelaySeconds = Number(values['min-delay-s']);
  const maxDelaySeconds = Number(values['max-delay-s']);
  const takeoverShare = Number(values['takeover-share']);
  if (!Number.isInteger(replies) || replies < 1 || replies > 100_000) throw new Error('--replies must be a whole number from 1 to 100000');
  if (!Number.isInteger(minDelaySeconds) || minDelaySeconds < SHORTEST_DELAY_SECONDS) throw new Error(`--min-delay-s must be a whole number of seconds, at least ${SHORTEST_DELAY_SECONDS}`);
  if (!Number.isInteger(maxDelaySeconds) || maxDelaySeconds < minDelaySeconds) throw new Error('--max-delay-s must be a whole number of seconds, at least --min-delay-s');
  if (!Number.isFinite(takeoverShare) || takeoverShare < 0 || takeoverShare > 1) throw new Error('--takeover-share must be a number from 0 to 1');
  return { replies, minDelaySeconds, maxDelaySeconds, takeoverShare };
}
