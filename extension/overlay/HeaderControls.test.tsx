// Header controls: Take Over (plain, transfer with confirmation, rule hold), progress, errors, offline, Timeline toggle.
import { act, cleanup, fireEvent, render, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ActionResult } from '../messaging';
import { HeaderControls } from './HeaderControls';
import type { ConversationView } from './overlay-model';
import { actionFailure } from './overlay-actions';
import { baton, deferred, fakeActions, hasBaton, makeTakeover, makeView, storeWith } from './test-fixtures';

afterEach(cleanup);

const dana = { agentId: 'agent-dana', name: 'Dana Smith' };

function renderHeader(view: ConversationView, actions = fakeActions(), connection?: Parameters<typeof storeWith>[1]) {
  const store = storeWith(view, connection);
  const { container } = render(<HeaderControls store={store} actions={actions} />);
  return { container, store, actions };
}

describe('HeaderControls', () => {
  it.each<[string, ConversationView, boolean]>([
    ['not taken over → Take Over shown', makeView(), true],
    ['taken over by another agent → Take Over shown', makeView({ takeover: makeTakeover(dana) }), true],
    ['held by a routing rule → Take Over shown', makeView({ takeover: makeTakeover(null) }), true],
    ['taken over by the viewer → no Take Over', makeView({ takeover: makeTakeover({ agentId: 'agent-me', name: 'Sam Lee' }) }), false],
  ])('%s', (_case, view, shown) => {
    const { container } = renderHeader(view);
    expect(hasBaton(container, 'take-over')).toBe(shown);
    expect(baton(container, 'timeline-toggle').textContent).toBe('Timeline');
  });

  it('is a real button with its text as label and a decorative hand icon', () => {
    const { container } = renderHeader(makeView());
    const button = baton(container, 'take-over');
    expect(button.tagName).toBe('BUTTON');
    expect(button.getAttribute('type')).toBe('button');
    expect(button.textContent).toBe('Take Over');
    expect(button.querySelector('svg')?.getAttribute('aria-hidden')).toBe('true');
  });

  it('takes over a free conversation at once, expecting nobody to hold it, showing progress meanwhile', async () => {
    const answer = deferred<ActionResult<ConversationView>>();
    const { container, actions } = renderHeader(makeView(), fakeActions({ takeOver: () => answer.promise }));
    fireEvent.click(baton(container, 'take-over'));
    expect(actions.takeOver).toHaveBeenCalledWith(null);
    const button = baton(container, 'take-over') as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    expect(button.getAttribute('aria-busy')).toBe('true');
    expect(button.textContent).toBe('Take Over…');
    await act(async () => answer.resolve({ ok: true, value: makeView() }));
    expect(button.disabled).toBe(false);
    expect(button.hasAttribute('aria-busy')).toBe(false);
  });

  it('takes over a rule hold without asking', () => {
    const { container, actions } = renderHeader(makeView({ takeover: makeTakeover(null) }));
    fireEvent.click(baton(container, 'take-over'));
    expect(hasBaton(container, 'transfer-confirm')).toBe(false);
    expect(actions.takeOver).toHaveBeenCalledWith(null);
  });

  it('asks before a transfer, naming the holder, and passes the holder it named', async () => {
    const { container, actions } = renderHeader(makeView({ takeover: makeTakeover(dana) }));
    fireEvent.click(baton(container, 'take-over'));
    expect(actions.takeOver).not.toHaveBeenCalled();
    const confirm = baton(container, 'transfer-confirm');
    expect(confirm.textContent).toContain('Dana Smith holds this conversation. Take it over?');
    expect(document.activeElement).toBe(baton(container, 'transfer-confirm-yes'));
    fireEvent.click(baton(container, 'transfer-confirm-yes'));
    expect(actions.takeOver).toHaveBeenCalledWith('agent-dana');
    await waitFor(() => expect(hasBaton(container, 'transfer-confirm')).toBe(false));
  });

  it('shows the CONFLICT naming the new holder inline', async () => {
    const conflict = actionFailure('CONFLICT', 'Lee Park took this conversation over meanwhile');
    const { container } = renderHeader(makeView({ takeover: makeTakeover(dana) }), fakeActions({ takeOver: async () => conflict }));
    fireEvent.click(baton(container, 'take-over'));
    fireEvent.click(baton(container, 'transfer-confirm-yes'));
    const error = await waitFor(() => baton(container, 'action-error'));
    expect(error.getAttribute('role')).toBe('alert');
    expect(error.textContent).toBe('Lee Park took this conversation over meanwhile');
    expect(document.activeElement).toBe(baton(container, 'take-over'));
  });

  it.each([
    ['the Cancel button', (container: HTMLElement) => fireEvent.click(baton(container, 'transfer-cancel'))],
    ['Escape', (container: HTMLElement) => fireEvent.keyDown(baton(container, 'transfer-confirm-yes'), { key: 'Escape' })],
  ])('closes the confirmation with %s, taking nothing over', (_case, close) => {
    const { container, actions } = renderHeader(makeView({ takeover: makeTakeover(dana) }));
    fireEvent.click(baton(container, 'take-over'));
    close(container);
    expect(hasBaton(container, 'transfer-confirm')).toBe(false);
    expect(actions.takeOver).not.toHaveBeenCalled();
    expect(document.activeElement).toBe(baton(container, 'take-over'));
  });

  it('never throws when the action rejects: the error shows inline', async () => {
    const { container } = renderHeader(makeView(), fakeActions({ takeOver: async () => Promise.reject(new Error('Extension context invalidated.')) }));
    fireEvent.click(baton(container, 'take-over'));
    const error = await waitFor(() => baton(container, 'action-error'));
    expect(error.textContent).toContain('Extension context invalidated.');
  });

  it('disables Take Over while Baton is offline', () => {
    const { container } = renderHeader(makeView(), fakeActions(), { state: 'offline', message: 'down', retryAt: null });
    expect((baton(container, 'take-over') as HTMLButtonElement).disabled).toBe(true);
  });

  it('renders nothing for a thread Baton does not know', () => {
    const store = storeWith({ kind: 'unknown' });
    const { container } = render(<HeaderControls store={store} actions={fakeActions()} />);
    expect(container.innerHTML).toBe('');
  });

  it('toggles the timeline drawer in the shared store', () => {
    const { container, store } = renderHeader(makeView());
    const toggle = baton(container, 'timeline-toggle');
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(toggle);
    expect(store.getState().timeline.open).toBe(true);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
  });

  it('takes the focus back when the drawer (another shadow root) closes', () => {
    const { container, store } = renderHeader(makeView());
    fireEvent.click(baton(container, 'timeline-toggle'));
    (document.body as HTMLElement).focus();
    act(() => store.updateTimeline((timeline) => ({ ...timeline, open: false, focus: 'toggle' })));
    expect(document.activeElement).toBe(baton(container, 'timeline-toggle'));
    expect(store.getState().timeline.focus).toBeNull();
  });
});
