// The overlay's actions through the real message channel: backend inputs, ActionResult mapping
// (CONFLICT, BAD_REQUEST field errors, offline, unconfigured) and the fresh view pushed to the tabs.
import { describe, expect, it } from 'vitest';
import { sendToBackground } from '../messaging';
import type { ConversationRef } from '../overlay/overlay-model';
import { fakeView, serverError } from './testing/fake-backend';
import { useTestBackground } from './testing/test-background';

const ref: ConversationRef = { connector: 'demo', externalId: 'DEMO-1' };
const view = fakeView({ id: '7b1c4c55-0a4b-4b8e-9d4e-0c7d5f6a1b2c' });
const conversationId = view.id;
const heldByDana = { ...view, takeover: { holder: { agentId: 'agent-2', name: 'Dana Smith' }, source: 'manual', since: '2026-01-05T14:00:00.000Z', autoReleaseAt: null, warning: 'AI resumes at 5:00 PM CST', warningActive: false } };

describe('overlay actions', () => {
  const t = useTestBackground({ views: { 'DEMO-1': view } });

  it('takes over with the expected holder and pushes the answered view to the tabs showing it', async () => {
    const tab = t.connect(ref);
    await t.settle();
    t.fake.answer('conversations.takeOver', () => ({ ...heldByDana, serverNow: new Date(Date.now() + 1_000).toISOString() }));

    const result = await sendToBackground({ type: 'conversation.takeOver', conversationId, expectedHolderId: null });

    expect(t.fake.callsTo('conversations.takeOver')).toEqual([{ id: conversationId, source: 'manual', expectedHolderId: null }]);
    expect(result).toMatchObject({ ok: true, value: { id: conversationId, takeover: { holder: { name: 'Dana Smith' } } } });
    expect(tab.receivedOf('thread').at(-1)?.thread).toMatchObject({ kind: 'view', serverOffsetMs: 1_000, view: { takeover: { holder: { name: 'Dana Smith' } } } });
  });

  it('omits expectedHolderId when the overlay does not send one', async () => {
    t.fake.answer('conversations.takeOver', () => heldByDana);
    await sendToBackground({ type: 'conversation.takeOver', conversationId });
    expect(t.fake.callsTo('conversations.takeOver')).toEqual([{ id: conversationId, source: 'manual' }]);
  });

  it('passes the popup as the source of a takeover and a release (the banner stays `manual`)', async () => {
    const tab = t.connect(ref);
    await t.settle();
    t.fake.answer('conversations.takeOver', () => heldByDana);
    t.fake.answer('conversations.release', () => view);
    await sendToBackground({ type: 'conversation.takeOver', conversationId, expectedHolderId: null, source: 'popup' });
    expect(tab.receivedOf('thread').at(-1)?.thread).toMatchObject({ kind: 'view', view: { takeover: { holder: { name: 'Dana Smith' } } } });
    await sendToBackground({ type: 'conversation.release', conversationId, source: 'popup' });
    await sendToBackground({ type: 'conversation.release', conversationId, source: 'elsewhere' as 'popup' });
    expect(t.fake.callsTo('conversations.takeOver')).toEqual([{ id: conversationId, source: 'popup', expectedHolderId: null }]);
    expect(t.fake.callsTo('conversations.release')).toEqual([
      { id: conversationId, source: 'popup' },
      { id: conversationId, source: 'manual' },
    ]);
    expect(tab.receivedOf('thread').at(-1)?.thread).toMatchObject({ kind: 'view', view: { takeover: null } });
  });

  it('answers a CONFLICT with its message for the inline error', async () => {
    t.fake.answer('conversations.takeOver', () => {
      throw serverError('CONFLICT', 'Dana Smith took this conversation over meanwhile');
    });
    const result = await sendToBackground({ type: 'conversation.takeOver', conversationId, expectedHolderId: 'agent-3' });
    expect(result).toEqual({ ok: false, code: 'CONFLICT', message: 'Dana Smith took this conversation over meanwhile', field: null, fieldErrors: null });
  });

  it('answers a BAD_REQUEST with the field and its field errors', async () => {
    t.fake.answer('escalations.resolve', () => {
      throw serverError('BAD_REQUEST', 'A note is required when the reason is Other', { field: 'note', fieldErrors: { note: 'A note is required when the reason is Other' } });
    });
    const result = await sendToBackground({ type: 'escalation.resolve', conversationId, escalationId: 'esc-1', reason: 'other', note: '  ' });
    expect(t.fake.callsTo('escalations.resolve')).toEqual([{ id: 'esc-1', reason: 'other', note: '  ' }]);
    expect(result).toEqual({
      ok: false,
      code: 'BAD_REQUEST',
      message: 'A note is required when the reason is Other',
      field: 'note',
      fieldErrors: { note: 'A note is required when the reason is Other' },
    });
  });

  it('answers OFFLINE when the backend cannot be reached, without throwing', async () => {
    t.fake.setDown(true);
    const result = await sendToBackground({ type: 'reply.cancel', conversationId, replyId: 'reply-1' });
    expect(result).toEqual({ ok: false, code: 'OFFLINE', message: 'Baton is offline — try again when it reconnects', field: null, fieldErrors: null });
  });

  it('answers UNCONFIGURED when nothing is saved', async () => {
    await t.restart({ configured: false });
    const result = await sendToBackground({ type: 'conversation.release', conversationId });
    expect(result).toMatchObject({ ok: false, code: 'UNCONFIGURED' });
    expect(t.fake.calls).toEqual([]);
  });

  it.each([
    ['reply.sendNow', { type: 'reply.sendNow', conversationId, replyId: 'reply-1' }, 'replies.sendNow', { id: 'reply-1' }],
    ['reply.editAndSend', { type: 'reply.editAndSend', conversationId, replyId: 'reply-1', body: 'Edited text' }, 'replies.editAndSend', { id: 'reply-1', body: 'Edited text' }],
    ['reply.cancel', { type: 'reply.cancel', conversationId, replyId: 'reply-1' }, 'replies.cancel', { id: 'reply-1' }],
    ['escalation.resolve', { type: 'escalation.resolve', conversationId, escalationId: 'esc-1', reason: 'spam' }, 'escalations.resolve', { id: 'esc-1', reason: 'spam' }],
  ] as const)('%s calls %s, answers null and re-reads the view for its tabs', async (_name, request, path, input) => {
    const tab = t.connect(ref);
    await t.settle();
    t.fake.answer(path, () => ({ status: 'ok' }));
    t.views.set('DEMO-1', { ...view, pendingReply: null, escalation: null, subject: 'after the action' });

    expect(await sendToBackground(request)).toEqual({ ok: true, value: null });
    expect(t.fake.callsTo(path)).toEqual([input]);
    await t.settle(100);
    expect(tab.receivedOf('thread').at(-1)?.thread).toMatchObject({ kind: 'view', view: { subject: 'after the action' } });
  });

  it('releases and pushes the answered view', async () => {
    const tab = t.connect(ref);
    await t.settle();
    t.fake.answer('conversations.release', () => ({ ...view, subject: 'released', serverNow: new Date(Date.now() + 1).toISOString() }));
    expect(await sendToBackground({ type: 'conversation.release', conversationId })).toMatchObject({ ok: true, value: { subject: 'released' } });
    expect(t.fake.callsTo('conversations.release')).toEqual([{ id: conversationId, source: 'manual' }]);
    expect(tab.receivedOf('thread').at(-1)?.thread).toMatchObject({ view: { subject: 'released' } });
  });

  it('asks for a timeline page with the cursor, and without one for the first page', async () => {
    const page = { entries: [], nextCursor: null, timeZone: 'America/Chicago' };
    t.fake.answer('conversations.timeline', () => page);
    expect(await sendToBackground({ type: 'conversation.timeline', conversationId })).toEqual({ ok: true, value: page });
    expect(await sendToBackground({ type: 'conversation.timeline', conversationId, cursor: 'abc' })).toEqual({ ok: true, value: page });
    expect(t.fake.callsTo('conversations.timeline')).toEqual([{ id: conversationId }, { id: conversationId, cursor: 'abc' }]);
  });

  it('records an agent reply with its idempotency key, and says when it was a duplicate', async () => {
    t.fake.answer('messages.recordAgentReply', ({ idempotencyKey }: { idempotencyKey: string }) =>
      idempotencyKey === 'demo:draft-1' ? { status: 'accepted', messageId: 'm-1', autoTakeover: true, resolvedEscalationId: null } : { status: 'duplicate', messageId: 'm-1' },
    );
    const send = { channel: 'sms', body: 'On my way', idempotencyKey: 'demo:draft-1' } as const;
    expect(await sendToBackground({ type: 'message.recordAgentReply', conversationId, send })).toEqual({ ok: true, value: { status: 'accepted', autoTakeover: true } });
    expect(await sendToBackground({ type: 'message.recordAgentReply', conversationId, send: { ...send, idempotencyKey: 'demo:draft-2' } })).toEqual({
      ok: true,
      value: { status: 'duplicate', autoTakeover: false },
    });
    expect(t.fake.callsTo('messages.recordAgentReply')[0]).toEqual({ conversationId, channel: 'sms', body: 'On my way', idempotencyKey: 'demo:draft-1' });
  });

  it('a refused credential on an action also puts the connection in the unauthorized state', async () => {
    const tab = t.connect(ref);
    (await t.openStream()).start();
    await t.settle(100);
    t.fake.answer('replies.cancel', () => {
      throw serverError('UNAUTHORIZED', 'API key revoked');
    });
    expect(await sendToBackground({ type: 'reply.cancel', conversationId, replyId: 'reply-1' })).toMatchObject({ ok: false, code: 'UNAUTHORIZED' });
    await t.settle();
    expect(tab.receivedOf('connection').at(-1)?.connection).toMatchObject({ state: 'unauthorized' });
  });

  it('a FORBIDDEN action (not in the team) stays an inline error and leaves the connection alone', async () => {
    const tab = t.connect(ref);
    (await t.openStream()).start();
    await t.settle(100);
    t.fake.answer('escalations.resolve', () => {
      throw serverError('FORBIDDEN', 'Only members of Billing can resolve this escalation');
    });
    expect(await sendToBackground({ type: 'escalation.resolve', conversationId, escalationId: 'esc-1', reason: 'spam' })).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
      message: 'Only members of Billing can resolve this escalation',
    });
    expect(tab.receivedOf('connection').at(-1)?.connection).toEqual({ state: 'online' });
  });
});
