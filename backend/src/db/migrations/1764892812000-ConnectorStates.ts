// Issue 12: a row per tenant and polling connector (cursor, lease, health): see connector-state.entity.ts.
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createPortableTable } from './portable-table.js';

export class ConnectorStates1764892812000 implements MigrationInterface {
  name = 'ConnectorStates1764892812000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createPortableTable(queryRunner, 'connector_states', [
      { name: 'tenant_id', kind: 'uuid', primary: true },
      { name: 'connector', kind: 'text', length: 32, primary: true },
      { name: 'position', kind: 'text', length: 64, nullable: true },
      { name: 'lease_owner', kind: 'text', length: 200, nullable: true },
      { name: 'lease_until', kind: 'instant', nullable: true },
      { name: 'failing_since', kind: 'instant', nullable: true },
      { name: 'last_error', kind: 'longtext', nullable: true },
      { name: 'last_success_at', kind: 'instant', nullable: true },
      { name: 'updated_at', kind: 'instant' },
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('connector_states');
  }
}
