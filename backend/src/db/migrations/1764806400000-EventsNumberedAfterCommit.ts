// Events on MariaDB are numbered after their commit (platform/event-positions.ts), so a committed
// event may briefly have no position. SQLite keeps taking positions in the writing transaction (it
// has one writer) and keeps the column NOT NULL: changing that would rebuild the table for nothing.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class EventsNumberedAfterCommit1764806400000 implements MigrationInterface {
  name = 'EventsNumberedAfterCommit1764806400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type === 'better-sqlite3') return;
    await queryRunner.query('ALTER TABLE events MODIFY `position` bigint NULL');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type === 'better-sqlite3') return;
    // Number what is still unnumbered after everything else, in row order, so NOT NULL holds again.
    await queryRunner.query(
      `UPDATE events e JOIN (SELECT id, tenant_id, ROW_NUMBER() OVER (PARTITION BY tenant_id ORDER BY id) AS n FROM events WHERE \`position\` IS NULL) u ON u.id = e.id
       JOIN tenant_event_positions t ON t.tenant_id = u.tenant_id SET e.\`position\` = t.last_position + u.n`,
    );
    await queryRunner.query(
      'UPDATE tenant_event_positions t SET last_position = (SELECT COALESCE(MAX(`position`), 0) FROM events e WHERE e.tenant_id = t.tenant_id)',
    );
    await queryRunner.query('ALTER TABLE events MODIFY `position` bigint NOT NULL');
  }
}
