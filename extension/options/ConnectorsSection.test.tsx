// Options › Connectors against background answers: hidden for agents, a saved secret never shown,
// Save sends the connectors patch with the version, server field errors by their field, status as text.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { DEFAULT_TENANT_SETTINGS, publicSettings, type ConnectorSettings, type ConnectorStatus } from '../../shared/settings';
import type { ActionResult } from '../messaging';
import type { SettingsView } from '../protocol/options';
import { ConnectorsSection } from './ConnectorsSection';
import { errorNear, input, recordingBackground, type } from './form-test-kit';

const RT = { url: 'https://rt.example.com/rt', username: 'baton', password: 'rt-password-never-shown', queue: 'General', pollIntervalMs: 2000 };
const connectors = (change: Partial<ConnectorSettings> = {}): ConnectorSettings => ({ rt: null, twilio: null, smtp: null, webhook: null, ...change });
const view = (stored: ConnectorSettings = connectors(), overrides: Partial<SettingsView> = {}): SettingsView => ({
  settings: publicSettings({ ...DEFAULT_TENANT_SETTINGS, connectors: stored }),
  version: 6,
  canEdit: true,
  readOnlyReason: null,
  teams: [],
  ...overrides,
});
const failure = (code: string, message: string, fieldErrors: Record<string, string> | null = null): ActionResult<never> => ({ ok: false, code, message, field: fieldErrors ? Object.keys(fieldErrors)[0]! : null, fieldErrors });
const statuses = (value: ConnectorStatus[]) => () => ({ ok: true as const, value });

const background = recordingBackground();
const answer = background.answer;
const received = background.received;
const updates = () => received.filter((request) => request.type === 'settings.update');
const card = (kind: string) => document.querySelector<HTMLElement>(`[data-connector="${kind}"]`)!;

beforeEach(() => {
  fakeBrowser.reset();
});
afterEach(() => {
  cleanup();
  background.reset();
});

describe('ConnectorsSection', () => {
  it('is hidden for agents and asks nothing', () => {
    answer({ 'settings.connectorStatus': statuses([]) });
    const { container } = render(<ConnectorsSection view={view(connectors(), { canEdit: false, readOnlyReason: 'Only admins can change settings; you are signed in as an agent.' })} onSaved={() => undefined} />);
    expect(container.innerHTML).toBe('');
    expect(received).toEqual([]);
  });

  it('shows one card per connector; a saved secret is never shown, only "saved — leave empty to keep"', async () => {
    answer({ 'settings.connectorStatus': statuses([{ connector: 'rt', state: 'ok', lastError: null, failingSince: null, lastSuccessAt: '2026-12-03T04:00:00.000Z' }]) });
    render(<ConnectorsSection view={view(connectors({ rt: RT }))} onSaved={() => undefined} />);
    expect([...document.querySelectorAll('.connector-card h3')].map((title) => title.textContent)).toEqual(['Request Tracker', 'Twilio SMS', 'SMTP email', 'Signed webhook']);
    expect(input('connectors.rt.url').value).toBe(RT.url);
    expect(input('connectors.rt.password').value).toBe('');
    expect(input('connectors.rt.password').type).toBe('password');
    expect(input('connectors.rt.password').placeholder).toBe('saved — leave empty to keep');
    expect(document.body.innerHTML).not.toContain(RT.password);
    expect(within(card('twilio')).getByText('Set up Twilio SMS')).toBeTruthy();
    await waitFor(() => expect(card('rt').querySelector('[data-status]')?.getAttribute('data-status')).toBe('ok'));
  });

  it('Save sends the changed fields with the version, keeping the secret; the draft follows the saved settings', async () => {
    const saved = view(connectors({ rt: { ...RT, pollIntervalMs: 5000 } }), { version: 7 });
    const seen: SettingsView[] = [];
    answer({ 'settings.connectorStatus': statuses([]), 'settings.update': () => ({ ok: true, value: saved }) });
    render(<ConnectorsSection view={view(connectors({ rt: RT }))} onSaved={(next) => seen.push(next)} />);
    type('connectors.rt.pollIntervalMs', '5000');
    fireEvent.click(screen.getByText('Save connectors'));
    await waitFor(() => expect(seen).toEqual([saved]));
    expect(updates()).toEqual([{ type: 'settings.update', expectedVersion: 6, patch: { connectors: { rt: { pollIntervalMs: 5000 } } } }]);
    expect(screen.getByRole('status').textContent).toBe('Connectors saved. Baton uses them for the next message.');
    expect(input('connectors.rt.pollIntervalMs').value).toBe('5000');
  });

  it('sets up a new connector with its secret, and removes a saved one', async () => {
    answer({ 'settings.connectorStatus': statuses([]), 'settings.update': () => ({ ok: true, value: view() }) });
    render(<ConnectorsSection view={view(connectors({ rt: RT }))} onSaved={() => undefined} />);
    fireEvent.click(screen.getByText('Set up Signed webhook'));
    type('connectors.webhook.url', 'https://hooks.example.com/baton');
    type('connectors.webhook.secret', `whsec_${'B'.repeat(32)}`);
    fireEvent.click(screen.getByText('Remove Request Tracker'));
    expect(card('rt').textContent).toContain('will be removed when you save');
    fireEvent.click(screen.getByText('Save connectors'));
    await waitFor(() => expect(updates()).toHaveLength(1));
    expect(updates()[0]).toEqual({
      type: 'settings.update',
      expectedVersion: 6,
      patch: { connectors: { rt: null, webhook: { url: 'https://hooks.example.com/baton', timeoutMs: 10000, secret: `whsec_${'B'.repeat(32)}` } } },
    });
  });

  it('removes the SMTP password on request', async () => {
    const smtp = { host: 'smtp.example.com', port: 587, secure: false, username: 'mailer', password: 'smtp-pw', from: 'help@example.com' };
    answer({ 'settings.connectorStatus': statuses([]), 'settings.update': () => ({ ok: true, value: view() }) });
    render(<ConnectorsSection view={view(connectors({ smtp }))} onSaved={() => undefined} />);
    fireEvent.click(within(card('smtp')).getByText('Remove'));
    fireEvent.click(screen.getByText('Save connectors'));
    await waitFor(() => expect(updates()).toEqual([{ type: 'settings.update', expectedVersion: 6, patch: { connectors: { smtp: { password: null } } } }]));
  });

  it('checks before sending: a new connector missing its secret saves nothing and says so by the field', () => {
    answer({ 'settings.connectorStatus': statuses([]) });
    render(<ConnectorsSection view={view()} onSaved={() => undefined} />);
    fireEvent.click(screen.getByText('Set up Twilio SMS'));
    type('connectors.twilio.accountSid', 'AC123');
    type('connectors.twilio.fromNumber', '+15550100');
    fireEvent.click(screen.getByText('Save connectors'));
    expect(errorNear('connectors.twilio.authToken')).toBe('Auth token is required');
    expect(updates()).toEqual([]);
  });

  it('shows the server’s field error next to its field and keeps what was typed', async () => {
    answer({
      'settings.connectorStatus': statuses([]),
      'settings.update': () => failure('BAD_REQUEST', 'connectors.rt.url: RT did not answer at this URL', { 'connectors.rt.url': 'connectors.rt.url: RT did not answer at this URL' }),
    });
    render(<ConnectorsSection view={view(connectors({ rt: RT }))} onSaved={() => undefined} />);
    type('connectors.rt.url', 'https://rt2.example.com/rt');
    fireEvent.click(screen.getByText('Save connectors'));
    await waitFor(() => expect(errorNear('connectors.rt.url')).toBe('RT did not answer at this URL'));
    expect(screen.getByRole('status').textContent).toBe('Nothing was saved: the server refused the fields marked above.');
    expect(input('connectors.rt.url').value).toBe('https://rt2.example.com/rt');
  });

  it('a CONFLICT keeps the edits and offers the other admin’s version', async () => {
    const theirs = view(connectors({ rt: { ...RT, queue: 'Billing' } }), { version: 7 });
    answer({ 'settings.connectorStatus': statuses([]), 'settings.update': () => failure('CONFLICT', 'Another admin changed these settings'), 'settings.get': () => ({ ok: true, value: theirs }) });
    render(<ConnectorsSection view={view(connectors({ rt: RT }))} onSaved={() => undefined} />);
    type('connectors.rt.queue', 'Sales');
    fireEvent.click(screen.getByText('Save connectors'));
    await screen.findByText('Reload their changes');
    expect(input('connectors.rt.queue').value).toBe('Sales');
    fireEvent.click(screen.getByText('Reload their changes'));
    await waitFor(() => expect(input('connectors.rt.queue').value).toBe('Billing'));
  });

  it('shows a failing connector with since when and its last error, as text', async () => {
    const lastError = 'refused the credentials of user "baton" (401) <img src=x onerror="alert(1)">';
    answer({ 'settings.connectorStatus': statuses([{ connector: 'rt', state: 'failing', lastError, failingSince: '2026-12-03T04:10:00.000Z', lastSuccessAt: null }]) });
    render(<ConnectorsSection view={view(connectors({ rt: RT }))} onSaved={() => undefined} />);
    await waitFor(() => expect(card('rt').querySelector('[data-status="failing"]')).not.toBeNull());
    const status = card('rt').querySelector('[data-status="failing"]')!;
    expect(status.textContent).toContain(`Failing since ${new Date('2026-12-03T04:10:00.000Z').toLocaleString()}`);
    expect(status.querySelector('.last-error')?.textContent).toBe(lastError);
    expect(document.querySelector('img')).toBeNull();
  });

  it('says so when the status cannot be read', async () => {
    answer({ 'settings.connectorStatus': () => failure('OFFLINE', 'No Baton backend answered') });
    render(<ConnectorsSection view={view(connectors({ rt: RT }))} onSaved={() => undefined} />);
    await screen.findByText(/Could not read the connectors’ status: No Baton backend answered/);
    expect(card('rt').querySelector('[data-status]')?.textContent).toBe('Status unknown');
  });
});
