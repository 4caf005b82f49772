// Database errors the application tells apart: an unreachable server (503, retry) versus an answer.
import { QueryFailedError } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { isDatabaseUnreachable, isUniqueViolation } from './errors.js';

/** A mysql2 error as its pool and connections raise them. */
const mysql2Error = (code: string, fatal: boolean, message = code) => Object.assign(new Error(message), { code, fatal });
const failedQuery = (driverError: Error) => new QueryFailedError('SELECT 1', [], driverError);

describe('isDatabaseUnreachable', () => {
  it.each([
    ['connection refused (server down), from the pool', mysql2Error('ECONNREFUSED', true), true],
    ['connection lost mid-query, inside a QueryFailedError', failedQuery(mysql2Error('PROTOCOL_CONNECTION_LOST', true)), true],
    ['a closed pool connection reused', failedQuery(Object.assign(new Error("Can't add new command when connection is in closed state"), { fatal: true })), true],
    ['connection reset', mysql2Error('ECONNRESET', true), true],
    ['server shutting down', failedQuery(mysql2Error('ER_SERVER_SHUTDOWN', false)), true],
    ['connection killed', failedQuery(mysql2Error('ER_CONNECTION_KILLED', false)), true],
    ['a duplicate key (the server answered)', failedQuery(mysql2Error('ER_DUP_ENTRY', false)), false],
    ['a deadlock', failedQuery(mysql2Error('ER_LOCK_DEADLOCK', false)), false],
    ['access denied, fatal at connect', mysql2Error('ER_ACCESS_DENIED_ERROR', true), false],
    ['a bug of ours', new TypeError('x is undefined'), false],
    ['not an error', 'ECONNREFUSED', false],
  ])('%s → %s', (_name, error, unreachable) => {
    expect(isDatabaseUnreachable(error)).toBe(unreachable);
  });
});

describe('isUniqueViolation', () => {
  it.each([
    [failedQuery(mysql2Error('ER_DUP_ENTRY', false)), true],
    [failedQuery(mysql2Error('SQLITE_CONSTRAINT_UNIQUE', false)), true],
    [failedQuery(mysql2Error('ECONNREFUSED', true)), false],
  ])('%#', (error, unique) => {
    expect(isUniqueViolation(error)).toBe(unique);
  });
});
