// Conversations remember when a human last took or gave back control (SPEC §4: after a release
// the AI answers only customer messages newer than the release).
import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

export class HumanControl1764288000000 implements MigrationInterface {
  name = 'HumanControl1764288000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('conversations', new TableColumn({ name: 'last_human_control_at', type: 'datetime', precision: 3, isNullable: true }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('conversations', 'last_human_control_at');
  }
}
