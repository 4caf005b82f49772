// Agenda creates a `debug` logger on nearly every internal call (`log.extend(...)`), and each one asks
// `tty.isatty(stderr)` whether to colour its output — a system call per job step that cost a busy
// worker more CPU than its claims (issue 13 profile: node:tty 328 ms + debug 200 ms per 10,000 jobs).
// Deciding the colours once, here, removes those calls; DEBUG output, when enabled, is unchanged but plain.
import { createRequire } from 'node:module';

/** The `debug` module Agenda uses (one copy, hoisted; pinned in package.json). Untyped: no @types for it here. */
const createDebug = createRequire(import.meta.url)('debug') as { inspectOpts?: Record<string, unknown> };

/** Colours only if the operator asked for them (DEBUG_COLORS), never by probing the terminal per call. */
export function decideDebugColoursOnce(): void {
  const options = createDebug.inspectOpts;
  if (options && !('colors' in options)) options.colors = false;
}
