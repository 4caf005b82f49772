// Escalations, callback tasks and per-agent notifications (SPEC §5).
import { EntitySchema } from 'typeorm';
import {
  instantColumn,
  integerColumn,
  jsonColumn,
  longTextColumn,
  textColumn,
  uuidColumn,
  uuidPrimary,
} from './columns.js';

export interface EscalationRow {
  id: string;
  tenantId: string;
  leadId: string;
  teamId: string;
  /** `open` or `resolved`. */
  status: string;
  /** The lead id while open, null once resolved: a unique index keeps one open escalation per lead. */
  openLeadId: string | null;
  reason: string;
  /** Null: no code given (codes `critical`, `urgent`, `emergency` bypass cooldown). */
  reasonCode: string | null;
  /** `rule`, `sla_breach`, `guardrail`, `manual`, `api`. */
  trigger: string;
  /** The nth escalation of this lead. */
  cycle: number;
  openedAt: Date;
  lastActivityAt: Date;
  activityCount: number;
  /** Who resolved it (`agent:<id>`, `api_key:<id>`, `system`); null while open. */
  resolvedBy: string | null;
  /** Null while open. */
  resolutionReason: string | null;
  /** Null: no note. */
  resolutionNote: string | null;
  /** `manual`, `reply`, `task`; null while open. */
  resolutionSource: string | null;
  /** Null while open. */
  resolvedAt: Date | null;
}

export const EscalationEntity = new EntitySchema<EscalationRow>({
  name: 'Escalation',
  tableName: 'escalations',
  columns: {
    id: uuidPrimary,
    tenantId: uuidColumn('tenant_id'),
    leadId: uuidColumn('lead_id'),
    teamId: uuidColumn('team_id'),
    status: textColumn('status', 16),
    openLeadId: uuidColumn('open_lead_id', true),
    reason: textColumn('reason', 500),
    reasonCode: textColumn('reason_code', 32, true),
    trigger: textColumn('trigger', 16),
    cycle: integerColumn('cycle'),
    openedAt: instantColumn('opened_at'),
    lastActivityAt: instantColumn('last_activity_at'),
    activityCount: integerColumn('activity_count'),
    resolvedBy: textColumn('resolved_by', 80, true),
    resolutionReason: textColumn('resolution_reason', 32, true),
    resolutionNote: longTextColumn('resolution_note', true),
    resolutionSource: textColumn('resolution_source', 16, true),
    resolvedAt: instantColumn('resolved_at', true),
  },
});

export interface TaskRow {
  id: string;
  tenantId: string;
  leadId: string;
  title: string;
  /** Null: no due time. */
  dueAt: Date | null;
  /** Null: unassigned. */
  assignedAgentId: string | null;
  /** `open` or `completed`. */
  status: string;
  /** `connected`, `voicemail_left`, `no_answer`, `wrong_number`; null: none given / open. */
  disposition: string | null;
  /** A resolve reason given on completion; null: none. */
  resolutionReason: string | null;
  /** `agent:<id>` or `api_key:<id>`; null while open. */
  completedBy: string | null;
  completedAt: Date | null;
  createdAt: Date;
}

export const TaskEntity = new EntitySchema<TaskRow>({
  name: 'Task',
  tableName: 'tasks',
  columns: {
    id: uuidPrimary,
    tenantId: uuidColumn('tenant_id'),
    leadId: uuidColumn('lead_id'),
    title: textColumn('title', 300),
    dueAt: instantColumn('due_at', true),
    assignedAgentId: uuidColumn('assigned_agent_id', true),
    status: textColumn('status', 16),
    disposition: textColumn('disposition', 32, true),
    resolutionReason: textColumn('resolution_reason', 32, true),
    completedBy: textColumn('completed_by', 80, true),
    completedAt: instantColumn('completed_at', true),
    createdAt: instantColumn('created_at'),
  },
});

export interface NotificationRow {
  id: string;
  tenantId: string;
  agentId: string;
  /** Null: not about an escalation. */
  escalationId: string | null;
  /** `escalation` or `re_escalated`. */
  kind: string;
  /** Activity coalesced into this notification. */
  count: number;
  /** What the extension shows (already redacted in HIPAA mode). */
  payload: Record<string, unknown>;
  createdAt: Date;
  /** Null: unread. */
  readAt: Date | null;
}

export const NotificationEntity = new EntitySchema<NotificationRow>({
  name: 'Notification',
  tableName: 'notifications',
  columns: {
    id: uuidPrimary,
    tenantId: uuidColumn('tenant_id'),
    agentId: uuidColumn('agent_id'),
    escalationId: uuidColumn('escalation_id', true),
    kind: textColumn('kind', 16),
    count: integerColumn('count'),
    payload: jsonColumn('payload'),
    createdAt: instantColumn('created_at'),
    readAt: instantColumn('read_at', true),
  },
});
