// Popup and notifications (issue 10): the helpdesk thread page a content script first showed a
// conversation on, kept on its external reference so lists can link back to it.
import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Nullable: null until an extension shows the conversation; 2048 is the longest URL Baton keeps. */
const HELPDESK_URL = new TableColumn({ name: 'helpdesk_url', type: 'varchar', length: '2048', isNullable: true });

export class HelpdeskLocation1764460800000 implements MigrationInterface {
  name = 'HelpdeskLocation1764460800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('conversation_refs', HELPDESK_URL);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('conversation_refs', HELPDESK_URL);
  }
}
