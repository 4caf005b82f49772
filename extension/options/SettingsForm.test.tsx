// The settings form against background answers: server field errors inline, CONFLICT keeps the edits
// and offers the reload, read-only for agents, the AI key never shown (the rules editor: RoutingRulesSection.test.tsx).
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { DEFAULT_TENANT_SETTINGS, publicSettings } from '../../shared/settings';
import type { ActionResult } from '../messaging';
import type { SettingsView } from '../protocol/options';
import { SettingsForm } from './SettingsForm';
import { errorNear, input, recordingBackground, type } from './form-test-kit';

const TEAM = { id: '3f0c7a2e-5b8d-4c1e-9a6f-2d4b8e1c7a90', name: 'Support' };
const view = (overrides: Partial<SettingsView> = {}): SettingsView => ({ settings: publicSettings(DEFAULT_TENANT_SETTINGS), version: 3, canEdit: true, readOnlyReason: null, teams: [TEAM], ...overrides });
const failure = (code: string, message: string, fieldErrors: Record<string, string> | null = null): ActionResult<never> => ({ ok: false, code, message, field: fieldErrors ? Object.keys(fieldErrors)[0]! : null, fieldErrors });

const background = recordingBackground();
const answer = background.answer;
const received = background.received;

beforeEach(() => {
  fakeBrowser.reset();
});
afterEach(() => {
  cleanup();
  background.reset();
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
