// The settings form and rules editor against background answers: server field errors inline, CONFLICT
// keeps the edits and offers the reload, read-only for agents, the AI key never shown.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { DEFAULT_TENANT_SETTINGS, publicSettings } from '../../shared/settings';
import { handleMessages, type ActionResult, type BackgroundHandlers, type BackgroundRequest } from '../messaging';
import type { RulesView, SettingsView } from '../protocol/options';
import { RoutingRulesSection } from './RoutingRulesSection';
import { SettingsForm } from './SettingsForm';

const TEAM = { id: '3f0c7a2e-5b8d-4c1e-9a6f-2d4b8e1c7a90', name: 'Support' };
const view = (overrides: Partial<SettingsView> = {}): SettingsView => ({ settings: publicSettings(DEFAULT_TENANT_SETTINGS), version: 3, canEdit: true, readOnlyReason: null, teams: [TEAM], ...overrides });
const failure = (code: string, message: string, fieldErrors: Record<string, string> | null = null): ActionResult<never> => ({ ok: false, code, message, field: fieldErrors ? Object.keys(fieldErrors)[0]! : null, fieldErrors });

let received: BackgroundRequest[] = [];
let unregister: () => void = () => undefined;
/** Registers background answers for the request types a test needs. */
function answer(handlers: Partial<BackgroundHandlers>) {
  unregister();
  const recording = Object.fromEntries(Object.entries(handlers).map(([type, handle]) => [type, (request: BackgroundRequest) => (received.push(request), (handle as (r: BackgroundRequest) => unknown)(request))]));
  unregister = handleMessages(recording as unknown as BackgroundHandlers);
}
const input = (name: string) => document.querySelector<HTMLInputElement>(`[name="${name}"]`)!;
const type = (name: string, value: string) => fireEvent.change(input(name), { target: { value } });
const errorNear = (name: string) => input(name).closest('.field, .window, .pattern-row')?.querySelector('.field-error')?.textContent ?? null;

beforeEach(() => {
  fakeBrowser.reset();
  received = [];
});
afterEach(() => {
  cleanup();
  unregister();
});

describe('SettingsForm', () => {
  it('shows the server’s field error next to its field and keeps what was typed', async () => {
    answer({ 'settings.update': () => failure('BAD_REQUEST', 'escalationTeamId: No such team in this tenant', { escalationTeamId: 'escalationTeamId: No such team in this tenant' }) });
    render(<SettingsForm view={view()} onViewChange={() => undefined} />);
    type('slaResponseMinutes', '45');
    fireEvent.click(screen.getByText('Save settings'));
    await waitFor(() => expect(errorNear('escalationTeamId')).toBe('No such team in this tenant'));
    expect(received).toEqual([{ type: 'settings.update', expectedVersion: 3, patch: { slaResponseMinutes: 45 } }]);
    expect(screen.getByRole('status').textContent).toBe('Nothing was saved: the server refused the fields marked below.');
    expect(input('slaResponseMinutes').value).toBe('45');
  });

  it('a CONFLICT keeps the edits; "Reload their changes" loads the other admin’s version', async () => {
    const theirs = view({ version: 4, settings: { ...publicSettings(DEFAULT_TENANT_SETTINGS), hipaaMode: true } });
    const seen: SettingsView[] = [];
    answer({ 'settings.update': () => failure('CONFLICT', 'Another admin changed these settings'), 'settings.get': () => ({ ok: true, value: theirs }) });
    render(<SettingsForm view={view()} onViewChange={(next) => seen.push(next)} />);
    type('releaseWarningMinutes', '20');
    fireEvent.click(screen.getByText('Save settings'));
    await screen.findByText('Reload their changes');
    expect(screen.getByRole('alert').textContent).toContain('Your edits are still in the form');
    expect(input('releaseWarningMinutes').value).toBe('20');

    fireEvent.click(screen.getByText('Reload their changes'));
    await waitFor(() => expect(input('hipaaMode').checked).toBe(true));
    expect(input('releaseWarningMinutes').value).toBe('15');
    expect(seen).toEqual([theirs]);
    expect(document.querySelector('[data-conflict]')).toBeNull();
  });

  it('is read-only with the reason for an agent, and offers no Save', () => {
    render(<SettingsForm view={view({ canEdit: false, readOnlyReason: 'Only admins can change settings; you are signed in as an agent.' })} onViewChange={() => undefined} />);
    expect(screen.getByText(/Only admins can change settings/)).toBeTruthy();
    expect(input('replyCadence.minDelaySeconds').matches(':disabled')).toBe(true);
    expect(screen.queryByText('Save settings')).toBeNull();
  });

  it('never shows the AI key: "A key is set" with Replace and Remove', () => {
    const settings = { ...publicSettings(DEFAULT_TENANT_SETTINGS), ai: { provider: 'openai_compatible' as const, url: 'https://api.example.com/v1', model: 'gpt-x', hasApiKey: true } };
    render(<SettingsForm view={view({ settings })} onViewChange={() => undefined} />);
    expect(screen.getByText('A key is set')).toBeTruthy();
    expect(document.querySelector('[name="ai.apiKey"]')).toBeNull();
    fireEvent.click(screen.getByText('Replace key'));
    expect(input('ai.apiKey').value).toBe('');
    expect(input('ai.apiKey').type).toBe('password');
  });
});

describe('RoutingRulesSection', () => {
  const rules = (overrides: Partial<RulesView> = {}): ActionResult<RulesView> => ({ ok: true, value: { rules: [], canEdit: true, readOnlyReason: null, ...overrides } });

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
    expect(received.at(-1)).toEqual({ type: 'rules.save', rules: [{ name: 'Chargebacks', enabled: true, condition: { pattern: 'chargeback' }, actions: [{ type: 'escalate', teamId: TEAM.id, reason: 'Chargeback' }] }] });
  });

  it('moves rules up and down before saving', async () => {
    const saved = [
      { id: '9d7f3c1a-2b4e-4f6a-8c0d-1e2f3a4b5c6d', name: 'First', enabled: true, condition: { channel: 'sms' as const }, actions: [{ type: 'takeover_hold' as const }] },
      { id: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', name: 'Second', enabled: true, condition: { channel: 'email' as const }, actions: [{ type: 'tag' as const, tag: 'mail' }] },
    ];
    answer({ 'rules.list': () => rules({ rules: saved }), 'rules.save': (request) => rules({ rules: (request as { rules: typeof saved }).rules }) });
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
