// The banner stack: every state's contract attributes and texts, stacking, HIPAA, offline, warning countdown, text-only rendering.
import { act, cleanup, fireEvent, render, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectionState, ThreadState } from '../messaging';
import { BannerStack } from './BannerStack';
import { actionFailure } from './overlay-actions';
import type { ConversationView } from './overlay-model';
import { at, baton, fakeActions, fixedClock, hasBaton, makeEscalation, makeTakeover, makeView, storeWith, viewThread } from './test-fixtures';

afterEach(cleanup);

const dana = { agentId: 'agent-dana', name: 'Dana Smith' };
const me = { agentId: 'agent-me', name: 'Sam Lee' };
const XSS = '<img src=x onerror=alert(1)>';

function renderStack(thread: ThreadState | ConversationView | null, connection?: ConnectionState, actions = fakeActions()) {
  const store = storeWith(thread, connection);
  const { container } = render(<BannerStack store={store} actions={actions} clock={fixedClock} />);
  return { container, store, actions };
}

const present = (container: HTMLElement) =>
  ['offline', 'not-handled', 'escalation-banner', 'cooldown', 'takeover-banner', 'timeline'].filter((name) => hasBaton(container, name));

describe('BannerStack states', () => {
  it.each<[string, ThreadState | ConversationView | null, ConnectionState | undefined, string[]]>([
    ['nothing loaded yet', null, undefined, []],
    ['a thread Baton does not know', { kind: 'unknown' }, undefined, ['not-handled']],
    ['a quiet known thread', makeView(), undefined, []],
    ['taken over', makeView({ takeover: makeTakeover(me) }), undefined, ['takeover-banner']],
    ['escalated', makeView({ escalation: makeEscalation() }), undefined, ['escalation-banner']],
    ['escalated and taken over', makeView({ escalation: makeEscalation(), takeover: makeTakeover(me) }), undefined, ['escalation-banner', 'takeover-banner']],
    ['cooling down', makeView({ cooldown: { until: at(3_600_000), text: 'Escalations paused until 6:06 AM CST' } }), undefined, ['cooldown']],
    ['offline with the last view', makeView({ takeover: makeTakeover(me) }), { state: 'offline', message: 'x', retryAt: null }, ['offline', 'takeover-banner']],
    ['unconfigured', { kind: 'unavailable', message: 'Not set up' }, { state: 'unconfigured', message: 'Set up Baton in the extension options.' }, ['offline']],
  ])('%s', (_case, thread, connection, expected) => {
    const { container } = renderStack(thread, connection);
    expect(present(container)).toEqual(expected);
  });

  it('says "Not handled by Baton" quietly for an unknown thread', () => {
    const { container } = renderStack({ kind: 'unknown' });
    expect(baton(container, 'not-handled').textContent).toBe('Not handled by Baton');
    expect(baton(container, 'not-handled').getAttribute('role')).toBeNull();
  });

  it.each<[string, ConnectionState, string]>([
    ['offline', { state: 'offline', message: 'fetch failed', retryAt: null }, 'Baton offline — reconnecting'],
    ['unauthorized', { state: 'unauthorized', message: 'Baton refused the API key: it was revoked.' }, 'Baton refused the API key: it was revoked.'],
    ['unconfigured', { state: 'unconfigured', message: 'Set up Baton in the extension options.' }, 'Set up Baton in the extension options.'],
  ])('%s: says so and disables every action', (_case, connection, text) => {
    const view = makeView({ escalation: makeEscalation(), takeover: makeTakeover(me) });
    const { container } = renderStack(view, connection);
    expect(baton(container, 'offline').textContent).toBe(text);
    expect(baton(container, 'offline').getAttribute('role')).toBe('status');
    for (const name of ['resolve', 'release']) expect((baton(container, name) as HTMLButtonElement).disabled).toBe(true);
  });
});

describe('escalation banner', () => {
  it('shows team, reason, trigger, age and cycle in a labelled red region', () => {
    const { container } = renderStack(makeView({ escalation: makeEscalation() }));
    const banner = baton(container, 'escalation-banner');
    expect(banner.getAttribute('role')).toBe('region');
    expect(banner.getAttribute('aria-label')).toBe('Escalation');
    expect(baton(container, 'escalation-team').textContent).toBe('Billing');
    expect(baton(container, 'escalation-reason').textContent).toBe('Customer asked for a refund');
    expect(baton(container, 'escalation-trigger').textContent).toBe('Rule');
    expect(baton(container, 'escalation-age').textContent).toBe('open 12 min');
    expect(baton(container, 'escalation-cycle').textContent).toBe('Cycle 2');
    expect(baton(container, 'resolve').textContent).toBe('Resolve Escalation');
  });

  it('in HIPAA mode renders no team and no cycle, not even as text', () => {
    const { container } = renderStack(makeView({ escalation: makeEscalation({ redacted: true }), takeover: makeTakeover(me) }));
    expect(hasBaton(container, 'escalation-banner')).toBe(true);
    expect(hasBaton(container, 'escalation-team')).toBe(false);
    expect(hasBaton(container, 'escalation-cycle')).toBe(false);
    expect(container.textContent).not.toContain('Billing');
    expect(container.textContent).not.toMatch(/Cycle/);
    fireEvent.click(baton(container, 'resolve'));
    expect(container.textContent).not.toContain('Billing');
  });
});

describe('takeover banner', () => {
  it.each<[string, NonNullable<ConversationView['takeover']>, string]>([
    ['the viewer', makeTakeover(me), 'You took over at 2:05 PM CST'],
    ['another agent', makeTakeover(dana), 'Dana Smith took over at 2:05 PM CST'],
    ['a routing rule', makeTakeover(null), 'Held by a routing rule'],
  ])('held by %s', (_case, takeover, holderText) => {
    const { container } = renderStack(makeView({ takeover }));
    const banner = baton(container, 'takeover-banner');
    expect(banner.getAttribute('data-compact')).toBe('false');
    expect(baton(container, 'takeover-holder').textContent).toBe(holderText);
    expect(baton(container, 'takeover-resumes').textContent).toBe('AI resumes at 5:00 PM CST');
    expect(baton(container, 'takeover-resumes').getAttribute('data-emphasised')).toBe('false');
    expect(hasBaton(container, 'takeover-countdown')).toBe(false);
    expect(baton(container, 'release').textContent).toBe('Release to AI');
  });

  it('is compact (one line) under an escalation banner, which comes first', () => {
    const { container } = renderStack(makeView({ escalation: makeEscalation(), takeover: makeTakeover(me) }));
    const escalation = baton(container, 'escalation-banner');
    const takeover = baton(container, 'takeover-banner');
    expect(takeover.getAttribute('data-compact')).toBe('true');
    expect(escalation.compareDocumentPosition(takeover) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });

  it.each<[string, Partial<NonNullable<ConversationView['takeover']>>, string]>([
    ['the server flags the warning', { warningActive: true, autoReleaseAt: at(299_000) }, 'in 4:59'],
    ['the server clock reached the last 15 minutes', { warningActive: false, autoReleaseAt: at(10 * 60_000) }, 'in 10:00'],
  ])('emphasises the resume time with a countdown when %s', (_case, overrides, countdown) => {
    const { container } = renderStack(makeView({ takeover: makeTakeover(me, overrides) }));
    const resumes = baton(container, 'takeover-resumes');
    expect(resumes.getAttribute('data-emphasised')).toBe('true');
    expect(baton(resumes, 'takeover-countdown').textContent).toBe(countdown);
  });

  it('keeps Release disabled after a release until the banner goes, and a new takeover starts fresh', async () => {
    const { container, store } = renderStack(makeView({ takeover: makeTakeover(me) }));
    fireEvent.click(baton(container, 'release'));
    await waitFor(() => expect(baton(container, 'release').hasAttribute('aria-busy')).toBe(false));
    expect((baton(container, 'release') as HTMLButtonElement).disabled).toBe(true);
    act(() =>
      store.applyPortMessage({
        type: 'thread',
        ref: { connector: 'demo', externalId: 'DEMO-1' },
        thread: viewThread(makeView({ takeover: makeTakeover(dana, { since: at(0) }) })),
      }),
    );
    expect((baton(container, 'release') as HTMLButtonElement).disabled).toBe(false);
  });

  it('releases, and shows a failure inline', async () => {
    const actions = fakeActions({ release: async () => actionFailure('CONFLICT', 'This conversation was already released.') });
    const { container } = renderStack(makeView({ takeover: makeTakeover(me) }), undefined, actions);
    fireEvent.click(baton(container, 'release'));
    expect(actions.release).toHaveBeenCalledTimes(1);
    const error = await waitFor(() => baton(container, 'action-error'));
    expect(error.textContent).toBe('This conversation was already released.');
    expect(error.getAttribute('role')).toBe('alert');
  });
});

it('shows the cooldown line', () => {
  const { container } = renderStack(makeView({ cooldown: { until: at(3_600_000), text: 'Escalations paused until 6:06 AM CST' } }));
  expect(baton(container, 'cooldown').textContent).toBe('Escalations paused until 6:06 AM CST');
});

it('renders page and customer text as text, never as markup', () => {
  const view = makeView({
    escalation: makeEscalation({ reason: XSS }),
    takeover: makeTakeover({ agentId: 'agent-x', name: XSS }),
    cooldown: { until: at(1), text: XSS },
  });
  const { container } = renderStack(view);
  expect(container.querySelector('img')).toBeNull();
  expect(baton(container, 'escalation-reason').textContent).toBe(XSS);
  expect(baton(container, 'takeover-holder').textContent).toContain(XSS);
  expect(baton(container, 'cooldown').textContent).toBe(XSS);
});
