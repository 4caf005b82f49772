// Escalations (issue 5): the conversation an escalation was raised on, coalesced notifications,
// who resolved it by name, notes on callback tasks, and admin-managed routing rules.
import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { createPortableTable } from './portable-table.js';

const ESCALATION_COLUMNS = [
  new TableColumn({ name: 'conversation_id', type: 'varchar', length: '36', isNullable: true }),
  new TableColumn({ name: 'resolved_by_name', type: 'varchar', length: '200', isNullable: true }),
  new TableColumn({ name: 'notified_at', type: 'datetime', precision: 3, isNullable: true }),
  new TableColumn({ name: 'unnotified_activity', type: 'int', default: 0 }),
];
const TASK_COLUMNS = [
  new TableColumn({ name: 'resolution_note', type: 'text', isNullable: true }),
  new TableColumn({ name: 'created_by', type: 'varchar', length: '80', isNullable: true }),
];

export class Escalations1764374400000 implements MigrationInterface {
  name = 'Escalations1764374400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('escalations', ESCALATION_COLUMNS);
    await queryRunner.addColumns('tasks', TASK_COLUMNS);
    await createPortableTable(
      queryRunner,
      'routing_rules',
      [
        { name: 'id', kind: 'uuid', primary: true },
        { name: 'tenant_id', kind: 'uuid' },
        { name: 'position', kind: 'int' },
        { name: 'name', kind: 'text', length: 120 },
        { name: 'enabled', kind: 'boolean' },
        { name: 'condition', kind: 'json' },
        { name: 'actions', kind: 'json' },
        { name: 'created_at', kind: 'instant' },
        { name: 'updated_at', kind: 'instant' },
      ],
      [{ columns: ['tenant_id', 'position'] }],
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('routing_rules');
    await queryRunner.dropColumns('tasks', TASK_COLUMNS);
    await queryRunner.dropColumns('escalations', ESCALATION_COLUMNS);
  }
}
