// Command-line options of `npm run bench:overlay`, validated.
import { parseArgs } from 'node:util';

export interface OverlayBenchOptions {
  /** Seconds of churn sampled per browser (with and without the extension). */
  seconds: number;
  /** Page loads measured for mountMs. */
  loads: number;
  /** Messages the host page renders. */
  messages: number;
  /** Unpacked Chrome MV3 build to load. */
  extensionDir: string;
  /** Write a CPU profile of one churn slice with the extension here (and print its hot functions). */
  profile: string | null;
  /** Build the working tree's extension into a temp folder first (instead of using `extensionDir`). */
  build: boolean;
  /** With `build`: no minification (readable names in profiles; not the shipped build). */
  unminified: boolean;
}

export const USAGE = 'npm run bench:overlay -- [--seconds 10] [--loads 5] [--messages 5000] [--extension dist/extension/chrome-mv3 | --build [--unminified]] [--profile out.cpuprofile]';

function wholeNumber(text: string, name: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`--${name} must be a whole number from ${min} to ${max}\nusage: ${USAGE}`);
  return value;
}

/** Parses `argv` (without node and the script). */
export function parseOverlayBenchOptions(argv: string[], defaultExtensionDir: string): OverlayBenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      seconds: { type: 'string', default: '10' },
      loads: { type: 'string', default: '5' },
      messages: { type: 'string', default: '5000' },
      extension: { type: 'string', default: defaultExtensionDir },
      profile: { type: 'string' },
      build: { type: 'boolean', default: false },
      unminified: { type: 'boolean', default: false },
    },
  });
  if (values.unminified && !values.build) throw new Error(`--unminified needs --build\nusage: ${USAGE}`);
  return {
    seconds: wholeNumber(values.seconds, 'seconds', 2, 60),
    loads: wholeNumber(values.loads, 'loads', 1, 20),
    messages: wholeNumber(values.messages, 'messages', 1, 50_000),
    extensionDir: values.extension,
    profile: values.profile ?? null,
    build: values.build,
    unminified: values.unminified,
  };
}
