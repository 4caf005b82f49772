// The TypeORM data source: MariaDB/MySQL when DATABASE_URL is set, otherwise embedded SQLite.
import fs from 'node:fs';
import path from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { ConversationEntity, ConversationRefEntity, LeadEntity, MessageEntity, ScheduledReplyEntity } from './entities/conversation.entities.js';
import { EscalationEntity, NotificationEntity, RoutingRuleEntity, RoutingRuleSetEntity, TaskEntity } from './entities/escalation.entities.js';
import { EventEntity } from './entities/event.entity.js';
import { OutboxEffectEntity, TenantEventPositionEntity } from './entities/outbox.entities.js';
import { AgentEntity, ApiKeyEntity, InstanceSecretEntity, SettingsEntity, TeamEntity, TeamMemberEntity, TenantEntity } from './entities/tenancy.entities.js';
import { InitialSchema1764115200000 } from './migrations/1764115200000-InitialSchema.js';
import { Jobs1764201600000 } from './migrations/1764201600000-Jobs.js';
import { HumanControl1764288000000 } from './migrations/1764288000000-HumanControl.js';
import { Escalations1764374400000 } from './migrations/1764374400000-Escalations.js';
import { HelpdeskLocation1764460800000 } from './migrations/1764460800000-HelpdeskLocation.js';
import { PopupListIndexes1764547200000 } from './migrations/1764547200000-PopupListIndexes.js';
import { RulesVersion1764633600000 } from './migrations/1764633600000-RulesVersion.js';
import { OutboxAndEventPositions1764720000000 } from './migrations/1764720000000-OutboxAndEventPositions.js';
import { EventsNumberedAfterCommit1764806400000 } from './migrations/1764806400000-EventsNumberedAfterCommit.js';
import { ConnectorStateEntity } from './entities/connector-state.entity.js';
import { ConnectorStates1764892812000 } from './migrations/1764892812000-ConnectorStates.js';
import { ReplyLookupIndex1764979200000 } from './migrations/1764979200000-ReplyLookupIndex.js';
import { WebhookSecretGrace1765065600000 } from './migrations/1765065600000-WebhookSecretGrace.js';

export const ENTITIES = [
  TenantEntity,
  SettingsEntity,
  TeamEntity,
  AgentEntity,
  TeamMemberEntity,
  ApiKeyEntity,
  LeadEntity,
  ConversationEntity,
  ConversationRefEntity,
  MessageEntity,
  ScheduledReplyEntity,
  EscalationEntity,
  TaskEntity,
  NotificationEntity,
  RoutingRuleEntity,
  RoutingRuleSetEntity,
  EventEntity,
  TenantEventPositionEntity,
  OutboxEffectEntity,
  InstanceSecretEntity,
  ConnectorStateEntity,
];

/** Migrations in order; listed explicitly so tsx, vitest and a bundler all find them. */
export const MIGRATIONS = [InitialSchema1764115200000, Jobs1764201600000, HumanControl1764288000000, Escalations1764374400000, HelpdeskLocation1764460800000, PopupListIndexes1764547200000, RulesVersion1764633600000, OutboxAndEventPositions1764720000000, EventsNumberedAfterCommit1764806400000, ConnectorStates1764892812000, ReplyLookupIndex1764979200000, WebhookSecretGrace1765065600000];

export type DatabaseDialect = 'mysql' | 'sqlite';

export interface DatabaseConfig {
  /** mysql:// or mariadb:// URL; null: SQLite file `sqlitePath`. */
  databaseUrl: string | null;
  /** SQLite file (or ':memory:') used when databaseUrl is null. */
  sqlitePath: string;
  /** Connections in the MySQL pool. */
  poolSize?: number;
}

export function dialectOf(dataSource: DataSource): DatabaseDialect {
  return dataSource.options.type === 'better-sqlite3' ? 'sqlite' : 'mysql';
}

/** Builds (does not connect) a data source. `synchronize` stays off: schema changes are migrations. */
export function createDataSource(config: DatabaseConfig): DataSource {
  const common = { entities: ENTITIES, migrations: MIGRATIONS, synchronize: false, migrationsRun: false, logging: false } as const;
  if (config.databaseUrl) {
    const url = new URL(config.databaseUrl);
    const options: DataSourceOptions = {
      ...common,
      // 'mariadb' avoids spurious nullable diffs on MariaDB (reference/toolchain.md).
      type: url.protocol === 'mariadb:' ? 'mariadb' : 'mysql',
      url: config.databaseUrl,
      charset: 'utf8mb4_unicode_ci',
      timezone: 'Z',
      poolSize: config.poolSize ?? 20,
      connectTimeout: 5000,
      // mysql2 captures a stack trace on every query for its error messages: ~6 % of a busy
      // process's CPU (issue 13 profile). TypeORM's QueryFailedError names the statement anyway.
      extra: { trace: false },
    };
    return new DataSource(options);
  }
  if (config.sqlitePath !== ':memory:') fs.mkdirSync(path.dirname(config.sqlitePath), { recursive: true });
  return new DataSource({
    ...common,
    type: 'better-sqlite3',
    database: config.sqlitePath,
    enableWAL: true,
    prepareDatabase: (db: { pragma: (source: string) => unknown }) => {
      db.pragma('busy_timeout = 5000');
      db.pragma('synchronous = NORMAL');
    },
  });
}

/**
 * Creates the MySQL database named in the URL when it does not exist (utf8mb4), so a fresh
 * server needs no manual step. SQLite files are created by opening them.
 */
export async function ensureDatabaseExists(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const databaseName = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!databaseName) throw new Error('DATABASE_URL names no database (expected mysql://user@host:3306/<database>)');
  if (!/^[A-Za-z0-9_$-]+$/.test(databaseName)) throw new Error(`DATABASE_URL database name "${databaseName}" has characters Baton does not accept`);
  const serverUrl = new URL(databaseUrl);
  serverUrl.pathname = '/';
  const admin = new DataSource({ type: 'mysql', url: serverUrl.toString(), connectTimeout: 5000, poolSize: 1 });
  await admin.initialize();
  try {
    await admin.query(`CREATE DATABASE IF NOT EXISTS \`${databaseName}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await admin.destroy();
  }
}

/**
 * Connects and applies pending migrations. On MySQL a named lock serialises the migrations of
 * processes that start together on a fresh database (TypeORM does not lock them itself).
 */
export async function openDatabase(config: DatabaseConfig): Promise<DataSource> {
  if (config.databaseUrl) await ensureDatabaseExists(config.databaseUrl);
  const dataSource = createDataSource(config);
  await dataSource.initialize();
  if (dialectOf(dataSource) === 'sqlite') {
    await dataSource.runMigrations({ transaction: 'each' });
    return dataSource;
  }
  const runner = dataSource.createQueryRunner();
  try {
    const [lock] = await runner.query("SELECT GET_LOCK('baton_migrations', 60) AS acquired");
    if (Number(lock?.acquired) !== 1) throw new Error('another process held the migration lock for 60 s');
    try {
      await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await runner.query("SELECT RELEASE_LOCK('baton_migrations')");
    }
  } finally {
    await runner.release();
  }
  return dataSource;
}
