// Options › Helpdesks against a stand-in background: access is asked before saving, a decline or a bad field saves nothing,
// removing gives access back, and so does cancelling a form whose test asked for it.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { DEFAULT_TENANT_SETTINGS, publicSettings } from '../../shared/settings';
import type { HelpdeskAdapterConfig } from '../../shared/helpdesk-adapters';
import { deskConfig } from '../adapters/fixtures/desk-config';
import { handleMessages, type BackgroundHandlers } from '../messaging';
import type { HelpdeskRegistrationView } from '../protocol/helpdesks';
import type { SettingsView } from '../protocol/options';
import type { ManagedPolicyView } from '../protocol/policy';
import { HelpdesksSection } from './HelpdesksSection';

const DESK = deskConfig();

function settingsView(adapters: HelpdeskAdapterConfig[], canEdit = true, version = 4): SettingsView {
  return {
    settings: { ...publicSettings(DEFAULT_TENANT_SETTINGS), helpdeskAdapters: adapters },
    version,
    canEdit,
    readOnlyReason: canEdit ? null : 'Only admins can change settings; you are signed in as an agent.',
    teams: [],
  };
}

describe('options › helpdesks', () => {
  let updates: unknown[];
  let granted: boolean;
  let policy: ManagedPolicyView;
  let stop: () => void;
  /** The tenant's list as the stand-in backend holds it. */
  let current: HelpdeskAdapterConfig[];
  const request = vi.fn();
  const remove = vi.fn();
  const contains = vi.fn();

  beforeEach(() => {
    fakeBrowser.reset();
    updates = [];
    granted = false;
    policy = { backendUrl: null, allowedHelpdeskOrigins: null };
    request.mockReset().mockImplementation(async () => true);
    remove.mockReset().mockResolvedValue(true);
    contains.mockReset().mockResolvedValue(false);
    Object.assign(fakeBrowser.permissions, { request, remove, contains });
    const states = (adapters: HelpdeskAdapterConfig[]): HelpdeskRegistrationView[] =>
      adapters.map((adapter) => ({ adapterId: adapter.id, name: adapter.name, origin: adapter.origin, granted, registered: granted, allowedByPolicy: true }));
    current = [];
    const handlers: Partial<BackgroundHandlers> = {
      'policy.get': () => policy,
      'helpdesks.sync': () => ({ ok: true, value: states(current) }),
      'settings.update': ({ expectedVersion, patch }) => {
        updates.push({ expectedVersion, patch });
        current = patch.helpdeskAdapters ?? current;
        return { ok: true, value: settingsView(current, true, expectedVersion + 1) };
      },
      'helpdesks.testOnTab': () => ({
        ok: true,
        value: { tabUrl: 'https://desk.example.com/tickets/T-1001', urlMatches: true, conversationId: 'T-1001', found: { threadHeader: 1, mount: 1, composer: 1, sendButton: 0, conversationId: null }, problems: ['Send button: no element matches "button.reply-send" (optional)'] },
      }),
    };
    stop = handleMessages(handlers as BackgroundHandlers);
  });
  afterEach(() => {
    stop();
    cleanup();
  });

  function fillDesk(overrides: Record<string, string> = {}) {
    const values: Record<string, string> = {
      name: DESK.name,
      origin: DESK.origin,
      sampleUrl: DESK.sampleUrl,
      urlPattern: DESK.urlPattern,
      'conversationId.pattern': '/tickets/([^/?#]+)',
      'selectors.threadHeader': '#ticket-head',
      'selectors.mount': 'article.conversation',
      'selectors.composer': '.reply-box textarea',
      'selectors.sendButton': 'button.reply-send',
      connector: 'fixture-desk',
      ...overrides,
    };
    for (const [name, value] of Object.entries(values)) fireEvent.change(document.querySelector(`input[name="${name}"]`)!, { target: { value } });
  }

  it('adds a helpdesk: asks for its origin, then saves the list with the version it edits', async () => {
    const onSaved = vi.fn();
    render(<HelpdesksSection view={settingsView([])} onSaved={onSaved} />);
    fireEvent.click(screen.getByRole('button', { name: 'Add a helpdesk' }));
    fillDesk();
    fireEvent.click(screen.getByRole('button', { name: 'Add helpdesk' }));
    await screen.findByText(/Fixture Desk saved/);
    expect(request).toHaveBeenCalledWith({ origins: ['https://desk.example.com/*'] });
    expect(updates).toEqual([{ expectedVersion: 4, patch: { helpdeskAdapters: [{ ...DESK, id: expect.any(String) }] } }]);
    expect(onSaved).toHaveBeenCalledWith(expect.objectContaining({ version: 5 }));
  });

  it('saves nothing when the browser’s prompt is declined, and says why next to the origin', async () => {
    request.mockResolvedValue(false);
    render(<HelpdesksSection view={settingsView([])} onSaved={vi.fn()} />);
    fireEvent.click(screen.getByRole('button', { name: 'Add a helpdesk' }));
    fillDesk();
    fireEvent.click(screen.getByRole('button', { name: 'Add helpdesk' }));
    const why = await screen.findByText(/was not added: access to https:\/\/desk\.example\.com was not granted \(the browser’s permission prompt was declined\)/);
    expect(why.getAttribute('role')).toBe('alert');
    expect(screen.getByText('Access to https://desk.example.com was not granted')).toBeTruthy();
    expect(updates).toEqual([]);
    expect(document.querySelector<HTMLInputElement>('input[name="name"]')!.value).toBe('Fixture Desk');
  });

  it.each([
    ['a URL pattern that matches nothing', { urlPattern: '^https://desk\\.example\\.com/inbox/' }, 'Thread URL pattern does not match sample thread URL'],
    ['a malformed sample URL', { sampleUrl: 'desk.example.com/tickets/1' }, 'Sample thread URL must be an http(s) URL of one thread page'],
    ['an id pattern capturing nothing', { 'conversationId.pattern': '/tickets/' }, 'Id pattern must capture the id from sample thread URL in its first group'],
  ])('saves nothing and asks for nothing with %s (inline error)', async (_case, change, message) => {
    render(<HelpdesksSection view={settingsView([])} onSaved={vi.fn()} />);
    fireEvent.click(screen.getByRole('button', { name: 'Add a helpdesk' }));
    fillDesk(change);
    fireEvent.click(screen.getByRole('button', { name: 'Add helpdesk' }));
    expect((await screen.findByText(message)).getAttribute('role')).toBe('alert');
    expect(screen.getByText('Nothing was saved: fix the fields marked above.')).toBeTruthy();
    expect(request).not.toHaveBeenCalled();
    expect(updates).toEqual([]);
  });

  it('refuses an origin the IT policy does not allow, before asking the browser', async () => {
    policy = { backendUrl: null, allowedHelpdeskOrigins: ['https://help.example.org'] };
    render(<HelpdesksSection view={settingsView([])} onSaved={vi.fn()} />);
    await screen.findByText(/Helpdesks are allowed only at: https:\/\/help\.example\.org/);
    fireEvent.click(screen.getByRole('button', { name: 'Add a helpdesk' }));
    fillDesk();
    fireEvent.click(screen.getByRole('button', { name: 'Add helpdesk' }));
    await screen.findByText(/policy allows helpdesks only at https:\/\/help\.example\.org/);
    expect(request).not.toHaveBeenCalled();
    expect(updates).toEqual([]);
  });

  it('tests on the current tab and shows what was found and what was not', async () => {
    render(<HelpdesksSection view={settingsView([])} onSaved={vi.fn()} />);
    fireEvent.click(screen.getByRole('button', { name: 'Add a helpdesk' }));
    fillDesk();
    fireEvent.click(screen.getByRole('button', { name: 'Test on the current tab' }));
    const report = await screen.findByText(/Tested on/);
    const box = report.closest('[data-test-report]') as HTMLElement;
    expect(box.dataset.testReport).toBe('problems');
    expect(within(box).getByText('Send button: no element matches "button.reply-send" (optional)')).toBeTruthy();
    expect(box.querySelector('[data-role="mount"]')!.textContent).toBe('Banner mount: 1 element');
    expect(updates).toEqual([]);
  });

  it('cancelling the form after a test gives back the access the test asked for (nothing was saved)', async () => {
    render(<HelpdesksSection view={settingsView([])} onSaved={vi.fn()} />);
    fireEvent.click(screen.getByRole('button', { name: 'Add a helpdesk' }));
    fillDesk();
    fireEvent.click(screen.getByRole('button', { name: 'Test on the current tab' }));
    await screen.findByText(/Tested on/);
    expect(request).toHaveBeenCalledWith({ origins: ['https://desk.example.com/*'] });
    expect(remove).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(remove).toHaveBeenCalledWith({ origins: ['https://desk.example.com/*'] }));
    expect(updates).toEqual([]);
  });

  it('keeps the access a test asked for when the helpdesk is saved, or when a configured helpdesk uses that origin', async () => {
    const { unmount } = render(<HelpdesksSection view={settingsView([])} onSaved={vi.fn()} />);
    fireEvent.click(screen.getByRole('button', { name: 'Add a helpdesk' }));
    fillDesk();
    fireEvent.click(screen.getByRole('button', { name: 'Test on the current tab' }));
    await screen.findByText(/Tested on/);
    fireEvent.click(screen.getByRole('button', { name: 'Add helpdesk' }));
    await screen.findByText(/Fixture Desk saved/);
    unmount();

    current = [DESK];
    render(<HelpdesksSection view={settingsView([DESK])} onSaved={vi.fn()} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Edit' }));
    fireEvent.click(screen.getByRole('button', { name: 'Test on the current tab' }));
    await screen.findByText(/Tested on/);
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Test on the current tab' })).toBeNull());
    expect(remove).not.toHaveBeenCalled();
  });

  it('removes a helpdesk for everyone after a confirmation, and gives its access back', async () => {
    granted = true;
    current = [DESK];
    const onSaved = vi.fn();
    render(<HelpdesksSection view={settingsView([DESK])} onSaved={onSaved} />);
    await screen.findByText('Access granted in this browser');
    fireEvent.click(screen.getByRole('button', { name: 'Remove…' }));
    fireEvent.click(screen.getByRole('button', { name: 'Remove' }));
    await screen.findByText(/Fixture Desk removed: its banners are gone from https:\/\/desk\.example\.com pages\. Baton gave its access/);
    expect(updates).toEqual([{ expectedVersion: 4, patch: { helpdeskAdapters: [] } }]);
    expect(remove).toHaveBeenCalledWith({ origins: ['https://desk.example.com/*'] });
  });

  it('shows an agent the list read-only, with Grant access where this browser lacks it', async () => {
    current = [DESK];
    render(<HelpdesksSection view={settingsView([DESK], false)} onSaved={vi.fn()} />);
    await screen.findByText('No access in this browser');
    expect(screen.queryByRole('button', { name: 'Add a helpdesk' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Remove…' })).toBeNull();
    expect(screen.getByText('Only admins can change settings; you are signed in as an agent.')).toBeTruthy();
    granted = true;
    fireEvent.click(screen.getByRole('button', { name: 'Grant access' }));
    await screen.findByText(/Access to https:\/\/desk\.example\.com granted/);
    expect(request).toHaveBeenCalledWith({ origins: ['https://desk.example.com/*'] });
    await waitFor(() => expect(screen.getByText('Banners active')).toBeTruthy());
  });
});
