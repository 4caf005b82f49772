// The popup's wording: each takeover state and its toggle, time left, titles, escalation facts, connection labels.
import { describe, expect, it } from 'vitest';
import type { OpenEscalationItem } from '../../shared/conversation-list';
import type { ThreadState } from '../messaging';
import { makeTakeover, makeView } from '../overlay/test-fixtures';
import { connectionLabel, conversationTitle, escalationFacts, helpdeskReference, summarizeThread, timeLeftText } from './popup-wording';

const NOW = Date.parse('2026-01-05T14:00:00.000Z');
const viewThread = (view = makeView()): ThreadState => ({ kind: 'view', view, serverOffsetMs: 0, receivedAt: NOW });
const me = makeView().viewer;

describe('summarizeThread', () => {
  it.each<[string, ThreadState, object]>([
    ['AI active → Take Over', viewThread(), { tone: 'ai', status: 'AI is handling this conversation', toggle: { kind: 'take-over', label: 'Take Over', expectedHolderId: null } }],
    [
      'mine → Release to AI, with the server’s "AI resumes at"',
      viewThread(makeView({ takeover: { ...makeTakeover({ agentId: me.agentId!, name: me.name }), warning: 'AI resumes at 5:00 PM CST' } })),
      { tone: 'mine', status: 'You took over', detail: 'AI resumes at 5:00 PM CST', toggle: { kind: 'release', label: 'Release to AI' } },
    ],
    [
      'another agent → take over from them, expecting them',
      viewThread(makeView({ takeover: makeTakeover({ agentId: 'agent-dana', name: 'Dana Smith' }) })),
      { tone: 'other', status: 'Taken over by Dana Smith', toggle: { kind: 'take-over', label: 'Take over from Dana Smith', expectedHolderId: 'agent-dana' } },
    ],
    ['a rule hold → Take Over', viewThread(makeView({ takeover: makeTakeover(null) })), { tone: 'rule', status: 'Held by a routing rule (no agent yet)', toggle: { kind: 'take-over', expectedHolderId: null } }],
    ['unknown → quiet, no toggle', { kind: 'unknown' }, { tone: 'quiet', status: 'Not handled by Baton', toggle: null }],
    ['unavailable → its message, no toggle', { kind: 'unavailable', message: 'Baton is offline' }, { tone: 'quiet', detail: 'Baton is offline', toggle: null }],
  ])('%s', (_case, thread, expected) => {
    expect(summarizeThread(thread)).toMatchObject(expected);
  });
});

describe('timeLeftText', () => {
  it.each<[string | null, string]>([
    [null, 'No auto-release'],
    ['not a date', 'No auto-release'],
    ['2026-01-05T13:59:00.000Z', 'AI resumes any moment'],
    ['2026-01-05T14:04:59.000Z', 'AI resumes in 4:59'],
    ['2026-01-05T14:42:30.000Z', 'AI resumes in 42 min'],
    ['2026-01-05T16:00:00.000Z', 'AI resumes in 2 h'],
    ['2026-01-05T16:05:00.000Z', 'AI resumes in 2 h 5 min'],
  ])('%s → %s', (autoReleaseAt, expected) => {
    expect(timeLeftText(autoReleaseAt, NOW)).toBe(expected);
  });
});

describe('row labels', () => {
  it('names the customer, else the subject, else the helpdesk thread', () => {
    expect(conversationTitle({ leadName: 'Jane Doe', subject: 'Refund', externalId: 'D-1' })).toBe('Jane Doe');
    expect(conversationTitle({ leadName: null, subject: 'Refund', externalId: 'D-1' })).toBe('Refund');
    expect(conversationTitle({ leadName: null, externalId: 'D-1' })).toBe('Thread D-1');
    expect(conversationTitle({ leadName: null, externalId: null })).toBe('Unknown customer');
    expect(helpdeskReference({ connector: 'demo', externalId: 'D-1' })).toBe('demo · D-1');
    expect(helpdeskReference({ connector: null, externalId: 'D-1' })).toBeNull();
  });

  it('gives an escalation’s trigger, team (when shown) and age', () => {
    const item = { trigger: 'sla_breach', teamName: 'Support', openedAt: '2026-01-05T13:48:00.000Z' } as OpenEscalationItem;
    expect(escalationFacts(item, NOW)).toBe('SLA breach · Support · open 12 min');
    expect(escalationFacts({ ...item, teamName: null }, NOW)).toBe('SLA breach · open 12 min');
  });

  it.each([
    [{ state: 'online' }, 'Connected', false],
    [{ state: 'offline', message: 'x', retryAt: null }, 'Offline — retrying', false],
    [{ state: 'unauthorized', message: 'x' }, 'Credential refused', true],
    [{ state: 'unconfigured', message: 'x' }, 'Not set up', true],
  ] as const)('connection %o', (connection, text, needsOptions) => {
    expect(connectionLabel(connection)).toEqual({ text, needsOptions });
  });
});
