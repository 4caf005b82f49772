// An open escalation as `escalations.listOpen` answers it, for the popup's tests (override what a test needs).
import type { OpenEscalationItem } from '../../shared/conversation-list';

/** Sam Lee's manual escalation to Support (DEMO-9, no helpdesk page recorded yet). */
export function makeOpenEscalation(overrides: Partial<OpenEscalationItem> = {}): OpenEscalationItem {
  return {
    id: 'esc-1',
    leadId: 'lead-e',
    leadName: 'Sam Lee',
    conversationId: 'conv-esc',
    connector: 'demo',
    externalId: 'DEMO-9',
    helpdeskUrl: null,
    teamId: 'team-1',
    teamName: 'Support',
    cycle: 1,
    reason: 'Customer asks for a refund',
    reasonCode: null,
    trigger: 'manual',
    openedAt: '2026-01-05T13:48:00.000Z',
    lastActivityAt: '2026-01-05T13:48:00.000Z',
    activityCount: 1,
    ...overrides,
  };
}
