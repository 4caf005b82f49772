// Counts the SQL statements a piece of work sends through a data source (TypeORM reports every
// statement to its logger, whatever the logging option): proves a list is a few joined queries,
// not one query per row. Only meaningful while nothing else uses the data source.
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
