// Recognising database errors the application handles (not bugs): unique-key violations, an unreachable server.
import { QueryFailedError } from 'typeorm';

/** True for a duplicate key on MySQL/MariaDB or a UNIQUE/PRIMARY KEY constraint on SQLite. */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const code = (error.driverError as { code?: string } | undefined)?.code ?? '';
  return code === 'ER_DUP_ENTRY' || code.startsWith('SQLITE_CONSTRAINT_UNIQUE') || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** mysql2 codes of a server that is going away on purpose (shutdown, connection killed): it answers again soon. */
const SERVER_GOING_AWAY = new Set(['ER_SERVER_SHUTDOWN', 'ER_CONNECTION_KILLED']);

/**
 * True when the database could not be reached, as opposed to answering with an error: a refused,
 * reset or lost connection, a pool connection found closed (mysql2 marks these `fatal`, with a
 * network or PROTOCOL_ code), or the server shutting down. Looks through TypeORM's `driverError`.
 * A constraint, deadlock or access denied is an answer, so false.
 */
export function isDatabaseUnreachable(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const driver = ((error as { driverError?: unknown }).driverError ?? error) as { fatal?: unknown; code?: unknown };
  const code = typeof driver.code === 'string' ? driver.code : '';
  return SERVER_GOING_AWAY.has(code) || (driver.fatal === true && !code.startsWith('ER_'));
}
