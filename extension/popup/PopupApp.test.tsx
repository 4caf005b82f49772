// The popup page on a fake client: this tab's toggle, my takeovers (time left, quick release), my teams'
// escalations (click opens), connection states with the way to Options, the mute switch, text never as HTML.
import { act, cleanup, fireEvent, render, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConversationListItem } from '../../shared/conversation-list';
import type { ActionResult } from '../messaging';
import type { ConversationView } from '../overlay/overlay-model';
import { makeTakeover, makeView } from '../overlay/test-fixtures';
import type { PopupState } from '../protocol/popup';
import type { PopupClient } from './popup-client';
import { PopupApp } from './PopupApp';
import { makeOpenEscalation } from './test-fixtures';

afterEach(cleanup);

const NOW = Date.parse('2026-01-05T14:00:00.000Z');
const ref = { connector: 'demo', externalId: 'DEMO-1' };
const me = makeView().viewer;

const takeoverItem: ConversationListItem = {
  id: 'conv-held',
  leadId: 'lead-h',
  leadName: 'Jane Doe',
  subject: null,
  connector: 'demo',
  externalId: 'DEMO-7',
  helpdeskUrl: 'http://127.0.0.1/demo/acme/c/DEMO-7',
  takeover: { holderId: me.agentId, holderName: me.name, source: 'manual', autoReleaseAt: '2026-01-05T14:42:30.000Z' },
  escalation: null,
  updatedAt: '2026-01-05T13:00:00.000Z',
};

const escalationItem = makeOpenEscalation();

function popupState(overrides: Partial<PopupState> = {}): PopupState {
  return {
    connection: { state: 'online' },
    currentTab: { tabId: 7, ref, thread: { kind: 'view', view: makeView({ id: 'conv-a' }), serverOffsetMs: 0, receivedAt: NOW } },
    myTakeovers: { ok: true, value: { items: [takeoverItem], nextCursor: null, serverNow: new Date(NOW).toISOString() } },
    myEscalations: { ok: true, value: [escalationItem] },
    notificationsMuted: false,
    serverOffsetMs: 0,
    ...overrides,
  };
}

const ok = (view: ConversationView): ActionResult<ConversationView> => ({ ok: true, value: view });
const failure = (code: string, message: string) => ({ ok: false as const, code, message, field: null, fieldErrors: null });

function fakeClient(state: PopupState | (() => PopupState)) {
  return {
    state: vi.fn(async () => (typeof state === 'function' ? state() : state)),
    takeOver: vi.fn(async () => ok(makeView())),
    release: vi.fn(async () => ok(makeView())),
    openConversation: vi.fn(async (): Promise<ActionResult<{ tabId: number; reused: boolean }>> => ({ ok: true, value: { tabId: 3, reused: true } })),
    setMuted: vi.fn(async (muted: boolean) => ({ muted })),
    openOptions: vi.fn(),
  } satisfies PopupClient;
}

async function renderPopup(client: PopupClient, tabId: number | null = 7) {
  const rendered = render(<PopupApp client={client} tabId={tabId} refreshMs={1e9} clock={() => NOW} />);
  await waitFor(() => expect(rendered.container.querySelector('[data-popup="connection"]')).not.toBeNull());
  return rendered.container;
}

const byPopup = (root: ParentNode, name: string) => root.querySelector<HTMLElement>(`[data-popup="${name}"]`);
const textOf = (root: ParentNode, name: string) => byPopup(root, name)?.textContent?.replace(/\s+/g, ' ').trim() ?? null;

describe('PopupApp: this tab', () => {
  it('asks for the given tab, shows "AI is handling" and takes over from the popup, then re-reads', async () => {
    const client = fakeClient(popupState());
    const root = await renderPopup(client);
    expect(client.state).toHaveBeenCalledWith(7);
    expect(textOf(root, 'current-status')).toBe('AI is handling this conversation');
    expect(byPopup(root, 'toggle')?.textContent).toBe('Take Over');

    await act(async () => fireEvent.click(byPopup(root, 'toggle')!));
    expect(client.takeOver).toHaveBeenCalledWith('conv-a', null);
    await waitFor(() => expect(client.state).toHaveBeenCalledTimes(2));
  });

  it('releases a conversation I hold, and shows a refusal next to the button', async () => {
    const held = makeView({ id: 'conv-a', takeover: { ...makeTakeover({ agentId: me.agentId!, name: me.name }), warning: 'AI resumes at 5:00 PM CST' } });
    const client = fakeClient(popupState({ currentTab: { tabId: 7, ref, thread: { kind: 'view', view: held, serverOffsetMs: 0, receivedAt: NOW } } }));
    client.release.mockResolvedValueOnce(failure('CONFLICT', 'Dana Smith took this conversation over meanwhile'));
    const root = await renderPopup(client);
    expect(textOf(root, 'current-status')).toBe('You took over');
    expect(textOf(root, 'current-detail')).toBe('AI resumes at 5:00 PM CST');

    await act(async () => fireEvent.click(byPopup(root, 'toggle')!));
    expect(client.release).toHaveBeenCalledWith('conv-a');
    expect(byPopup(root, 'toggle-error')?.getAttribute('role')).toBe('alert');
    expect(textOf(root, 'toggle-error')).toBe('Dana Smith took this conversation over meanwhile');
    expect(client.state).toHaveBeenCalledTimes(1);
  });

  it('says so when the tab shows no Baton thread, or one Baton does not handle (no toggle)', async () => {
    const none = await renderPopup(fakeClient(popupState({ currentTab: null })), null);
    expect(textOf(none, 'current-tab')).toContain('No helpdesk thread Baton watches');
    expect(byPopup(none, 'toggle')).toBeNull();
    cleanup();
    const unknown = await renderPopup(fakeClient(popupState({ currentTab: { tabId: 7, ref, thread: { kind: 'unknown' } } })));
    expect(textOf(unknown, 'current-status')).toBe('Not handled by Baton');
    expect(byPopup(unknown, 'toggle')).toBeNull();
  });

  it('disables the toggle while offline and says why', async () => {
    const root = await renderPopup(fakeClient(popupState({ connection: { state: 'offline', message: 'Baton is offline — try again when it reconnects', retryAt: null } })));
    expect((byPopup(root, 'toggle') as HTMLButtonElement).disabled).toBe(true);
    expect(textOf(root, 'toggle-offline')).toBe('Available again when Baton reconnects.');
    expect(textOf(root, 'connection')).toContain('Offline — retrying');
    // One explanation, not the same offline error under each list.
    expect(byPopup(root, 'takeovers')).toBeNull();
    expect(textOf(root, 'lists-offline')).toContain('show again when Baton reconnects');
  });
});

describe('PopupApp: lists', () => {
  it('lists my takeovers with time left until auto-release, and releases one quickly', async () => {
    const client = fakeClient(popupState());
    const root = await renderPopup(client);
    const row = root.querySelector('[data-popup="takeover-row"][data-conversation-id="conv-held"]')!;
    expect(row.textContent).toContain('Jane Doe');
    expect(row.textContent).toContain('demo · DEMO-7');
    expect(textOf(row, 'time-left')).toBe('AI resumes in 42 min');

    await act(async () => fireEvent.click(byPopup(row, 'takeover-release')!));
    expect(client.release).toHaveBeenCalledWith('conv-held');
    await waitFor(() => expect(client.state).toHaveBeenCalledTimes(2));
  });

  it('lists my teams’ escalations; a click opens the thread, a failure stays on that row', async () => {
    const client = fakeClient(popupState());
    client.openConversation.mockResolvedValueOnce(failure('NO_HELPDESK_URL', 'Baton does not know this conversation’s helpdesk page yet'));
    const root = await renderPopup(client);
    const row = root.querySelector('[data-popup="escalation-row"][data-escalation-id="esc-1"]')!;
    expect(row.textContent).toContain('Sam Lee');
    expect(row.textContent).toContain('Customer asks for a refund');
    expect(row.textContent).toContain('Manual · Support · open 12 min');

    await act(async () => fireEvent.click(byPopup(row, 'open-thread')!));
    expect(client.openConversation).toHaveBeenCalledWith({ conversationId: 'conv-esc', connector: 'demo', externalId: 'DEMO-9', helpdeskUrl: null });
    expect(textOf(row, 'row-error')).toBe('Baton does not know this conversation’s helpdesk page yet');
  });

  it('says when a list is empty, and shows one list’s failure without hiding the other', async () => {
    const root = await renderPopup(
      fakeClient(popupState({ myTakeovers: { ok: true, value: { items: [], nextCursor: null, serverNow: new Date(NOW).toISOString() } }, myEscalations: failure('INTERNAL_SERVER_ERROR', 'Something broke') })),
    );
    expect(textOf(root, 'takeovers-empty')).toContain('You hold no conversations');
    expect(textOf(root, 'list-error')).toBe('Something broke');
  });

  it('renders names and reasons as text, never as HTML', async () => {
    const hostile = '<img src=x onerror="window.__popupXss=1">';
    const root = await renderPopup(fakeClient(popupState({ myEscalations: { ok: true, value: [{ ...escalationItem, leadName: hostile, reason: hostile }] } })));
    expect(root.querySelector('img')).toBeNull();
    expect(root.textContent).toContain(hostile);
  });
});

describe('PopupApp: connection and mute', () => {
  it.each([
    [{ state: 'unconfigured', message: 'Baton is not set up yet: add the backend URL and your API key in the Baton options' }, 'Not set up'],
    [{ state: 'unauthorized', message: 'Baton refused the saved credential (wrong or revoked): update it in the Baton options' }, 'Credential refused'],
  ] as const)('%o → its message, Open Options, nothing else', async (connection, label) => {
    const client = fakeClient(popupState({ connection, currentTab: null }));
    const root = await renderPopup(client);
    expect(textOf(root, 'connection')).toContain(label);
    expect(textOf(root, 'connection-message')).toBe(connection.message);
    expect(byPopup(root, 'takeovers')).toBeNull();
    expect(byPopup(root, 'current-tab')).toBeNull();
    fireEvent.click(byPopup(root, 'open-options')!);
    expect(client.openOptions).toHaveBeenCalledOnce();
  });

  it('mutes notifications, and puts the switch back with the reason when that fails', async () => {
    const client = fakeClient(popupState());
    const root = await renderPopup(client);
    const mute = byPopup(root, 'mute') as HTMLInputElement;
    expect(mute.checked).toBe(false);
    await act(async () => fireEvent.click(mute));
    expect(client.setMuted).toHaveBeenCalledWith(true);
    expect(mute.checked).toBe(true);

    client.setMuted.mockRejectedValueOnce(new Error('storage is full'));
    await act(async () => fireEvent.click(mute));
    expect(mute.checked).toBe(true);
    expect(textOf(root, 'mute-error')).toBe('Could not change notifications: storage is full');
  });

  it('says the background did not answer when the first read fails', async () => {
    const client = fakeClient(popupState());
    client.state.mockRejectedValueOnce(new Error('Could not establish connection'));
    const { container } = render(<PopupApp client={client} tabId={7} refreshMs={1e9} clock={() => NOW} />);
    await waitFor(() => expect(textOf(container, 'failed')).toBe('Baton’s background did not answer: Could not establish connection'));
  });
});
