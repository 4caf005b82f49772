// Builds TypeORM Table definitions that create the same schema on MariaDB/MySQL and SQLite.
import { Table, TableIndex, type QueryRunner, type TableColumnOptions } from 'typeorm';

type ColumnKind = 'uuid' | 'text' | 'longtext' | 'instant' | 'int' | 'double' | 'boolean' | 'json';

export interface PortableColumn {
  name: string;
  kind: ColumnKind;
  /** varchar length for `text`. */
  length?: number;
  nullable?: boolean;
  primary?: boolean;
}

const isSqlite = (queryRunner: QueryRunner) => queryRunner.connection.options.type === 'better-sqlite3';

function toTableColumn(column: PortableColumn): TableColumnOptions {
  const base = { name: column.name, isNullable: column.nullable ?? false, isPrimary: column.primary ?? false };
  switch (column.kind) {
    case 'uuid':
      return { ...base, type: 'varchar', length: '36' };
    case 'text':
      return { ...base, type: 'varchar', length: String(column.length ?? 255) };
    case 'longtext':
      return { ...base, type: 'text' };
    case 'json':
      return { ...base, type: 'text' };
    case 'instant':
      return { ...base, type: 'datetime', precision: 3 };
    case 'int':
      return { ...base, type: 'int' };
    case 'double':
      return { ...base, type: 'double' };
    case 'boolean':
      return { ...base, type: 'boolean' };
  }
}

/** An auto-increment 64-bit id (SQLite only allows AUTOINCREMENT on INTEGER PRIMARY KEY). */
export function autoIncrementId(queryRunner: QueryRunner): TableColumnOptions {
  return {
    name: 'id',
    type: isSqlite(queryRunner) ? 'integer' : 'bigint',
    isPrimary: true,
    isGenerated: true,
    generationStrategy: 'increment',
  };
}

export interface PortableIndex {
  columns: string[];
  unique?: boolean;
}

/** Creates a table with its indexes; index names are derived so both dialects agree. */
export async function createPortableTable(
  queryRunner: QueryRunner,
  name: string,
  columns: (PortableColumn | TableColumnOptions)[],
  indexes: PortableIndex[] = [],
): Promise<void> {
  const tableColumns = columns.map((column) => ('kind' in column ? toTableColumn(column) : column));
  await queryRunner.createTable(
    new Table({
      name,
      columns: tableColumns,
      ...(isSqlite(queryRunner) ? {} : { engine: 'InnoDB' }),
      indices: indexes.map(
        (index) =>
          new TableIndex({
            name: `${index.unique ? 'UQ' : 'IDX'}_${name}_${index.columns.join('_')}`.slice(0, 64),
            columnNames: index.columns,
            isUnique: index.unique ?? false,
          }),
      ),
    }),
  );
}
