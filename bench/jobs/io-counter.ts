// Counts what a worker process sends to MariaDB and Redis, by kind (e.g. "UPDATE jobs", "COMMIT",
// "EVALSHA"), so the benchmark can print statements per job: where an engine's claim path spends
// round trips. Counted in the client, so other databases' traffic on the same server does not show.
import mysql from 'mysql2';
import { Redis } from 'ioredis';

export type IoCounts = Record<string, number>;

/** A statement's kind is read from its first this many characters. */
const KIND_WINDOW = 400;

/** "SELECT … FROM jobs …" → "SELECT jobs"; "START TRANSACTION" → "START TRANSACTION"; "COMMIT" → "COMMIT". */
export function statementKind(sql: string): string {
  const text = sql.slice(0, KIND_WINDOW).trimStart().replace(/\s+/g, ' ');
  const verb = (text.match(/^[A-Za-z]+/)?.[0] ?? '?').toUpperCase();
  if (verb === 'START' || verb === 'SET') return text.split(' ').slice(0, 2).join(' ').toUpperCase();
  const table = text.match(/\b(?:FROM|UPDATE|INTO)\s+`?(\w+)`?/i)?.[1];
  return table ? `${verb} ${table}` : verb;
}

/** Patches mysql2's and ioredis's clients in this process (TypeORM and BullMQ use them too). */
export function countIo(): { read(): IoCounts; reset(): void } {
  let counts: IoCounts = {};
  const add = (kind: string) => (counts[kind] = (counts[kind] ?? 0) + 1);
  // Kinds by the characters a kind is read from: the classification then costs a lookup, not a regex.
  const kinds = new Map<string, string>();
  const kindOf = (sql: string) => {
    const key = sql.slice(0, KIND_WINDOW);
    let kind = kinds.get(key);
    if (kind === undefined) {
      kind = `sql ${statementKind(sql)}`;
      if (kinds.size < 10_000) kinds.set(key, kind);
    }
    return kind;
  };

  const connection = mysql.Connection.prototype as unknown as Record<'query' | 'execute', (sql: unknown, ...rest: unknown[]) => unknown>;
  for (const method of ['query', 'execute'] as const) {
    const original = connection[method];
    connection[method] = function (this: unknown, sql: unknown, ...rest: unknown[]) {
      const text = typeof sql === 'string' ? sql : (sql as { sql?: unknown } | null)?.sql;
      add(typeof text === 'string' ? kindOf(text) : 'sql ?');
      return original.call(this, sql, ...rest);
    };
  }

  const redis = Redis.prototype as unknown as { sendCommand(command: { name: string }, ...rest: unknown[]): unknown };
  const sendCommand = redis.sendCommand;
  redis.sendCommand = function (this: unknown, command: { name: string }, ...rest: unknown[]) {
    add(`redis ${command.name.toUpperCase()}`);
    return sendCommand.call(this, command, ...rest);
  };

  return { read: () => ({ ...counts }), reset: () => void (counts = {}) };
}
