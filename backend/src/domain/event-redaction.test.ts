// Read-time HIPAA redaction of events (issue 11 item 5): per event type, what a reader sees with HIPAA mode on and off.
import { describe, expect, it } from 'vitest';
import type { BatonEvent, EventType } from '../../../shared/events.js';
import { redactEventForReader } from './event-redaction.js';

const TEAM = { id: 'team-zebra', name: 'Zebra Oncology Desk' };

const event = (type: EventType, after: Record<string, unknown> | null, extra: Partial<BatonEvent> = {}): BatonEvent => ({
  id: '42',
  type,
  conversationId: 'conv-1',
  leadId: 'lead-1',
  actor: 'system',
  before: null,
  after,
  at: '2026-12-02T18:00:00.000Z',
  ...extra,
});

/** Freezes every level, so a mutation of the input throws. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

/** As `escalations.open` stores it (the facts, whatever the HIPAA mode). */
const OPENED_AFTER = {
  escalationId: 'esc-1', id: 'esc-1', status: 'open', redacted: false, team: TEAM, cycle: 2, reason: 'Chest pain mentioned', reasonCode: null, trigger: 'manual',
  openedAt: '2026-12-02T18:00:00.000Z', lastActivityAt: '2026-12-02T18:00:00.000Z', activityCount: 0, resolution: null, bypassCooldown: false,
};
const NOTIFIED_AFTER = {
  escalationId: 'esc-1', leadId: 'lead-1', conversationId: 'conv-1', kind: 'escalation', count: 1, trigger: 'manual',
  teamName: TEAM.name, cycle: 2, leadName: 'Priscilla Quux', reason: 'Chest pain mentioned', agentIds: ['agent-nora'],
};

describe('redactEventForReader with HIPAA mode on', () => {
  it.each<[string, BatonEvent, Record<string, unknown> | null]>([
    [
      'escalation.opened: no team (id or name) and no cycle; the view says it is redacted, the reason stays (the banner shows it)',
      event('escalation.opened', OPENED_AFTER),
      { ...Object.fromEntries(Object.entries(OPENED_AFTER).filter(([key]) => key !== 'team' && key !== 'cycle')), redacted: true },
    ],
    [
      'escalation.notified: the notification on the stream, without team, cycle, lead name or reason; who was notified stays',
      event('escalation.notified', NOTIFIED_AFTER),
      { escalationId: 'esc-1', leadId: 'lead-1', conversationId: 'conv-1', kind: 'escalation', count: 1, trigger: 'manual', agentIds: ['agent-nora'] },
    ],
    [
      'escalation.notified (re-escalated): its count is activity, not the cycle, and stays',
      event('escalation.notified', { ...NOTIFIED_AFTER, kind: 're_escalated', count: 3 }),
      { escalationId: 'esc-1', leadId: 'lead-1', conversationId: 'conv-1', kind: 're_escalated', count: 3, trigger: 'manual', agentIds: ['agent-nora'] },
    ],
    [
      'escalation.opened as a HIPAA-mode writer stored it before issue 11: already without them',
      event('escalation.opened', { escalationId: 'esc-1', redacted: true, reason: 'Chest pain mentioned' }),
      { escalationId: 'esc-1', redacted: true, reason: 'Chest pain mentioned' },
    ],
    [
      'a team or cycle nested in a lead event (any depth, arrays too) is left out',
      event('task.completed', { taskId: 'task-1', escalation: { id: 'esc-1', teamId: TEAM.id, cycle: 4, redacted: false }, history: [{ teamName: TEAM.name, at: 'x' }] }),
      { taskId: 'task-1', escalation: { id: 'esc-1', redacted: true }, history: [{ at: 'x' }] },
    ],
  ])('%s', (_label, input, expectedAfter) => {
    const out = redactEventForReader(deepFreeze(input), true);
    expect(out.after).toEqual(expectedAfter);
    expect({ ...out, after: null }).toEqual({ ...input, after: null });
    expect(JSON.stringify(out)).not.toMatch(/Zebra|team-zebra|"cycle"|"team/);
  });

  it('redacts `before` as well as `after`', () => {
    const input = deepFreeze(event('escalation.re_escalated', { activityCount: 2 }, { before: { teamId: TEAM.id, cycle: 1, activityCount: 1 } }));
    expect(redactEventForReader(input, true)).toEqual({ ...input, before: { activityCount: 1 } });
  });

  it.each<[string, BatonEvent]>([
    ['escalation.re_escalated (activity counts only)', event('escalation.re_escalated', { escalationId: 'esc-1', activityCount: 2, lastActivityAt: '2026-12-02T18:01:00.000Z' })],
    ['escalation.resolved', event('escalation.resolved', { escalationId: 'esc-1', status: 'resolved', reason: 'handled', note: 'Called back', source: 'manual', resolvedByName: 'Nora' }, { before: { escalationId: 'esc-1', status: 'open' } })],
    ['escalation.suppressed', event('escalation.suppressed', { trigger: 'rule', reasonCode: null, cooldownUntil: '2026-12-02T20:00:00.000Z', systemNote: 'Escalation suppressed: escalations are paused until 2:00 PM' })],
    ['escalation.cooldown_stamped', event('escalation.cooldown_stamped', { escalationId: 'esc-1', cooldownUntil: '2026-12-02T20:00:00.000Z', systemNote: 'Escalations paused until 2:00 PM CST — resolved as spam by Nora' })],
    ['escalation.unrouted', event('escalation.unrouted', { trigger: 'sla_breach', why: 'The tenant has no team to escalate to' })],
    ['message.received (the customer’s words are the timeline’s by design)', event('message.received', { messageId: 'm-1', channel: 'sms', body: 'My chest hurts', at: 'x' }, { actor: 'customer' })],
    ['takeover.started', event('takeover.started', { source: 'manual', heldByAgentId: 'agent-nora' }, { actor: 'agent:agent-nora' })],
    ['team.created (tenant configuration: the admin pages list team names in any mode)', event('team.created', { id: TEAM.id, name: TEAM.name }, { conversationId: null, leadId: null })],
    ['team.member_added (tenant configuration)', event('team.member_added', { teamId: TEAM.id, agentId: 'agent-nora' }, { conversationId: null, leadId: null })],
    ['settings.changed (tenant configuration)', event('settings.changed', { hipaaMode: true, escalationTeamId: TEAM.id, version: 3 }, { conversationId: null, leadId: null })],
    ['an event without before or after', event('conversation.created', null)],
  ])('%s carries nothing to hide: the event itself', (_label, input) => {
    expect(redactEventForReader(deepFreeze(input), true)).toBe(input);
  });
});

describe('redactEventForReader with HIPAA mode off', () => {
  it.each<[string, BatonEvent]>([
    ['escalation.opened', event('escalation.opened', OPENED_AFTER)],
    ['escalation.notified', event('escalation.notified', NOTIFIED_AFTER)],
  ])('%s: the stored facts, unchanged (the same event)', (_label, input) => {
    expect(redactEventForReader(input, false)).toBe(input);
  });

  it('never mutates the input it redacts', () => {
    const input = event('escalation.opened', structuredClone(OPENED_AFTER));
    const copy = structuredClone(input);
    redactEventForReader(input, true);
    expect(input).toEqual(copy);
  });
});
