// The schema migrations run (and revert) on both databases Baton supports.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import { MIGRATIONS, createDataSource, openDatabase } from '../../backend/src/db/data-source.js';
import { createTestDatabase, type TestDatabase } from '../support/services.js';

const TABLES = [
  'tenants', 'settings', 'teams', 'agents', 'team_members', 'api_keys', 'leads', 'conversations', 'conversation_refs',
  'messages', 'scheduled_replies', 'escalations', 'tasks', 'notifications', 'routing_rules', 'routing_rule_sets', 'instance_secrets', 'events', 'tenant_event_positions', 'outbox_effects', 'jobs',
];

async function tableNames(db: DataSource): Promise<string[]> {
  const runner = db.createQueryRunner();
  try {
    return (await runner.getTables(TABLES)).map((table) => table.name.split('.').pop()!).sort();
  } finally {
    await runner.release();
  }
}

const sqliteDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-migrations-'));
const databases: TestDatabase[] = [];

afterAll(async () => {
  fs.rmSync(sqliteDir, { recursive: true, force: true });
  for (const database of databases) await database.drop();
});

describe.each([
  ['SQLite', async () => ({ databaseUrl: null, sqlitePath: path.join(sqliteDir, 'baton.sqlite') })],
  ['MariaDB', async () => {
    const database = await createTestDatabase('migrations');
    databases.push(database);
    return { databaseUrl: database.url, sqlitePath: '' };
  }],
])('migrations on %s', (_name, makeConfig) => {
  it('create every table on a fresh database, record themselves, and re-run as a no-op', async () => {
    const config = await makeConfig();
    const db = await openDatabase(config);
    try {
      expect(await tableNames(db)).toEqual([...TABLES].sort());
      const applied = await db.query('SELECT name FROM migrations');
      expect(applied.map((row: { name: string }) => row.name)).toEqual(MIGRATIONS.map((migration) => migration.name));
      expect(await db.showMigrations()).toBe(false);
    } finally {
      await db.destroy();
    }
    // A second start applies nothing and keeps the data.
    const again = await openDatabase(config);
    try {
      expect(await again.showMigrations()).toBe(false);
      expect((await again.query('SELECT name FROM migrations')).length).toBe(MIGRATIONS.length);
    } finally {
      await again.destroy();
    }

    // Reverting every migration removes the tables; running again restores them.
    const db2 = createDataSource(config);
    await db2.initialize();
    try {
      for (let undone = 0; undone < MIGRATIONS.length; undone++) await db2.undoLastMigration({ transaction: 'each' });
      expect(await tableNames(db2)).toEqual([]);
      await db2.runMigrations({ transaction: 'each' });
      expect(await tableNames(db2)).toEqual([...TABLES].sort());
    } finally {
      await db2.destroy();
    }
  });

  it('keep one open escalation per lead and dedupe messages by external id (unique indexes)', async () => {
    const db = await openDatabase(await makeConfig());
    try {
      const now = new Date();
      const escalation = (id: string, openLeadId: string | null) => ({
        id, tenantId: 't1', leadId: 'lead-1', teamId: 'team-1', status: openLeadId ? 'open' : 'resolved', openLeadId,
        reason: 'r', reasonCode: null, trigger: 'manual', cycle: 1, openedAt: now, lastActivityAt: now, activityCount: 1, notifiedAt: now, unnotifiedActivity: 0,
        resolvedBy: null, resolutionReason: null, resolutionNote: null, resolutionSource: null, resolvedAt: null,
      });
      const escalations = db.getRepository('Escalation');
      await escalations.insert(escalation('e1', null));
      await escalations.insert(escalation('e2', null));
      await escalations.insert(escalation('e3', 'lead-1'));
      await expect(escalations.insert(escalation('e4', 'lead-1'))).rejects.toThrow();

      const message = (id: string, externalMessageId: string | null) => ({
        id, tenantId: 't1', conversationId: 'c1', author: 'customer', agentId: null, channel: 'sms', body: 'hi',
        externalMessageId, deliveryStatus: null, createdAt: now,
      });
      const messages = db.getRepository('Message');
      await messages.insert(message('m1', 'ext-1'));
      await messages.insert(message('m2', null));
      await messages.insert(message('m3', null));
      await expect(messages.insert(message('m4', 'ext-1'))).rejects.toThrow();
      expect(await messages.count()).toBe(3);
    } finally {
      await db.destroy();
    }
  });
});
