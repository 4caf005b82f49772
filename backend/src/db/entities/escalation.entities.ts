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
  booleanColumn,
} from './columns.js';
// The domain owns these value sets; the entities only store them.
import type { EscalationTrigger, ResolutionSource, ResolveReason, TaskDisposition } from '../../domain/escalation.js';
import type { RoutingAction, RoutingRule } from '../../../../shared/routing-rules.js';

export interface EscalationRow {
  id: string;
  tenantId: string;
  leadId: string;
  /** The conversation it was raised on (system notes go there); null: raised on the lead alone. */
  conversationId: string | null;
  teamId: string;
  status: 'open' | 'resolved';
  /** The lead id while open, null once resolved: a unique index keeps one open escalation per lead. */
  openLeadId: string | null;
  reason: string;
  /** Null: no code given (codes `critical`, `urgent`, `emergency` bypass cooldown). */
  reasonCode: string | null;
  trigger: EscalationTrigger;
  /** The nth escalation of this lead. */
  cycle: number;
  openedAt: Date;
  lastActivityAt: Date;
  activityCount: number;
  /** When the team was last notified; null only on rows older than notifications (read as openedAt). */
  notifiedAt: Date | null;
  /** Activity waiting for the end of the coalescing window to be notified. */
  unnotifiedActivity: number;
  /** Who resolved it (`agent:<id>`, `api_key:<id>`, `system`); null while open. */
  resolvedBy: string | null;
  /** The resolver's name at the time; null while open. */
  resolvedByName: string | null;
  /** Null while open. */
  resolutionReason: ResolveReason | null;
  /** Null: no note. */
  resolutionNote: string | null;
  /** Null while open. */
  resolutionSource: ResolutionSource | null;
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
    conversationId: uuidColumn('conversation_id', true),
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
    notifiedAt: instantColumn('notified_at', true),
    unnotifiedActivity: integerColumn('unnotified_activity'),
    resolvedBy: textColumn('resolved_by', 80, true),
    resolvedByName: textColumn('resolved_by_name', 200, true),
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
  status: 'open' | 'completed';
  /** Null: none given, or still open. */
  disposition: TaskDisposition | null;
  /** A resolve reason given on completion; null: none. */
  resolutionReason: ResolveReason | null;
  /** The note given with the resolution reason; null: none. */
  resolutionNote: string | null;
  /** Who created it (`agent:<id>`, `api_key:<id>`); null on rows older than the column. */
  createdBy: string | null;
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
    resolutionNote: longTextColumn('resolution_note', true),
    createdBy: textColumn('created_by', 80, true),
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
  /** What the extension shows, with its details (team, cycle, lead name, reason): readers redact them in HIPAA mode. */
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

export interface RoutingRuleRow {
  id: string;
  tenantId: string;
  /** Evaluation order, 0 first. */
  position: number;
  name: string;
  /** False: kept but not evaluated. */
  enabled: boolean;
  condition: RoutingRule['condition'];
  actions: RoutingAction[];
  createdAt: Date;
  updatedAt: Date;
}

export const RoutingRuleEntity = new EntitySchema<RoutingRuleRow>({
  name: 'RoutingRule',
  tableName: 'routing_rules',
  columns: {
    id: uuidPrimary,
    tenantId: uuidColumn('tenant_id'),
    position: integerColumn('position'),
    name: textColumn('name', 120),
    enabled: booleanColumn('enabled'),
    condition: jsonColumn('condition'),
    actions: jsonColumn('actions'),
    createdAt: instantColumn('created_at'),
    updatedAt: instantColumn('updated_at'),
  },
});

export interface RoutingRuleSetRow {
  tenantId: string;
  /** Bumped by every rules.save; a save names the version it edits (no row: version 0). */
  version: number;
  updatedAt: Date;
}

/** One row per tenant that ever saved rules: the version of its ordered rule list (optimistic concurrency). */
export const RoutingRuleSetEntity = new EntitySchema<RoutingRuleSetRow>({
  name: 'RoutingRuleSet',
  tableName: 'routing_rule_sets',
  columns: {
    tenantId: { ...uuidColumn('tenant_id'), primary: true },
    version: integerColumn('version'),
    updatedAt: instantColumn('updated_at'),
  },
});
