// The timeline drawer's words: one line per event type, actors named (never raw ids), HIPAA mode (events redacted first) without team or cycle.
import { describe, expect, it } from 'vitest';
import { redactEventForReader } from './event-redaction.js';
import { describeEvent, eventActor, messageActor, systemNoteOf, type TimelineEventInput, type TimelineWording } from './timeline-text.js';

const AGENTS: Record<string, string> = { 'a-dana': 'Dana Smith', 'a-sam': 'Sam' };
const KEYS: Record<string, { name: string; agentName: string | null }> = { 'k-crm': { name: 'CRM sync', agentName: null }, 'k-dana': { name: 'Dana laptop', agentName: 'Dana Smith' } };
const wording = (): TimelineWording => ({
  timeZone: 'America/Chicago',
  agentName: (id) => AGENTS[id] ?? null,
  apiKey: (id) => KEYS[id] ?? null,
});
const event = (type: string, after: Record<string, unknown> | null = null, actor = 'system', before: Record<string, unknown> | null = null): TimelineEventInput => ({ type, actor, before, after });

const OPENED = { escalationId: 'e1', team: { id: 't1', name: 'Billing' }, cycle: 2, redacted: false, reason: 'Refund request', trigger: 'rule' };

describe('describeEvent', () => {
  it.each<[string, TimelineEventInput, string]>([
    ['conversation.created', event('conversation.created', {}, 'customer'), 'Conversation started'],
    ['conversation.helpdesk_url_recorded', event('conversation.helpdesk_url_recorded', { helpdeskUrl: 'https://desk.example.com/t/1' }, 'agent:a-dana'), 'Opened in the helpdesk for the first time'],
    ['takeover.started (banner)', event('takeover.started', { source: 'manual' }, 'agent:a-dana'), 'Took over'],
    ['takeover.started (popup)', event('takeover.started', { source: 'popup' }), 'Took over'],
    ['takeover.started (SMS)', event('takeover.started', { source: 'auto_sms' }), 'Took over by sending an SMS'],
    ['takeover.started (email)', event('takeover.started', { source: 'auto_email' }), 'Took over by sending an email'],
    ['takeover.started (rule hold)', event('takeover.started', { source: 'rule_hold' }), 'Held for the team by a routing rule'],
    ['takeover.transferred', event('takeover.transferred', { previousHolderId: 'a-sam' }), 'Took over from Sam'],
    ['takeover.transferred (unknown holder)', event('takeover.transferred', { previousHolderId: 'a-gone' }), 'Took over from another agent'],
    ['takeover.released (manual)', event('takeover.released', { releaseSource: 'manual' }), 'Released to AI'],
    ['takeover.released (auto)', event('takeover.released', { releaseSource: 'auto' }), 'Released automatically at the end of business hours'],
    ['takeover.released (handled)', event('takeover.released', { releaseSource: 'handled' }), 'Released to AI: escalation resolved as handled'],
    ['takeover.auto_release_rescheduled', event('takeover.auto_release_rescheduled', { autoReleaseAt: '2026-01-14T23:00:00.000Z' }), 'AI now resumes at 5:00 PM CST (business hours changed)'],
    ['reply.scheduled', event('reply.scheduled', { replyId: 'r1', dueAt: '2026-01-14T23:00:00.000Z' }), 'AI reply scheduled'],
    ['reply.send_now', event('reply.send_now', {}, 'agent:a-dana'), 'Sent the AI reply now'],
    ['reply.edited', event('reply.edited', {}, 'agent:a-dana'), 'Edited the AI reply and sent it'],
    ['reply.sent', event('reply.sent', { editedByAgentId: null }), 'AI reply sent'],
    ['reply.sent (edited)', event('reply.sent', { editedByAgentId: 'a-dana' }), 'Edited AI reply sent'],
    ['reply.retry_scheduled', event('reply.retry_scheduled', {}), 'AI reply not delivered yet: retrying'],
    ['reply.failed', event('reply.failed', { endReason: 'gateway timeout' }), 'AI reply could not be delivered: gateway timeout'],
    ['reply.cancelled (agent)', event('reply.cancelled', { endReason: 'agent' }, 'agent:a-dana'), 'Cancelled the AI reply'],
    ['reply.cancelled (takeover)', event('reply.cancelled', { endReason: 'takeover' }), 'AI reply cancelled by the takeover'],
    ['reply.cancelled (human replied)', event('reply.cancelled', { endReason: 'human_replied' }), 'AI reply cancelled: an agent answered first'],
    ['reply.cancelled (nothing to answer)', event('reply.cancelled', { endReason: 'no_customer_message' }), 'AI reply cancelled: no customer message to answer'],
    ['reply.superseded', event('reply.superseded', {}, 'customer'), 'AI reply replaced: the customer wrote again'],
    ['reply.blocked', event('reply.blocked', { guardrail: 'order number' }), 'AI draft held back by a guardrail'],
    ['lead.tagged', event('lead.tagged', { tags: ['vip', 'legal'] }, 'system', { tags: ['vip'] }), 'Tagged legal'],
    ['escalation.opened', event('escalation.opened', OPENED, 'rule:Refunds'), 'Escalated to Billing: Refund request (cycle 2)'],
    ['escalation.opened (first cycle)', event('escalation.opened', { ...OPENED, cycle: 1 }), 'Escalated to Billing: Refund request'],
    ['escalation.opened (redacted when stored)', event('escalation.opened', { redacted: true, reason: 'Refund request' }), 'Escalated: Refund request'],
    ['escalation.re_escalated', event('escalation.re_escalated', { activityCount: 3 }), 'Re-escalated: 3 new activities since it opened'],
    ['escalation.notified', event('escalation.notified', { kind: 'escalation', teamName: 'Billing', cycle: 2, agentIds: ['a-dana', 'a-sam'] }), 'Notified Billing: 2 agents'],
    ['escalation.notified (re-escalated)', event('escalation.notified', { kind: 're_escalated', count: 4, teamName: 'Billing', agentIds: ['a-dana'] }), 'Notified Billing of new activity (4): 1 agent'],
    ['escalation.notified (nobody)', event('escalation.notified', { kind: 'escalation', teamName: 'Billing', agentIds: [] }), 'Nobody on Billing to notify'],
    ['escalation.unrouted', event('escalation.unrouted', { why: 'The tenant has no team to escalate to' }), 'Not escalated: The tenant has no team to escalate to'],
    ['escalation.resolved', event('escalation.resolved', { reason: 'spam', source: 'manual', note: null }, 'agent:a-dana'), 'Escalation resolved as spam'],
    ['escalation.resolved (false positive)', event('escalation.resolved', { reason: 'false_positive', source: 'manual' }), 'Escalation resolved as false positive'],
    ['escalation.resolved (other, with a note)', event('escalation.resolved', { reason: 'other', source: 'manual', note: 'Moved to enterprise' }), 'Escalation resolved as other: Moved to enterprise'],
    ['escalation.resolved (by a reply)', event('escalation.resolved', { reason: 'handled', source: 'reply' }), 'Escalation resolved as handled by a team member’s reply'],
    ['escalation.resolved (by a task)', event('escalation.resolved', { reason: 'handled', source: 'task' }), 'Escalation resolved as handled by a callback task'],
    ['task.completed', event('task.completed', { disposition: 'voicemail_left' }), 'Callback task completed: voicemail left'],
    ['an unknown type', event('settings.changed', {}), 'Settings changed'],
  ])('%s', (_name, input, expected) => {
    expect(describeEvent(input, wording())).toEqual({ kind: 'event', text: expected });
  });

  it.each<[string, TimelineEventInput]>([
    ['escalation.cooldown_stamped', event('escalation.cooldown_stamped', { cooldownUntil: '2026-01-14T12:06:00.000Z', systemNote: 'Escalations paused until 6:06 AM CST — resolved as spam by Dana' }, 'agent:a-dana')],
    ['escalation.suppressed', event('escalation.suppressed', { trigger: 'rule', systemNote: 'Escalation suppressed: escalations are paused until 6:06 AM CST' }, 'rule:Refunds')],
  ])('%s is a system note with its own text, by System', (_name, input) => {
    expect(describeEvent(input, wording())).toEqual({ kind: 'note', text: input.after!.systemNote });
    expect(eventActor(input, wording())).toEqual({ kind: 'system', name: 'System' });
  });

  it('in HIPAA mode never names the team or the cycle: the stored facts are redacted before wording', () => {
    const inHipaaMode = (input: TimelineEventInput) => describeEvent(redactEventForReader({ ...input, conversationId: 'c1', leadId: 'l1' }, true), wording()).text;
    const lines = [
      inHipaaMode(event('escalation.opened', OPENED)),
      inHipaaMode(event('escalation.notified', { kind: 'escalation', teamName: 'Billing', cycle: 2, agentIds: ['a-dana'] })),
      inHipaaMode(event('escalation.notified', { kind: 'escalation', teamName: 'Billing', agentIds: [] })),
      inHipaaMode(event('escalation.re_escalated', { activityCount: 2 })),
    ];
    expect(lines).toEqual(['Escalated: Refund request', 'Notified the team: 1 agent', 'Nobody on the team to notify', 'Re-escalated: 2 new activities since it opened']);
    for (const line of lines) expect(line).not.toMatch(/Billing|cycle/i);
  });

  it('a note is only a non-blank systemNote', () => {
    expect(systemNoteOf(event('escalation.suppressed', { systemNote: '  ' }))).toBeNull();
    expect(systemNoteOf(event('takeover.started', null))).toBeNull();
  });
});

describe('eventActor', () => {
  it.each<[string, TimelineEventInput, { kind: string; name: string }]>([
    ['an agent', event('takeover.started', {}, 'agent:a-dana'), { kind: 'agent', name: 'Dana Smith' }],
    ['an agent no longer known', event('takeover.started', {}, 'agent:a-gone'), { kind: 'agent', name: 'Unknown agent' }],
    ['an agent’s API key', event('takeover.started', {}, 'api_key:k-dana'), { kind: 'agent', name: 'Dana Smith' }],
    ['an integration API key', event('takeover.started', {}, 'api_key:k-crm'), { kind: 'system', name: 'API key CRM sync' }],
    ['an unknown API key', event('takeover.started', {}, 'api_key:k-gone'), { kind: 'system', name: 'API key' }],
    ['a routing rule', event('escalation.opened', {}, 'rule:Refunds'), { kind: 'system', name: 'Routing rule Refunds' }],
    ['the customer', event('reply.superseded', {}, 'customer'), { kind: 'customer', name: 'Customer' }],
    ['Baton’s reply work', event('reply.scheduled', {}, 'system'), { kind: 'ai', name: 'AI' }],
    ['Baton itself', event('takeover.released', {}, 'system'), { kind: 'system', name: 'System' }],
  ])('%s', (_name, input, actor) => {
    expect(eventActor(input, wording())).toEqual(actor);
  });
});

describe('messageActor', () => {
  it.each([
    [{ author: 'customer', agentId: null }, { kind: 'customer', name: 'Customer' }],
    [{ author: 'ai', agentId: null }, { kind: 'ai', name: 'AI' }],
    [{ author: 'agent', agentId: 'a-sam' }, { kind: 'agent', name: 'Sam' }],
    [{ author: 'agent', agentId: null }, { kind: 'agent', name: 'Agent' }],
  ])('%o → %o', (message, actor) => {
    expect(messageActor(message, wording())).toEqual(actor);
  });
});
