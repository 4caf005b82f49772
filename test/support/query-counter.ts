// Counts the SQL statements a piece of work sends through a data source (TypeORM reports every
// statement to its logger, whatever the logging option): proves a list is a few joined queries,
// not one query per row. Another user of the data source (the in-process job engine) adds to a
// recording: compare the fewest of a few runs (fewestQueries).
import type { DataSource, Logger } from 'typeorm';

/**
 * Runs `work` and answers the statements it sent, in order.
 * @example const { queries } = await recordQueries(backend.server.db, () => client.conversations.list.query({}))
 */
export async function recordQueries<T>(db: DataSource, work: () => Promise<T>): Promise<{ result: T; queries: string[] }> {
  const original = db.logger;
  const queries: string[] = [];
  const recording: Logger = Object.assign(Object.create(original) as Logger, {
    logQuery(query: string, parameters?: unknown[], queryRunner?: unknown) {
      queries.push(query);
      return original.logQuery(query, parameters, queryRunner as never);
    },
  });
  (db as { logger: Logger }).logger = recording;
  try {
    return { result: await work(), queries };
  } finally {
    (db as { logger: Logger }).logger = original;
  }
}

/** The job engine's own traffic: its claim polls on `jobs` and the transactions around them. */
const JOB_ENGINE_STATEMENT = /^(SET TRANSACTION|START TRANSACTION|COMMIT|ROLLBACK)\b|\bFROM jobs\b|\bUPDATE jobs\b/i;

/**
 * The statements `work` sent, without the in-process job engine's polls (which share the data source),
 * the fewest over `runs` runs (a poll that slips through adds to one run, never removes the request's).
 * A query per row still shows: it adds hundreds every run.
 * @example const fewest = await fewestQueries(backend.server.db, () => client.conversations.list.query({}))
 */
export async function fewestQueries<T>(db: DataSource, work: () => Promise<T>, runs = 3): Promise<{ result: T; queries: string[] }> {
  let best: { result: T; queries: string[] } | null = null;
  for (let run = 0; run < runs; run++) {
    const recorded = await recordQueries(db, work);
    const queries = recorded.queries.filter((query) => !JOB_ENGINE_STATEMENT.test(query.trim()));
    if (!best || queries.length < best.queries.length) best = { result: recorded.result, queries };
  }
  return best!;
}
