// Webhook-secret rotation with a grace period (issue 14 item 4): the previous secret and until when
// it is still accepted, so a rotation does not refuse the connectors that have not switched yet.
import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Null: no previous secret (never rotated, or rotated with no grace). */
const PREVIOUS_SECRET = new TableColumn({ name: 'previous_webhook_secret', type: 'varchar', length: '128', isNullable: true });
/** Null exactly when previous_webhook_secret is null. */
const PREVIOUS_SECRET_UNTIL = new TableColumn({ name: 'previous_webhook_secret_until', type: 'datetime', precision: 3, isNullable: true });

export class WebhookSecretGrace1765065600000 implements MigrationInterface {
  name = 'WebhookSecretGrace1765065600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('tenants', [PREVIOUS_SECRET, PREVIOUS_SECRET_UNTIL]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumns('tenants', [PREVIOUS_SECRET_UNTIL, PREVIOUS_SECRET]);
  }
}
