// The routing-rules editor against background answers: saves name the version they edit, the server's
// field errors inline, CONFLICT keeps the edits and offers "Reload their changes", read-only for agents.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { RoutingRule } from '../../shared/routing-rules';
import type { ActionResult } from '../messaging';
import type { RulesView } from '../protocol/options';
import { RoutingRulesSection } from './RoutingRulesSection';
import { errorNear, input, recordingBackground, type } from './form-test-kit';

const TEAM = { id: '3f0c7a2e-5b8d-4c1e-9a6f-2d4b8e1c7a90', name: 'Support' };
const FIRST: RoutingRule = { id: '9d7f3c1a-2b4e-4f6a-8c0d-1e2f3a4b5c6d', name: 'First', enabled: true, condition: { channel: 'sms' }, actions: [{ type: 'takeover_hold' }] };
const SECOND: RoutingRule = { id: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', name: 'Second', enabled: true, condition: { channel: 'email' }, actions: [{ type: 'tag', tag: 'mail' }] };
const CONFLICT_MESSAGE = 'Another admin changed the routing rules since you opened them; reload to see their changes';

const rules = (overrides: Partial<RulesView> = {}): ActionResult<RulesView> => ({ ok: true, value: { rules: [], version: 7, canEdit: true, readOnlyReason: null, ...overrides } });
const failure = (code: string, message: string, fieldErrors: Record<string, string> | null = null, field: string | null = null): ActionResult<never> => ({
  ok: false,
  code,
  message,
  field: field ?? (fieldErrors ? Object.keys(fieldErrors)[0]! : null),
  fieldErrors,
});

const background = recordingBackground();
const answer = background.answer;
const received = background.received;
const saves = () => received.filter((request) => request.type === 'rules.save');

beforeEach(() => {
  fakeBrowser.reset();
});
afterEach(() => {
  cleanup();
  background.reset();
});

describe('RoutingRulesSection', () => {
  it('saves naming the version it loaded, then the version the save answered', async () => {
    answer({
      'rules.list': () => rules({ rules: [FIRST], version: 7 }),
      'rules.save': (request) => rules({ rules: (request as { rules: RoutingRule[] }).rules, version: (request as { expectedVersion: number }).expectedVersion + 1 }),
    });
    render(<RoutingRulesSection teams={[TEAM]} />);
    await waitFor(() => expect(input('rules.0.name').value).toBe('First'));
    type('rules.0.name', 'First, renamed');
    fireEvent.click(screen.getByText('Save rules'));
    await screen.findByText(/Rules saved \(1\)/);
    fireEvent.click(screen.getByText('Save rules'));
    await waitFor(() => expect(saves()).toHaveLength(2));
    expect(saves().map((request) => (request as { expectedVersion: number }).expectedVersion)).toEqual([7, 8]);
    expect(saves()[0]).toMatchObject({ rules: [{ id: FIRST.id, name: 'First, renamed' }] });
  });

  it('a CONFLICT keeps the edits and saves nothing; "Reload their changes" shows the other admin’s rules and their version', async () => {
    answer({ 'rules.list': () => rules({ rules: [FIRST], version: 7 }), 'rules.save': () => failure('CONFLICT', CONFLICT_MESSAGE, null, 'expectedVersion') });
    render(<RoutingRulesSection teams={[TEAM]} />);
    await waitFor(() => expect(input('rules.0.name').value).toBe('First'));
    type('rules.0.name', 'Mine');
    fireEvent.click(screen.getByText('Save rules'));

    await screen.findByText('Reload their changes');
    expect(screen.getByRole('alert').textContent).toContain('Not saved: another admin saved the routing rules after you opened this page.');
    expect(screen.getByRole('alert').textContent).toContain('Your edits are still in the list above');
    expect(input('rules.0.name').value).toBe('Mine');
    expect(screen.queryByText(/Rules saved/)).toBeNull();

    // Their rules: a second one, and version 8; the next save names 8.
    answer({ 'rules.list': () => rules({ rules: [FIRST, SECOND], version: 8 }), 'rules.save': () => rules({ rules: [FIRST, SECOND], version: 9 }) });
    fireEvent.click(screen.getByText('Reload their changes'));
    await waitFor(() => expect(input('rules.1.name').value).toBe('Second'));
    expect(input('rules.0.name').value).toBe('First');
    expect(document.querySelector('[data-rules-conflict]')).toBeNull();
    expect(screen.getByRole('status').textContent).toBe('Loaded the latest rules. Make your changes again and save.');
    fireEvent.click(screen.getByText('Save rules'));
    await screen.findByText(/Rules saved \(2\)/);
    expect(saves().at(-1)).toMatchObject({ expectedVersion: 8 });
  });

  it('shows the server’s field error (a bad pattern) on the rule it names', async () => {
    answer({
      'rules.list': () => rules(),
      'rules.save': () => failure('BAD_REQUEST', 'bad', { 'rules.0.condition.pattern': 'rules.0.condition.pattern: pattern is not a valid regular expression: Unterminated group' }),
    });
    render(<RoutingRulesSection teams={[TEAM]} />);
    fireEvent.click(await screen.findByText('+ Add rule'));
    type('rules.0.name', 'Chargebacks');
    type('rules.0.condition.pattern', 'chargeback');
    type('rules.0.actions.0.reason', 'Chargeback');
    fireEvent.click(screen.getByText('Save rules'));
    await waitFor(() => expect(errorNear('rules.0.condition.pattern')).toBe('Pattern is not a valid regular expression: Unterminated group'));
    expect(received.at(-1)).toEqual({ type: 'rules.save', expectedVersion: 7, rules: [{ name: 'Chargebacks', enabled: true, condition: { pattern: 'chargeback' }, actions: [{ type: 'escalate', teamId: TEAM.id, reason: 'Chargeback' }] }] });
    expect(document.querySelector('[data-rules-conflict]')).toBeNull();
  });

  it('moves rules up and down before saving', async () => {
    answer({ 'rules.list': () => rules({ rules: [FIRST, SECOND] }), 'rules.save': (request) => rules({ rules: (request as { rules: RoutingRule[] }).rules }) });
    render(<RoutingRulesSection teams={[TEAM]} />);
    fireEvent.click(await screen.findByLabelText('Move rule 2 (Second) up'));
    fireEvent.click(screen.getByText('Save rules'));
    await screen.findByText(/Rules saved \(2\)/);
    expect((received.at(-1) as { rules: { name: string }[] }).rules.map((rule) => rule.name)).toEqual(['Second', 'First']);
  });

  it('is read-only for an agent, with the reason', async () => {
    answer({ 'rules.list': () => rules({ canEdit: false, readOnlyReason: 'Only admins can change settings; you are signed in as an agent.' }) });
    render(<RoutingRulesSection teams={[TEAM]} />);
    expect(await screen.findByText(/Only admins can change settings/)).toBeTruthy();
    expect(screen.queryByText('Save rules')).toBeNull();
  });
});
