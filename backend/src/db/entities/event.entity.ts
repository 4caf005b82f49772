// The append-only timeline: every state change, and the replay log of the event stream.
import { EntitySchema } from 'typeorm';
import { instantColumn, jsonColumn, textColumn, uuidColumn } from './columns.js';

export interface EventRow {
  /** Row id (decimal string): insertion order across tenants; the drawer's tie-break, not the wire id. */
  id: string;
  tenantId: string;
  /**
   * The event's place in its tenant's stream (decimal string), assigned in commit order without gaps
   * (issue 11 item 3): the SSE event id clients resume from. Events written before positions existed
   * kept their row id as position, so a Last-Event-ID saved before the upgrade still means the same.
   * Null: committed but not yet numbered (MariaDB numbers events right after their commit).
   */
  position: string | null;
  /** Null: not about one conversation (settings, teams, agents). */
  conversationId: string | null;
  /** Null: not about one lead. */
  leadId: string | null;
  /** Event type, e.g. `takeover.started` (shared/events.ts lists them). */
  type: string;
  /** Who caused it: `agent:<id>`, `api_key:<id>`, `system`, `customer`. */
  actor: string;
  /** State before the change; null: nothing existed before. */
  before: Record<string, unknown> | null;
  /** State after the change; null: it no longer exists. */
  after: Record<string, unknown> | null;
  createdAt: Date;
}

/** Normalises MySQL's bigint (string) and SQLite's integer (number) to a decimal string. */
export const bigintAsString = { from: (value: unknown) => (value == null ? value : String(value)), to: (value: unknown) => value };

export const EventEntity = new EntitySchema<EventRow>({
  name: 'Event',
  tableName: 'events',
  columns: {
    id: { type: 'bigint', primary: true, generated: 'increment', transformer: bigintAsString },
    tenantId: uuidColumn('tenant_id'),
    position: { type: 'bigint', name: 'position', nullable: true, transformer: bigintAsString },
    conversationId: uuidColumn('conversation_id', true),
    leadId: uuidColumn('lead_id', true),
    type: textColumn('type', 64),
    actor: textColumn('actor', 80),
    before: jsonColumn('before', true),
    after: jsonColumn('after', true),
    createdAt: instantColumn('created_at'),
  },
});
