// Routing rules versioning (issue 10): one row per tenant with the version of its ordered rule list,
// so rules.save can name the version it edits and two admins never overwrite each other silently.
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createPortableTable } from './portable-table.js';

export class RulesVersion1764633600000 implements MigrationInterface {
  name = 'RulesVersion1764633600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // No row: version 0 (rules never saved with a version); the first save inserts version 1.
    await createPortableTable(queryRunner, 'routing_rule_sets', [
      { name: 'tenant_id', kind: 'uuid', primary: true },
      { name: 'version', kind: 'int' },
      { name: 'updated_at', kind: 'instant' },
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('routing_rule_sets');
  }
}
