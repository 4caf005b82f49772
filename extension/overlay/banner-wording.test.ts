// Banner wording: the holder line, triggers, connection notices, the resolve hints.
import { describe, expect, it } from 'vitest';
import type { ConnectionState, ThreadState } from '../messaging';
import {
  actionsAvailable,
  connectionNotice,
  noteRequiredMessage,
  replyInFlightText,
  resolveReasonsHint,
  takeoverHolderText,
  transferQuestion,
  triggerLabel,
  viewerHolds,
} from './banner-wording';
import { makeTakeover, makeView, RESOLVE_REASONS } from './test-fixtures';

describe('takeoverHolderText', () => {
  it.each([
    ['the viewer', makeTakeover({ agentId: 'agent-me', name: 'Sam Lee' }), 'You took over at 2:05 PM CST'],
    ['another agent', makeTakeover({ agentId: 'agent-dana', name: 'Dana Smith' }), 'Dana Smith took over at 2:05 PM CST'],
    ['a routing rule', makeTakeover(null), 'Held by a routing rule'],
    ['no start time', makeTakeover({ agentId: 'agent-dana', name: 'Dana Smith' }, { since: null }), 'Dana Smith took over'],
  ])('%s', (_case, takeover, expected) => {
    expect(takeoverHolderText(takeover, makeView({ takeover }))).toBe(expected);
  });

  it('does not call a key without an agent "You"', () => {
    const takeover = makeTakeover({ agentId: 'agent-dana', name: 'Dana Smith' });
    const view = makeView({ takeover, viewer: { agentId: null, name: 'Integration', canResolve: true } });
    expect(viewerHolds(view)).toBe(false);
  });
});

it('asks the transfer question naming the holder', () => {
  expect(transferQuestion('Dana Smith')).toBe('Dana Smith holds this conversation. Take it over?');
});

it.each([
  ['rule', 'Rule'],
  ['sla_breach', 'SLA breach'],
  ['guardrail', 'Guardrail'],
  ['manual', 'Manual'],
  ['api', 'API'],
] as const)('names the trigger %s "%s"', (trigger, label) => {
  expect(triggerLabel(trigger)).toBe(label);
});

describe('connectionNotice', () => {
  const view: ThreadState = { kind: 'view', view: makeView(), serverOffsetMs: 0, receivedAt: 0 };
  it.each<[string, ConnectionState, ThreadState | null, string | null]>([
    ['online', { state: 'online' }, view, null],
    ['offline', { state: 'offline', message: 'fetch failed', retryAt: null }, view, 'Baton offline — reconnecting'],
    ['unauthorized', { state: 'unauthorized', message: 'The API key was revoked.' }, view, 'The API key was revoked.'],
    ['unconfigured', { state: 'unconfigured', message: 'Set up Baton in the extension options.' }, null, 'Set up Baton in the extension options.'],
    ['online but the thread could not be read', { state: 'online' }, { kind: 'unavailable', message: 'Baton could not load this conversation.' }, 'Baton could not load this conversation.'],
  ])('%s', (_case, connection, thread, expected) => {
    expect(connectionNotice(connection, thread)).toBe(expected);
    expect(actionsAvailable(connection, thread)).toBe(expected === null);
  });
});

it('hints which reasons release the takeover and which start a cooldown', () => {
  expect(resolveReasonsHint(RESOLVE_REASONS)).toEqual([
    'Handled also releases the takeover to AI.',
    'False positive, Spam and Duplicate pause rule escalations on this customer for a while.',
  ]);
  expect(noteRequiredMessage('Other')).toBe('A note is required when the reason is Other.');
});

describe('replyInFlightText', () => {
  const leaving = { id: 'reply-1', body: 'On its way', channel: 'sms' as const, status: 'sending' as const, attempts: 0, lastError: null };
  const mine = makeView({ takeover: makeTakeover({ agentId: 'agent-me', name: 'Sam Lee' }) });
  it.each([
    ['sending, the viewer took over', leaving, mine, 'Sending now — it was already on its way when you took over'],
    ['sent, the viewer took over', { ...leaving, status: 'sent' as const }, mine, 'Already sent — it was already on its way when you took over'],
    ['sending, someone else took over', leaving, makeView({ takeover: makeTakeover({ agentId: 'agent-2', name: 'Dana' }) }), 'Sending now — it was already on its way when the conversation was taken over'],
    ['sending, no takeover', leaving, makeView(), 'Sending now'],
    ['retrying, no takeover', { ...leaving, attempts: 2, lastError: 'the webhook answered 503' }, makeView(), 'Sending now — retrying after 2 failed attempts: the webhook answered 503'],
  ])('%s', (_case, reply, view, text) => {
    expect(replyInFlightText(reply, view)).toBe(text);
  });
});
