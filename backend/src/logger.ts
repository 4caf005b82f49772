// Structured JSON logs (pino): one logger per process, children per component.
import pino, { type Logger } from 'pino';
import { redactCredentials } from './log-redaction.js';

export type { Logger };

/** Creates the process logger; `destination` lets tests capture lines. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'baton', pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Credentials at any depth (log-redaction.ts): pino's own `redact` paths cost ~100 µs a line once wildcarded that deep.
      formatters: { log: redactCredentials },
    },
    // Synchronous writes: a line logged just before process.exit is never lost.
    destination ?? pino.destination({ fd: 1, sync: true }),
  );
}
