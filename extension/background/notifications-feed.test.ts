// Reading notifications.list answers: the server's text and target kept, generic words when a backend sends none, broken items skipped.
import { describe, expect, it } from 'vitest';
import { fallbackText, parseNotificationItems } from './notifications-feed';

const base = {
  id: 'n-1',
  escalationId: 'esc-1',
  kind: 'escalation',
  count: 1,
  payload: { escalationId: 'esc-1', conversationId: 'conv-1' },
  createdAt: '2026-01-05T14:00:00.000Z',
  readAt: null,
};

describe('parseNotificationItems', () => {
  it('keeps the server’s title, body and helpdesk location', () => {
    const [parsed] = parseNotificationItems([
      { ...base, conversationId: 'conv-1', connector: 'demo', externalId: 'DEMO-7', helpdeskUrl: 'http://127.0.0.1:8787/demo/acme/c/DEMO-7', title: 'Escalation: Support', body: 'Jane Doe: refund please' },
    ]);
    expect(parsed).toEqual({
      id: 'n-1',
      escalationId: 'esc-1',
      kind: 'escalation',
      count: 1,
      createdAtMs: Date.parse('2026-01-05T14:00:00.000Z'),
      title: 'Escalation: Support',
      body: 'Jane Doe: refund please',
      target: { conversationId: 'conv-1', connector: 'demo', externalId: 'DEMO-7', helpdeskUrl: 'http://127.0.0.1:8787/demo/acme/c/DEMO-7' },
    });
  });

  it('says generic words (no customer, no team) and takes the conversation from the payload when a backend sends no text', () => {
    const [parsed] = parseNotificationItems([{ ...base, kind: 're_escalated', count: 4, payload: { conversationId: 'conv-9', leadName: 'Jane Doe', teamName: 'Support' } }]);
    expect(parsed).toMatchObject({ title: 'Baton: re-escalated', body: '4 new customer messages on an escalated conversation.', target: { conversationId: 'conv-9', connector: null, helpdeskUrl: null } });
    expect(`${parsed!.title} ${parsed!.body}`).not.toMatch(/Jane|Support/);
  });

  it.each([
    ['an unknown kind', { ...base, kind: 'digest' }],
    ['a read one', { ...base, readAt: '2026-01-05T14:01:00.000Z' }],
    ['no id', { ...base, id: '' }],
    ['a bad date', { ...base, createdAt: 'yesterday' }],
    ['not an object', 'n-1'],
  ])('skips %s', (_, raw) => {
    expect(parseNotificationItems([raw, { ...base, id: 'n-2' }]).map((entry) => entry.id)).toEqual(['n-2']);
  });

  it('answers nothing for an answer that is not a list', () => {
    expect(parseNotificationItems({ items: [] })).toEqual([]);
  });

  it.each([
    ['escalation', 1, 'Baton: new escalation', 'A conversation was escalated to your team.'],
    ['re_escalated', 1, 'Baton: re-escalated', '1 new customer message on an escalated conversation.'],
  ] as const)('fallback text for %s ×%i', (kind, count, title, body) => {
    expect(fallbackText(kind, count)).toEqual({ title, body });
  });
});
