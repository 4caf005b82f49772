// The foundation schema (issue 2): tenancy, conversations, replies, escalations, timeline.
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { autoIncrementId, createPortableTable } from './portable-table.js';

const id = { name: 'id', kind: 'uuid', primary: true } as const;
const tenantId = { name: 'tenant_id', kind: 'uuid' } as const;
const createdAt = { name: 'created_at', kind: 'instant' } as const;
const updatedAt = { name: 'updated_at', kind: 'instant' } as const;

export class InitialSchema1764115200000 implements MigrationInterface {
  name = 'InitialSchema1764115200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createPortableTable(
      queryRunner,
      'tenants',
      [
        id,
        { name: 'slug', kind: 'text', length: 64 },
        { name: 'name', kind: 'text', length: 200 },
        { name: 'webhook_secret', kind: 'text', length: 128 },
        createdAt,
      ],
      [{ columns: ['slug'], unique: true }],
    );
    await createPortableTable(queryRunner, 'settings', [
      { name: 'tenant_id', kind: 'uuid', primary: true },
      { name: 'values', kind: 'json' },
      { name: 'version', kind: 'int' },
      updatedAt,
    ]);
    await createPortableTable(
      queryRunner,
      'teams',
      [id, tenantId, { name: 'name', kind: 'text', length: 120 }, createdAt],
      [{ columns: ['tenant_id', 'name'], unique: true }],
    );
    await createPortableTable(
      queryRunner,
      'agents',
      [
        id,
        tenantId,
        { name: 'email', kind: 'text', length: 254 },
        { name: 'name', kind: 'text', length: 200 },
        { name: 'role', kind: 'text', length: 16 },
        { name: 'external_subject', kind: 'text', length: 255, nullable: true },
        { name: 'active', kind: 'boolean' },
        createdAt,
      ],
      [
        { columns: ['tenant_id', 'email'], unique: true },
        { columns: ['tenant_id', 'external_subject'], unique: true },
      ],
    );
    await createPortableTable(
      queryRunner,
      'team_members',
      [
        { name: 'team_id', kind: 'uuid', primary: true },
        { name: 'agent_id', kind: 'uuid', primary: true },
        tenantId,
        createdAt,
      ],
      [{ columns: ['agent_id'] }],
    );
    await createPortableTable(
      queryRunner,
      'api_keys',
      [
        id,
        tenantId,
        { name: 'name', kind: 'text', length: 120 },
        { name: 'role', kind: 'text', length: 16 },
        { name: 'agent_id', kind: 'uuid', nullable: true },
        { name: 'prefix', kind: 'text', length: 16 },
        { name: 'key_hash', kind: 'text', length: 64 },
        createdAt,
        { name: 'last_used_at', kind: 'instant', nullable: true },
        { name: 'revoked_at', kind: 'instant', nullable: true },
      ],
      [{ columns: ['key_hash'], unique: true }, { columns: ['tenant_id'] }],
    );
    await createPortableTable(
      queryRunner,
      'leads',
      [
        id,
        tenantId,
        { name: 'name', kind: 'text', length: 200, nullable: true },
        { name: 'phone', kind: 'text', length: 32, nullable: true },
        { name: 'email', kind: 'text', length: 254, nullable: true },
        { name: 'tags', kind: 'json' },
        { name: 'cooldown_until', kind: 'instant', nullable: true },
        createdAt,
      ],
      [{ columns: ['tenant_id', 'phone'] }, { columns: ['tenant_id', 'email'] }],
    );
    await createPortableTable(
      queryRunner,
      'conversations',
      [
        id,
        tenantId,
        { name: 'lead_id', kind: 'uuid' },
        { name: 'subject', kind: 'text', length: 300, nullable: true },
        { name: 'held_by_agent_id', kind: 'uuid', nullable: true },
        { name: 'takeover_source', kind: 'text', length: 16, nullable: true },
        { name: 'taken_over_at', kind: 'instant', nullable: true },
        { name: 'auto_release_at', kind: 'instant', nullable: true },
        { name: 'last_customer_message_at', kind: 'instant', nullable: true },
        { name: 'last_agent_message_at', kind: 'instant', nullable: true },
        { name: 'version', kind: 'int' },
        createdAt,
        updatedAt,
      ],
      [{ columns: ['tenant_id', 'lead_id'] }, { columns: ['tenant_id', 'auto_release_at'] }],
    );
    await createPortableTable(
      queryRunner,
      'conversation_refs',
      [
        id,
        tenantId,
        { name: 'conversation_id', kind: 'uuid' },
        { name: 'connector', kind: 'text', length: 64 },
        { name: 'external_id', kind: 'text', length: 255 },
        createdAt,
      ],
      [{ columns: ['tenant_id', 'connector', 'external_id'], unique: true }, { columns: ['conversation_id'] }],
    );
    await createPortableTable(
      queryRunner,
      'messages',
      [
        id,
        tenantId,
        { name: 'conversation_id', kind: 'uuid' },
        { name: 'author', kind: 'text', length: 16 },
        { name: 'agent_id', kind: 'uuid', nullable: true },
        { name: 'channel', kind: 'text', length: 8 },
        { name: 'body', kind: 'longtext' },
        { name: 'external_message_id', kind: 'text', length: 255, nullable: true },
        { name: 'delivery_status', kind: 'text', length: 16, nullable: true },
        createdAt,
      ],
      [{ columns: ['tenant_id', 'external_message_id'], unique: true }, { columns: ['conversation_id', 'created_at'] }],
    );
    await createPortableTable(
      queryRunner,
      'scheduled_replies',
      [
        id,
        tenantId,
        { name: 'conversation_id', kind: 'uuid' },
        { name: 'in_reply_to_message_id', kind: 'uuid' },
        { name: 'channel', kind: 'text', length: 8 },
        { name: 'body', kind: 'longtext' },
        { name: 'status', kind: 'text', length: 16 },
        { name: 'due_at', kind: 'instant' },
        { name: 'end_reason', kind: 'text', length: 255, nullable: true },
        { name: 'edited_by_agent_id', kind: 'uuid', nullable: true },
        { name: 'sent_message_id', kind: 'uuid', nullable: true },
        { name: 'attempts', kind: 'int' },
        { name: 'last_error', kind: 'longtext', nullable: true },
        createdAt,
        updatedAt,
      ],
      [{ columns: ['conversation_id', 'status'] }, { columns: ['status', 'due_at'] }],
    );
    await createPortableTable(
      queryRunner,
      'escalations',
      [
        id,
        tenantId,
        { name: 'lead_id', kind: 'uuid' },
        { name: 'team_id', kind: 'uuid' },
        { name: 'status', kind: 'text', length: 16 },
        { name: 'open_lead_id', kind: 'uuid', nullable: true },
        { name: 'reason', kind: 'text', length: 500 },
        { name: 'reason_code', kind: 'text', length: 32, nullable: true },
        { name: 'trigger', kind: 'text', length: 16 },
        { name: 'cycle', kind: 'int' },
        { name: 'opened_at', kind: 'instant' },
        { name: 'last_activity_at', kind: 'instant' },
        { name: 'activity_count', kind: 'int' },
        { name: 'resolved_by', kind: 'text', length: 80, nullable: true },
        { name: 'resolution_reason', kind: 'text', length: 32, nullable: true },
        { name: 'resolution_note', kind: 'longtext', nullable: true },
        { name: 'resolution_source', kind: 'text', length: 16, nullable: true },
        { name: 'resolved_at', kind: 'instant', nullable: true },
      ],
      [{ columns: ['open_lead_id'], unique: true }, { columns: ['tenant_id', 'lead_id'] }],
    );
    await createPortableTable(
      queryRunner,
      'tasks',
      [
        id,
        tenantId,
        { name: 'lead_id', kind: 'uuid' },
        { name: 'title', kind: 'text', length: 300 },
        { name: 'due_at', kind: 'instant', nullable: true },
        { name: 'assigned_agent_id', kind: 'uuid', nullable: true },
        { name: 'status', kind: 'text', length: 16 },
        { name: 'disposition', kind: 'text', length: 32, nullable: true },
        { name: 'resolution_reason', kind: 'text', length: 32, nullable: true },
        { name: 'completed_by', kind: 'text', length: 80, nullable: true },
        { name: 'completed_at', kind: 'instant', nullable: true },
        createdAt,
      ],
      [{ columns: ['tenant_id', 'lead_id'] }],
    );
    await createPortableTable(
      queryRunner,
      'notifications',
      [
        id,
        tenantId,
        { name: 'agent_id', kind: 'uuid' },
        { name: 'escalation_id', kind: 'uuid', nullable: true },
        { name: 'kind', kind: 'text', length: 16 },
        { name: 'count', kind: 'int' },
        { name: 'payload', kind: 'json' },
        createdAt,
        { name: 'read_at', kind: 'instant', nullable: true },
      ],
      [{ columns: ['agent_id', 'created_at'] }, { columns: ['escalation_id'] }],
    );
    await createPortableTable(queryRunner, 'instance_secrets', [
      { name: 'name', kind: 'text', length: 64, primary: true },
      { name: 'value', kind: 'text', length: 255 },
      createdAt,
    ]);
    await createPortableTable(
      queryRunner,
      'events',
      [
        autoIncrementId(queryRunner),
        tenantId,
        { name: 'conversation_id', kind: 'uuid', nullable: true },
        { name: 'lead_id', kind: 'uuid', nullable: true },
        { name: 'type', kind: 'text', length: 64 },
        { name: 'actor', kind: 'text', length: 80 },
        { name: 'before', kind: 'json', nullable: true },
        { name: 'after', kind: 'json', nullable: true },
        createdAt,
      ],
      [{ columns: ['tenant_id', 'id'] }, { columns: ['conversation_id', 'id'] }],
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'events',
      'instance_secrets',
      'notifications',
      'tasks',
      'escalations',
      'scheduled_replies',
      'messages',
      'conversation_refs',
      'conversations',
      'leads',
      'api_keys',
      'team_members',
      'agents',
      'teams',
      'settings',
      'tenants',
    ]) {
      await queryRunner.dropTable(table);
    }
  }
}
