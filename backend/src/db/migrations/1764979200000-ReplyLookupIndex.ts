// "Has this customer message been answered?" — asked twice by every AI draft, and by the sweep —
// looks up scheduled_replies by in_reply_to_message_id, which no index covered: each draft scanned
// the whole table, a cost that grew with every reply ever scheduled (issue 13, found by bench:inbound).
import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

const REPLY_LOOKUP = new TableIndex({ name: 'IDX_scheduled_replies_in_reply_to_message_id', columnNames: ['in_reply_to_message_id'] });

export class ReplyLookupIndex1764979200000 implements MigrationInterface {
  name = 'ReplyLookupIndex1764979200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex('scheduled_replies', REPLY_LOOKUP);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('scheduled_replies', REPLY_LOOKUP);
  }
}
