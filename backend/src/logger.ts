// Structured JSON logs (pino): one logger per process, children per component.
import pino, { type Logger } from 'pino';

export type { Logger };

/** Creates the process logger; `destination` lets tests capture lines. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'baton', pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: ['req.headers.authorization', 'headers.authorization', '*.apiKey', '*.secret'], censor: '[redacted]' },
    },
    // Synchronous writes: a line logged just before process.exit is never lost.
    destination ?? pino.destination({ fd: 1, sync: true }),
  );
}
