// Per-installation signing keys kept in the database (instance_secrets), so every backend process,
// on MariaDB or the embedded SQLite, signs and verifies with the same key.
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { InstanceSecretEntity } from '../db/entities/tenancy.entities.js';

const keyCache = new WeakMap<DataSource, Map<string, Promise<Uint8Array>>>();

/** Reads the row, creating it with 32 random bytes on first use (two processes racing both end with the same key). */
async function loadOrCreate(db: DataSource, name: string): Promise<Uint8Array> {
  const repository = db.getRepository(InstanceSecretEntity);
  let row = await repository.findOneBy({ name });
  if (!row) {
    try {
      await repository.insert({ name, value: randomBytes(32).toString('base64url'), createdAt: new Date() });
    } catch {
      // Another process inserted it first: read theirs below.
    }
    row = await repository.findOneByOrFail({ name });
  }
  return Buffer.from(row.value, 'base64url');
}

/**
 * The installation's key called `name` (e.g. `dev_token_signing_key`), cached per database.
 * @example const key = await instanceKey(db, 'stream_ticket_signing_key');
 */
export function instanceKey(db: DataSource, name: string): Promise<Uint8Array> {
  let keys = keyCache.get(db);
  if (!keys) keyCache.set(db, (keys = new Map()));
  let key = keys.get(name);
  if (!key) {
    key = loadOrCreate(db, name);
    keys.set(name, key);
    key.catch(() => keys.delete(name)); // a failed read is tried again next time
  }
  return key;
}
