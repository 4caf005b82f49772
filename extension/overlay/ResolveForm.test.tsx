// The resolve form inside the escalation banner: reasons, hints, the Other-needs-a-note rule, server errors in place.
import { act, cleanup, fireEvent, render, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ActionResult } from '../messaging';
import { BannerStack } from './BannerStack';
import { actionFailure } from './overlay-actions';
import { baton, deferred, fakeActions, fixedClock, hasBaton, makeEscalation, makeView, storeWith } from './test-fixtures';

afterEach(cleanup);

function openForm(actions = fakeActions(), viewOverrides = {}) {
  const store = storeWith(makeView({ escalation: makeEscalation(), ...viewOverrides }));
  const { container } = render(<BannerStack store={store} actions={actions} clock={fixedClock} />);
  fireEvent.click(baton(container, 'resolve'));
  return { container, actions };
}

const select = (container: HTMLElement) => baton(container, 'resolve-reason') as HTMLSelectElement;
const note = (container: HTMLElement) => baton(container, 'resolve-note') as HTMLTextAreaElement;
const choose = (container: HTMLElement, reason: string) => fireEvent.change(select(container), { target: { value: reason } });
const type = (container: HTMLElement, text: string) => fireEvent.change(note(container), { target: { value: text } });
const confirm = (container: HTMLElement) => fireEvent.click(baton(container, 'resolve-confirm'));

describe('ResolveForm', () => {
  it('offers the server reasons by value and label, with the note box and hints', () => {
    const { container } = openForm();
    expect(baton(container, 'resolve-form')).toBeTruthy();
    expect([...select(container).options].map((option) => [option.value, option.textContent])).toEqual([
      ['handled', 'Handled'],
      ['false_positive', 'False positive'],
      ['spam', 'Spam'],
      ['duplicate', 'Duplicate'],
      ['other', 'Other'],
    ]);
    expect(document.activeElement).toBe(select(container));
    expect(note(container).maxLength).toBe(2000);
    expect(container.textContent).toContain('Handled also releases the takeover to AI.');
    expect(container.textContent).toContain('False positive, Spam and Duplicate pause rule escalations');
    expect(baton(container, 'resolve-confirm').textContent).toBe('Confirm Resolve');
    expect(baton(container, 'resolve').getAttribute('aria-expanded')).toBe('true');
  });

  it('counts the note characters', () => {
    const { container } = openForm();
    type(container, 'Called back');
    expect(container.textContent).toContain('11 / 2000');
  });

  it('with Other and a blank note shows the inline error, sends nothing and keeps what was typed', () => {
    const { container, actions } = openForm();
    choose(container, 'other');
    type(container, '   ');
    confirm(container);
    const error = baton(container, 'resolve-note-error');
    expect(error.textContent).toBe('A note is required when the reason is Other.');
    expect(note(container).getAttribute('aria-describedby')).toContain(error.id);
    expect(note(container).getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(note(container));
    expect(note(container).value).toBe('   ');
    expect(select(container).value).toBe('other');
    expect(actions.resolve).not.toHaveBeenCalled();
  });

  it('resolves with the reason and note, showing progress, and closes on success', async () => {
    const answer = deferred<ActionResult<null>>();
    const { container, actions } = openForm(fakeActions({ resolve: () => answer.promise }));
    choose(container, 'other');
    type(container, 'Customer called back');
    confirm(container);
    expect(actions.resolve).toHaveBeenCalledWith('esc-1', 'other', 'Customer called back');
    const button = baton(container, 'resolve-confirm') as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    expect(button.getAttribute('aria-busy')).toBe('true');
    expect(button.textContent).toBe('Confirm Resolve…');
    await act(async () => answer.resolve({ ok: true, value: null }));
    expect(hasBaton(container, 'resolve-form')).toBe(false);
    expect(document.activeElement).toBe(baton(container, 'resolve'));
  });

  it('omits a blank optional note', () => {
    const { container, actions } = openForm();
    choose(container, 'spam');
    confirm(container);
    expect(actions.resolve).toHaveBeenCalledWith('esc-1', 'spam', undefined);
  });

  it.each([
    ['FORBIDDEN', actionFailure('FORBIDDEN', 'Only Billing or an admin can resolve this escalation.')],
    ['CONFLICT', actionFailure('CONFLICT', 'This escalation was already resolved.')],
    ['OFFLINE', actionFailure('OFFLINE', 'Baton is offline. Try again in a moment.')],
  ])('shows the server’s %s message in the form, keeping its values', async (_case, failure) => {
    const { container } = openForm(fakeActions({ resolve: async () => failure }));
    choose(container, 'duplicate');
    type(container, 'Same as #123');
    confirm(container);
    const error = await waitFor(() => baton(container, 'resolve-error'));
    expect(error.textContent).toBe(failure.message);
    expect(error.getAttribute('role')).toBe('alert');
    expect(select(container).value).toBe('duplicate');
    expect(note(container).value).toBe('Same as #123');
    expect(hasBaton(container, 'resolve-note-error')).toBe(false);
  });

  it('shows the server’s note field error next to the textarea', async () => {
    const failure = actionFailure('BAD_REQUEST', 'Invalid input', { note: 'A note is required when the reason is Other.' });
    const { container } = openForm(fakeActions({ resolve: async () => failure }));
    choose(container, 'handled');
    type(container, 'x');
    confirm(container);
    const error = await waitFor(() => baton(container, 'resolve-note-error'));
    expect(error.textContent).toBe('A note is required when the reason is Other.');
    expect(hasBaton(container, 'resolve-error')).toBe(false);
    expect(note(container).value).toBe('x');
  });

  it('warns a viewer who may not resolve, but still lets the server decide', () => {
    const { container } = openForm(fakeActions(), { viewer: { agentId: 'agent-me', name: 'Sam Lee', canResolve: false } });
    expect(container.textContent).toContain('Only the escalated team or an admin can resolve this escalation.');
    expect((baton(container, 'resolve-confirm') as HTMLButtonElement).disabled).toBe(false);
  });

  it.each([
    ['Cancel', (container: HTMLElement) => fireEvent.click(baton(container, 'resolve-cancel'))],
    ['Escape', (container: HTMLElement) => fireEvent.keyDown(note(container), { key: 'Escape' })],
  ])('closes with %s and returns focus to Resolve Escalation', (_case, close) => {
    const { container, actions } = openForm();
    close(container);
    expect(hasBaton(container, 'resolve-form')).toBe(false);
    expect(document.activeElement).toBe(baton(container, 'resolve'));
    expect(actions.resolve).not.toHaveBeenCalled();
  });
});
