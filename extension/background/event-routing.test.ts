// The fan-out rules: an event reaches the threads it concerns and no others.
import { describe, expect, it } from 'vitest';
import type { BatonEvent } from '../../shared/events';
import { routeEvent, type WatchedThreadSummary } from './event-routing';

const threads: WatchedThreadSummary[] = [
  { key: 'a', conversationId: 'conv-a', leadId: 'lead-1' },
  { key: 'b', conversationId: 'conv-b', leadId: 'lead-1' },
  { key: 'c', conversationId: 'conv-c', leadId: 'lead-2' },
  { key: 'unknown', conversationId: null, leadId: null },
];

const event = (type: BatonEvent['type'], conversationId: string | null, leadId: string | null): BatonEvent => ({
  id: '1',
  type,
  conversationId,
  leadId,
  actor: 'system',
  before: null,
  after: null,
  at: '2026-01-05T14:00:00.000Z',
});

describe('routeEvent', () => {
  it.each([
    ['a takeover reaches its conversation only', event('takeover.started', 'conv-a', 'lead-1'), ['a'], ['a']],
    ['a message reaches its conversation only', event('message.received', 'conv-c', 'lead-2'), ['c'], ['c']],
    ['an escalation reaches every conversation of its lead', event('escalation.opened', 'conv-a', 'lead-1'), ['a', 'b'], ['a', 'b']],
    ['an escalation without a conversation still reaches its lead', event('escalation.cooldown_stamped', null, 'lead-2'), ['c'], ['c']],
    ['a lead tag reaches the lead', event('lead.tagged', null, 'lead-1'), ['a', 'b'], ['a', 'b']],
    ['an unwatched conversation reaches nobody', event('reply.scheduled', 'conv-z', 'lead-9'), [], []],
    ['a new conversation re-checks the unknown threads', event('conversation.created', 'conv-new', 'lead-9'), ['unknown'], []],
    ['a settings change re-reads every known thread', event('settings.changed', null, null), ['a', 'b', 'c'], []],
    ['an api key event reaches nobody', event('api_key.created', null, null), [], []],
  ])('%s', (_name, baton, refresh, changed) => {
    const route = routeEvent(baton, threads);
    expect(route.refresh.sort()).toEqual(refresh);
    expect(route.changed.map((entry) => entry.key).sort()).toEqual(changed);
  });

  it('says which conversation changed, even for a lead-wide event without one', () => {
    expect(routeEvent(event('escalation.resolved', null, 'lead-2'), threads).changed).toEqual([{ key: 'c', conversationId: 'conv-c' }]);
  });
});
