// The scheduled-reply banner: countdown on the server clock, Send Now / Edit & Send / Cancel, failed delivery, offline, text only.
import { act, cleanup, fireEvent, render, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ActionResult, ConnectionState } from '../messaging';
import { actionFailure } from './overlay-actions';
import type { ConversationView } from './overlay-model';
import { ScheduledReplyBanner } from './ScheduledReplyBanner';
import { at, baton, deferred, fakeActions, fixedClock, hasBaton, makeTakeover, makeView, SERVER_NOW, SERVER_OFFSET_MS, storeWith } from './test-fixtures';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const XSS = '<img src=x onerror=alert(1)>';

function pending(dueInMs: number, body = 'Thanks for waiting — your refund is on its way.'): ConversationView['pendingReply'] {
  return { id: 'reply-1', body, channel: 'sms', dueAt: at(dueInMs) };
}

function renderReply(view: ConversationView, options: { actions?: ReturnType<typeof fakeActions>; connection?: ConnectionState; clock?: () => number } = {}) {
  const actions = options.actions ?? fakeActions();
  const store = storeWith(view, options.connection);
  const rendered = render(<ScheduledReplyBanner store={store} actions={actions} clock={options.clock ?? fixedClock} />);
  return { container: rendered.container, unmount: rendered.unmount, actions, store };
}

describe('ScheduledReplyBanner', () => {
  it('renders nothing without a pending or failed reply', () => {
    const { container } = renderReply(makeView());
    expect(container.innerHTML).toBe('');
  });

  it('shows the reply text, the countdown in a polite live region and the three actions', () => {
    const { container } = renderReply(makeView({ pendingReply: pending(45_000) }));
    const banner = baton(container, 'reply-banner');
    expect(banner.getAttribute('role')).toBe('region');
    expect(baton(container, 'reply-body').textContent).toBe('Thanks for waiting — your refund is on its way.');
    const countdown = baton(container, 'reply-countdown');
    expect(countdown.textContent).toBe('Sending in ~45 s');
    expect(countdown.getAttribute('aria-live')).toBe('polite');
    expect(countdown.getAttribute('aria-atomic')).toBe('true');
    expect(['send-now', 'edit-send', 'cancel-reply'].map((name) => baton(container, name).textContent)).toEqual(['Send Now', 'Edit & Send', 'Cancel']);
  });

  it.each([
    ['due in 45 s on the server clock', 45_000, 0, 'Sending in ~45 s'],
    ['due in 8 s', 8_000, 0, 'Sending in ~8 s'],
    ['the local clock 10 s behind the offset', 45_000, -10_000, 'Sending in ~55 s'],
    ['past due', -2_000, 0, 'Sending…'],
  ])('counts down from dueAt and the server offset: %s', (_case, dueInMs, localSkewMs, expected) => {
    const { container } = renderReply(makeView({ pendingReply: pending(dueInMs) }), { clock: () => fixedClock() + localSkewMs });
    expect(baton(container, 'reply-countdown').textContent).toBe(expected);
  });

  it('ticks every second with one interval, cleared on unmount', () => {
    vi.useFakeTimers();
    let local = SERVER_NOW - SERVER_OFFSET_MS;
    const { container, unmount } = renderReply(makeView({ pendingReply: pending(12_000) }), { clock: () => local });
    expect(baton(container, 'reply-countdown').textContent).toBe('Sending in ~10 s');
    expect(vi.getTimerCount()).toBe(1);
    act(() => {
      local += 5_000;
      vi.advanceTimersByTime(5_000);
    });
    expect(baton(container, 'reply-countdown').textContent).toBe('Sending in ~7 s');
    unmount();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('sends now, showing progress, then waits for the fresh view without re-enabling', async () => {
    const answer = deferred<ActionResult<null>>();
    const { container, actions } = renderReply(makeView({ pendingReply: pending(45_000) }), { actions: fakeActions({ sendNow: () => answer.promise }) });
    fireEvent.click(baton(container, 'send-now'));
    expect(actions.sendNow).toHaveBeenCalledWith('reply-1');
    const button = baton(container, 'send-now') as HTMLButtonElement;
    expect(button.textContent).toBe('Send Now…');
    expect(button.getAttribute('aria-busy')).toBe('true');
    expect((baton(container, 'cancel-reply') as HTMLButtonElement).disabled).toBe(true);
    await act(async () => answer.resolve({ ok: true, value: null }));
    expect(button.hasAttribute('aria-busy')).toBe(false);
    expect(button.textContent).toBe('Send Now');
    for (const name of ['send-now', 'edit-send', 'cancel-reply']) expect((baton(container, name) as HTMLButtonElement).disabled).toBe(true);
  });

  it('re-enables the actions after a failure', async () => {
    const actions = fakeActions({ cancelReply: async () => actionFailure('OFFLINE', 'Baton offline — reconnecting') });
    const { container } = renderReply(makeView({ pendingReply: pending(45_000) }), { actions });
    fireEvent.click(baton(container, 'cancel-reply'));
    await waitFor(() => baton(container, 'action-error'));
    expect((baton(container, 'send-now') as HTMLButtonElement).disabled).toBe(false);
  });

  it('cancels the reply', () => {
    const { container, actions } = renderReply(makeView({ pendingReply: pending(45_000) }));
    fireEvent.click(baton(container, 'cancel-reply'));
    expect(actions.cancelReply).toHaveBeenCalledWith('reply-1');
  });

  it('edits in place and sends the edited text', () => {
    const { container, actions } = renderReply(makeView({ pendingReply: pending(45_000) }));
    fireEvent.click(baton(container, 'edit-send'));
    const editor = baton(container, 'reply-editor') as HTMLTextAreaElement;
    expect(editor.value).toBe('Thanks for waiting — your refund is on its way.');
    expect(document.activeElement).toBe(editor);
    fireEvent.change(editor, { target: { value: 'Your refund was sent today.' } });
    expect(baton(container, 'edit-confirm').textContent).toBe('Send edited reply');
    fireEvent.click(baton(container, 'edit-confirm'));
    expect(actions.editAndSend).toHaveBeenCalledWith('reply-1', 'Your refund was sent today.');
  });

  it('refuses to send a blank edit, keeping the editor open', () => {
    const { container, actions } = renderReply(makeView({ pendingReply: pending(45_000) }));
    fireEvent.click(baton(container, 'edit-send'));
    fireEvent.change(baton(container, 'reply-editor'), { target: { value: '  ' } });
    fireEvent.click(baton(container, 'edit-confirm'));
    expect(baton(container, 'reply-editor-error').textContent).toBe('The reply cannot be empty.');
    expect(actions.editAndSend).not.toHaveBeenCalled();
  });

  it.each([
    ['the cancel button', (container: HTMLElement) => fireEvent.click(baton(container, 'edit-cancel'))],
    ['Escape', (container: HTMLElement) => fireEvent.keyDown(baton(container, 'reply-editor'), { key: 'Escape' })],
  ])('leaves the editor with %s, focus back on Edit & Send', (_case, leave) => {
    const { container, actions } = renderReply(makeView({ pendingReply: pending(45_000) }));
    fireEvent.click(baton(container, 'edit-send'));
    leave(container);
    expect(hasBaton(container, 'reply-editor')).toBe(false);
    expect(document.activeElement).toBe(baton(container, 'edit-send'));
    expect(actions.editAndSend).not.toHaveBeenCalled();
  });

  it('shows an action failure inline', async () => {
    const actions = fakeActions({ sendNow: async () => actionFailure('CONFLICT', 'This reply was already sent.') });
    const { container } = renderReply(makeView({ pendingReply: pending(45_000) }), { actions });
    fireEvent.click(baton(container, 'send-now'));
    const error = await waitFor(() => baton(container, 'action-error'));
    expect(error.textContent).toBe('This reply was already sent.');
    expect(error.getAttribute('role')).toBe('alert');
  });

  it('shows a failed delivery with its error, and keeps showing it', () => {
    const failedReply = { id: 'reply-0', body: 'Earlier reply', error: 'Twilio: 21610 unsubscribed recipient', attempts: 5, failedAt: at(-60_000) };
    const { container } = renderReply(makeView({ failedReply }));
    const failed = baton(container, 'reply-failed');
    expect(failed.textContent).toContain('Twilio: 21610 unsubscribed recipient');
    expect(failed.textContent).toContain('after 5 attempts');
    expect(hasBaton(container, 'reply-banner')).toBe(false);
  });

  it('shows a draft that ran out of retries as text, above any other reply banner', () => {
    const failedDraft = { messageId: 'message-1', error: 'AI endpoint answered 500', attempts: 4, failedAt: at(-5_000) };
    const { container } = renderReply(makeView({ failedDraft }));
    const failed = baton(container, 'draft-failed');
    expect(failed.getAttribute('role')).toBe('region');
    expect(failed.textContent).toBe('The AI could not draft a reply: AI endpoint answered 500. Reply yourself or ask again when the AI is back.');
    expect(hasBaton(container, 'reply-banner')).toBe(false);
    expect(hasBaton(container, 'reply-failed')).toBe(false);
  });

  it('renders a failed draft\'s error as text, never HTML', () => {
    const failedDraft = { messageId: 'message-1', error: XSS, attempts: 1, failedAt: at(-1) };
    const { container } = renderReply(makeView({ failedDraft }));
    expect(container.querySelector('img')).toBeNull();
    expect(baton(container, 'draft-failed-text').textContent).toBe(`The AI could not draft a reply: ${XSS}. Reply yourself or ask again when the AI is back.`);
  });

  it('shows a reply already on its way when the viewer took over: plain text, no actions', () => {
    const replyInFlight = { id: 'reply-1', body: XSS, channel: 'sms' as const, status: 'sending' as const, attempts: 0, lastError: null };
    const { container } = renderReply(makeView({ replyInFlight, takeover: makeTakeover({ agentId: 'agent-me', name: 'Sam Lee' }) }));
    expect(baton(container, 'reply-in-flight-text').textContent).toBe('Sending now — it was already on its way when you took over');
    expect(baton(container, 'reply-in-flight-body').textContent).toBe(XSS);
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelectorAll('button')).toHaveLength(0);
  });

  it('disables every action while Baton is offline', () => {
    const { container } = renderReply(makeView({ pendingReply: pending(45_000) }), { connection: { state: 'offline', message: 'x', retryAt: null } });
    for (const name of ['send-now', 'edit-send', 'cancel-reply']) expect((baton(container, name) as HTMLButtonElement).disabled).toBe(true);
  });

  it('renders the reply body and a failure as text', () => {
    const failedReply = { id: 'reply-0', body: XSS, error: XSS, attempts: 1, failedAt: at(-1) };
    const { container } = renderReply(makeView({ pendingReply: pending(45_000, XSS), failedReply }));
    expect(container.querySelector('img')).toBeNull();
    expect(baton(container, 'reply-body').textContent).toBe(XSS);
    fireEvent.click(baton(container, 'edit-send'));
    expect((baton(container, 'reply-editor') as HTMLTextAreaElement).value).toBe(XSS);
    expect(container.querySelector('img')).toBeNull();
  });
});
