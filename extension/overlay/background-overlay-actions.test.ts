// Each overlay action is one typed request for the current conversation; failures never throw.
import { describe, expect, it, vi } from 'vitest';
import type { BackgroundRequest } from '../messaging';
import { createBackgroundOverlayActions, type SendToBackground } from './background-overlay-actions';

function recordingSend(answer: unknown = { ok: true, value: null }) {
  const requests: BackgroundRequest[] = [];
  const send = vi.fn(async (request: BackgroundRequest) => {
    requests.push(request);
    return answer;
  }) as unknown as SendToBackground;
  return { send, requests };
}

describe('createBackgroundOverlayActions', () => {
  it.each<[string, (a: ReturnType<typeof createBackgroundOverlayActions>) => Promise<unknown>, BackgroundRequest]>([
    ['take over (nobody held it)', (a) => a.takeOver(null), { type: 'conversation.takeOver', conversationId: 'conv-1', expectedHolderId: null }],
    ['take over (transfer)', (a) => a.takeOver('agent-dana'), { type: 'conversation.takeOver', conversationId: 'conv-1', expectedHolderId: 'agent-dana' }],
    ['take over (no expectation)', (a) => a.takeOver(), { type: 'conversation.takeOver', conversationId: 'conv-1' }],
    ['release', (a) => a.release(), { type: 'conversation.release', conversationId: 'conv-1' }],
    ['send now', (a) => a.sendNow('r1'), { type: 'reply.sendNow', conversationId: 'conv-1', replyId: 'r1' }],
    ['edit and send', (a) => a.editAndSend('r1', 'Hi'), { type: 'reply.editAndSend', conversationId: 'conv-1', replyId: 'r1', body: 'Hi' }],
    ['cancel', (a) => a.cancelReply('r1'), { type: 'reply.cancel', conversationId: 'conv-1', replyId: 'r1' }],
    ['resolve with a note', (a) => a.resolve('esc-1', 'other', 'why'), { type: 'escalation.resolve', conversationId: 'conv-1', escalationId: 'esc-1', reason: 'other', note: 'why' }],
    ['resolve without a note', (a) => a.resolve('esc-1', 'spam'), { type: 'escalation.resolve', conversationId: 'conv-1', escalationId: 'esc-1', reason: 'spam' }],
    ['timeline', (a) => a.loadTimeline(), { type: 'conversation.timeline', conversationId: 'conv-1', cursor: null }],
    ['older timeline', (a) => a.loadTimeline('c2'), { type: 'conversation.timeline', conversationId: 'conv-1', cursor: 'c2' }],
  ])('%s', async (_case, act, expected) => {
    const { send, requests } = recordingSend();
    await act(createBackgroundOverlayActions(() => 'conv-1', send));
    expect(requests).toEqual([expected]);
  });

  it('refuses with NOT_READY while no conversation is shown', async () => {
    const { send, requests } = recordingSend();
    const result = await createBackgroundOverlayActions(() => null, send).release();
    expect(result).toMatchObject({ ok: false, code: 'NOT_READY' });
    expect(requests).toEqual([]);
  });

  it('turns a background failure into a failure result', async () => {
    const send = (async () => {
      throw new Error('Could not establish connection.');
    }) as unknown as SendToBackground;
    const result = await createBackgroundOverlayActions(() => 'conv-1', send).sendNow('r1');
    expect(result).toMatchObject({ ok: false, code: 'INTERNAL', message: 'Baton could not do that: Could not establish connection.' });
  });
});
