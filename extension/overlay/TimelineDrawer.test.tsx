// The timeline drawer: loads on open, entries in the tenant zone, "Load older", reload after a change, Escape, text only.
import { act, cleanup, fireEvent, render, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ActionResult } from '../messaging';
import { BannerStack } from './BannerStack';
import { HeaderControls } from './HeaderControls';
import { actionFailure } from './overlay-actions';
import type { TimelineEntry, TimelinePage } from './overlay-model';
import { baton, fakeActions, fixedClock, hasBaton, makeView, storeWith } from './test-fixtures';

afterEach(cleanup);

const XSS = '<img src=x onerror=alert(1)>';

function entry(id: string, overrides: Partial<TimelineEntry> = {}): TimelineEntry {
  return {
    id,
    kind: 'event',
    at: '2025-01-15T20:05:00.000Z',
    actor: { kind: 'agent', name: 'Dana Smith' },
    text: 'Took over',
    eventType: 'takeover.started',
    channel: null,
    ...overrides,
  };
}

function page(entries: TimelineEntry[], nextCursor: string | null = null): ActionResult<TimelinePage> {
  return { ok: true, value: { entries, nextCursor, timeZone: 'America/Chicago' } };
}

/** Header and stack side by side, as on the page (two shadow roots, one store). */
function renderBoth(actions = fakeActions()) {
  const store = storeWith(makeView());
  const header = render(<HeaderControls store={store} actions={actions} />).container;
  const stack = render(<BannerStack store={store} actions={actions} clock={fixedClock} />).container;
  return { store, actions, header, stack };
}

describe('TimelineDrawer', () => {
  it('opens from the header, loads the newest page and shows who, what and when in the tenant zone', async () => {
    const actions = fakeActions({
      loadTimeline: async () =>
        page([
          entry('e:2'),
          entry('m:1', { kind: 'message', at: '2025-01-15T20:01:00.000Z', actor: { kind: 'customer', name: 'Customer' }, text: 'Hello?', eventType: null, channel: 'sms' }),
        ]),
    });
    const { header, stack } = renderBoth(actions);
    expect(hasBaton(stack, 'timeline')).toBe(false);
    fireEvent.click(baton(header, 'timeline-toggle'));
    const drawer = baton(stack, 'timeline');
    expect(document.activeElement?.textContent).toBe('Timeline'); // the drawer's heading took the focus
    await waitFor(() => expect(drawer.querySelectorAll('[data-baton="timeline-entry"]')).toHaveLength(2));
    expect(actions.loadTimeline).toHaveBeenCalledWith(null);
    const [first, second] = drawer.querySelectorAll('[data-baton="timeline-entry"]');
    expect(first?.textContent).toBe('Dana SmithTook over2:05 PM');
    expect(second?.textContent).toBe('CustomerHello?2:01 PM');
    expect(first?.querySelector('time')?.getAttribute('dateTime')).toBe('2025-01-15T20:05:00.000Z');
  });

  it('pages back with "Load older"', async () => {
    const pages = [page([entry('e:3')], 'cursor-1'), page([entry('e:2', { text: 'Released to AI' })], null)];
    const actions = fakeActions({ loadTimeline: async () => pages.shift()! });
    const { header, stack } = renderBoth(actions);
    fireEvent.click(baton(header, 'timeline-toggle'));
    const more = await waitFor(() => baton(stack, 'timeline-more'));
    expect(more.textContent).toBe('Load older');
    fireEvent.click(more);
    await waitFor(() => expect(stack.querySelectorAll('[data-baton="timeline-entry"]')).toHaveLength(2));
    expect(actions.loadTimeline).toHaveBeenLastCalledWith('cursor-1');
    expect(hasBaton(stack, 'timeline-more')).toBe(false);
  });

  it('reloads the newest page when the conversation changes', async () => {
    const pages = [page([entry('e:1')]), page([entry('e:2', { text: 'Escalation resolved as spam' }), entry('e:1')])];
    const actions = fakeActions({ loadTimeline: async () => pages.shift()! });
    const { header, stack, store } = renderBoth(actions);
    fireEvent.click(baton(header, 'timeline-toggle'));
    await waitFor(() => expect(stack.querySelectorAll('[data-baton="timeline-entry"]')).toHaveLength(1));
    act(() => store.applyPortMessage({ type: 'changed', conversationId: 'conv-1', eventType: 'escalation.resolved' }));
    await waitFor(() => expect(stack.querySelectorAll('[data-baton="timeline-entry"]')).toHaveLength(2));
    expect(stack.textContent).toContain('Escalation resolved as spam');
  });

  it('shows a load failure inline with a retry', async () => {
    let calls = 0;
    const actions = fakeActions({
      loadTimeline: async () => (++calls === 1 ? actionFailure('OFFLINE', 'Baton offline — reconnecting') : page([entry('e:1')])),
    });
    const { header, stack } = renderBoth(actions);
    fireEvent.click(baton(header, 'timeline-toggle'));
    const error = await waitFor(() => baton(stack, 'action-error'));
    expect(error.textContent).toBe('Baton offline — reconnecting');
    fireEvent.click(baton(stack, 'timeline-retry'));
    await waitFor(() => expect(stack.querySelectorAll('[data-baton="timeline-entry"]')).toHaveLength(1));
  });

  it('closes with Escape and gives the focus back to the toggle', async () => {
    const { header, stack, store } = renderBoth();
    fireEvent.click(baton(header, 'timeline-toggle'));
    await waitFor(() => expect(store.getState().timeline.loading).toBeNull());
    fireEvent.keyDown(baton(stack, 'timeline'), { key: 'Escape' });
    expect(hasBaton(stack, 'timeline')).toBe(false);
    expect(document.activeElement).toBe(baton(header, 'timeline-toggle'));
  });

  it('renders customer text as text', async () => {
    const actions = fakeActions({ loadTimeline: async () => page([entry('m:9', { kind: 'message', text: XSS, actor: { kind: 'customer', name: XSS } })]) });
    const { header, stack } = renderBoth(actions);
    fireEvent.click(baton(header, 'timeline-toggle'));
    const item = await waitFor(() => baton(stack, 'timeline-entry'));
    expect(item.textContent).toContain(XSS);
    expect(stack.querySelector('img')).toBeNull();
  });
});
