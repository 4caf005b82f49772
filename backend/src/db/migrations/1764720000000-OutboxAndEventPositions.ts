// Issue 11 items 1 and 3: events get a per-tenant position assigned in commit order (the SSE id),
// each tenant a sequence row whose lock orders those commits, and an outbox of after-commit effects.
import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { autoIncrementId, createPortableTable } from './portable-table.js';

const OLD_TENANT_INDEX = new TableIndex({ name: 'IDX_events_tenant_id_id', columnNames: ['tenant_id', 'id'] });
const POSITION_INDEX = new TableIndex({ name: 'UQ_events_tenant_id_position', columnNames: ['tenant_id', 'position'], isUnique: true });

export class OutboxAndEventPositions1764720000000 implements MigrationInterface {
  name = 'OutboxAndEventPositions1764720000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const isSqlite = queryRunner.connection.options.type === 'better-sqlite3';
    const position = queryRunner.connection.driver.escape('position');
    // Existing events keep their row id as position: ids grew with time in every tenant, and a
    // Last-Event-ID a client saved before the upgrade keeps meaning the same event. New positions
    // continue each tenant's sequence from its newest event, with no gaps.
    await queryRunner.query(`ALTER TABLE events ADD COLUMN ${position} bigint NOT NULL DEFAULT 0`);
    await queryRunner.query(`UPDATE events SET ${position} = id`);
    // SQLite cannot drop a column default without rebuilding the table; Baton always writes it.
    if (!isSqlite) await queryRunner.query(`ALTER TABLE events ALTER COLUMN ${position} DROP DEFAULT`);
    await queryRunner.dropIndex('events', OLD_TENANT_INDEX);
    await queryRunner.createIndex('events', POSITION_INDEX);

    await createPortableTable(queryRunner, 'tenant_event_positions', [
      { name: 'tenant_id', kind: 'uuid', primary: true },
      { name: 'last_position', type: 'bigint' },
    ]);
    await queryRunner.query(`INSERT INTO tenant_event_positions (tenant_id, last_position) SELECT tenant_id, MAX(${position}) FROM events GROUP BY tenant_id`);

    await createPortableTable(
      queryRunner,
      'outbox_effects',
      [
        autoIncrementId(queryRunner),
        { name: 'tenant_id', kind: 'uuid' },
        { name: 'effects', kind: 'json' },
        { name: 'created_at', kind: 'instant' },
        { name: 'available_at', kind: 'instant' },
        { name: 'attempts', kind: 'int' },
      ],
      [{ columns: ['available_at'] }],
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('outbox_effects');
    await queryRunner.dropTable('tenant_event_positions');
    await queryRunner.dropIndex('events', POSITION_INDEX);
    await queryRunner.createIndex('events', OLD_TENANT_INDEX);
    await queryRunner.query(`ALTER TABLE events DROP COLUMN ${queryRunner.connection.driver.escape('position')}`);
  }
}
