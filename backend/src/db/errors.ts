// Recognising database errors the application handles (not bugs): unique-key violations.
import { QueryFailedError } from 'typeorm';

/** True for a duplicate key on MySQL/MariaDB or a UNIQUE/PRIMARY KEY constraint on SQLite. */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const code = (error.driverError as { code?: string } | undefined)?.code ?? '';
  return code === 'ER_DUP_ENTRY' || code.startsWith('SQLITE_CONSTRAINT_UNIQUE') || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
