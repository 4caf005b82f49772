// The append-only timeline: every state change, and the replay log of the event stream.
import { EntitySchema } from 'typeorm';
import { instantColumn, jsonColumn, textColumn, uuidColumn } from './columns.js';

export interface EventRow {
  /** Monotonic row id (decimal string); the SSE event id clients resume from. */
  id: string;
  tenantId: string;
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
const bigintAsString = { from: (value: unknown) => (value == null ? value : String(value)), to: (value: unknown) => value };

export const EventEntity = new EntitySchema<EventRow>({
  name: 'Event',
  tableName: 'events',
  columns: {
    id: { type: 'bigint', primary: true, generated: 'increment', transformer: bigintAsString },
    tenantId: uuidColumn('tenant_id'),
    conversationId: uuidColumn('conversation_id', true),
    leadId: uuidColumn('lead_id', true),
    type: textColumn('type', 64),
    actor: textColumn('actor', 80),
    before: jsonColumn('before', true),
    after: jsonColumn('after', true),
    createdAt: instantColumn('created_at'),
  },
});
