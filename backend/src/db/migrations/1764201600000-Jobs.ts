// The job engine's table (issue 3): Agenda jobs stored beside the state they act on.
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createPortableTable } from './portable-table.js';

const instant = (name: string) => ({ name, kind: 'instant', nullable: true }) as const;

export class Jobs1764201600000 implements MigrationInterface {
  name = 'Jobs1764201600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createPortableTable(
      queryRunner,
      'jobs',
      [
        { name: 'id', kind: 'uuid', primary: true },
        { name: 'name', kind: 'text', length: 100 },
        { name: 'priority', kind: 'int' },
        instant('next_run_at'),
        { name: 'type', kind: 'text', length: 8 },
        instant('locked_at'),
        instant('last_run_at'),
        instant('last_finished_at'),
        instant('failed_at'),
        { name: 'fail_count', kind: 'int', nullable: true },
        { name: 'fail_reason', kind: 'longtext', nullable: true },
        { name: 'repeat_interval', kind: 'text', length: 100, nullable: true },
        { name: 'repeat_timezone', kind: 'text', length: 64, nullable: true },
        { name: 'repeat_at', kind: 'text', length: 100, nullable: true },
        { name: 'data', kind: 'json' },
        { name: 'disabled', kind: 'boolean' },
        { name: 'fork', kind: 'boolean' },
        { name: 'progress', kind: 'double', nullable: true },
        { name: 'unique_key', kind: 'text', length: 255, nullable: true },
        { name: 'ref_key', kind: 'text', length: 120, nullable: true },
        { name: 'last_modified_by', kind: 'text', length: 100, nullable: true },
        instant('start_date'),
        instant('end_date'),
        { name: 'skip_days', kind: 'text', length: 32, nullable: true },
        instant('debounce_started_at'),
        { name: 'created_at', kind: 'instant' },
      ],
      [
        // The claim query: name + not disabled + unlocked, ordered by due time (reference/agenda.md).
        { columns: ['name', 'disabled', 'locked_at', 'next_run_at'] },
        { columns: ['next_run_at'] },
        { columns: ['unique_key'], unique: true },
        { columns: ['ref_key'] },
        { columns: ['last_finished_at'] },
      ],
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('jobs');
  }
}
