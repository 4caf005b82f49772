// Portable column definitions shared by the entity schemas (MariaDB/MySQL and SQLite alike).
import type { EntitySchemaColumnOptions } from 'typeorm';

/** Application-generated UUID primary key (ids are not guessable and need no round trip). */
export const uuidPrimary: EntitySchemaColumnOptions = { type: 'varchar', length: 36, primary: true };

/** A UUID reference to another row; `nullable` says whether "none" is a valid value. */
export const uuidColumn = (name: string, nullable = false): EntitySchemaColumnOptions => ({
  type: 'varchar',
  length: 36,
  name,
  nullable,
});

export const textColumn = (name: string, length: number, nullable = false): EntitySchemaColumnOptions => ({
  type: 'varchar',
  length,
  name,
  nullable,
});

export const longTextColumn = (name: string, nullable = false): EntitySchemaColumnOptions => ({
  type: 'text',
  name,
  nullable,
});

/** Millisecond-precision UTC instant; Baton always writes it from its clock, never a DB default. */
export const instantColumn = (name: string, nullable = false): EntitySchemaColumnOptions => ({
  type: 'datetime',
  precision: 3,
  name,
  nullable,
});

export const integerColumn = (name: string, nullable = false): EntitySchemaColumnOptions => ({
  type: 'int',
  name,
  nullable,
});

export const booleanColumn = (name: string): EntitySchemaColumnOptions => ({ type: 'boolean', name });

/** JSON stored as text (portable); the service layer validates its shape with zod. */
export const jsonColumn = (name: string, nullable = false): EntitySchemaColumnOptions => ({
  type: 'simple-json',
  name,
  nullable,
});
