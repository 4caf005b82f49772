// Opening a conversation's thread: an open tab showing it is focused (found through the hub's ports),
// else the stored helpdesk URL opens in a new tab (only on a granted origin); no URL, a non-web URL or a closed tab handled.
import { describe, expect, it, vi } from 'vitest';
import type { ConversationRef } from '../overlay/overlay-model';
import type { ConversationTarget } from '../protocol/popup';
import { HELPDESK_URL_NOT_GRANTED, NO_HELPDESK_URL, openConversation, type PermissionsCheck, type TabControls } from './open-conversation';
import type { PortSender } from './overlay-hub';
import { fakeView } from './testing/fake-backend';
import { createFakePort } from './testing/fake-port';
import { useTestBackground } from './testing/test-background';

const refA: ConversationRef = { connector: 'demo', externalId: 'DEMO-1' };
const refB: ConversationRef = { connector: 'demo', externalId: 'DEMO-2' };
const viewA = fakeView({ id: 'conv-a', helpdeskUrl: 'http://127.0.0.1:8787/demo/acme/c/DEMO-1' });
const viewB = fakeView({ id: 'conv-b', helpdeskUrl: 'http://127.0.0.1:8787/demo/acme/c/DEMO-2' });

function targetOf(conversationId: string | null, ref: ConversationRef | null, helpdeskUrl: string | null): ConversationTarget {
  return { conversationId, connector: ref?.connector ?? null, externalId: ref?.externalId ?? null, helpdeskUrl };
}

/** Fake tabs: `open` lists the ids that exist; created tabs get ids from 100. */
function fakeTabs(open: number[] = []) {
  let nextId = 100;
  const controls = {
    tabs: {
      update: vi.fn(async (tabId: number) => {
        if (!open.includes(tabId)) throw new Error(`No tab with id: ${tabId}.`);
        return { id: tabId, windowId: 9 };
      }),
      create: vi.fn(async () => ({ id: nextId++, windowId: 9 })),
    },
    windows: { update: vi.fn(async () => ({})) },
  } satisfies TabControls;
  return controls;
}

/** Host permissions as Chromium answers them: the manifest's 127.0.0.1 / localhost plus `granted` origins. */
function fakePermissions(granted: string[] = []) {
  return {
    contains: vi.fn(async ({ origins }: { origins: string[] }) =>
      origins.every((pattern) => {
        const origin = pattern.replace(/\/\*$/, '');
        const host = new URL(origin).hostname;
        return host === '127.0.0.1' || host === 'localhost' || granted.includes(origin);
      }),
    ),
  } satisfies PermissionsCheck;
}

describe('openConversation', () => {
  const t = useTestBackground({ views: { 'DEMO-1': viewA, 'DEMO-2': viewB } });

  async function tabShowing(ref: ConversationRef, sender: PortSender) {
    const port = Object.assign(createFakePort(), { sender });
    t.background.acceptPort(port);
    port.send({ type: 'watch', ref });
    await t.settle();
    return port;
  }

  it('focuses the tab (and its window) that shows the conversation instead of opening another', async () => {
    await tabShowing(refB, { tab: { id: 3, windowId: 1 }, url: viewB.helpdeskUrl! });
    await tabShowing(refA, { tab: { id: 5, windowId: 2 }, url: viewA.helpdeskUrl! });
    const tabs = fakeTabs([3, 5]);

    const result = await openConversation(targetOf('conv-a', refA, viewA.helpdeskUrl), { hub: t.background.hub, tabs, permissions: fakePermissions() });

    expect(result).toEqual({ ok: true, value: { tabId: 5, reused: true } });
    expect(tabs.tabs.update).toHaveBeenCalledWith(5, { active: true });
    expect(tabs.windows.update).toHaveBeenCalledWith(9, { focused: true });
    expect(tabs.tabs.create).not.toHaveBeenCalled();
  });

  it('finds the tab by helpdesk reference when the conversation id is not known', async () => {
    await tabShowing(refA, { tab: { id: 5, windowId: 2 } });
    const tabs = fakeTabs([5]);
    const result = await openConversation(targetOf(null, refA, null), { hub: t.background.hub, tabs, permissions: fakePermissions() });
    expect(result).toEqual({ ok: true, value: { tabId: 5, reused: true } });
  });

  it('opens the stored URL in a new tab when no tab shows it, or the tab showing it closed meanwhile', async () => {
    await tabShowing(refA, { tab: { id: 5, windowId: 2 } });
    const tabs = fakeTabs([]); // tab 5 is gone, its port not yet

    const result = await openConversation(targetOf('conv-a', refA, viewA.helpdeskUrl), { hub: t.background.hub, tabs, permissions: fakePermissions() });

    expect(result).toEqual({ ok: true, value: { tabId: 100, reused: false } });
    expect(tabs.tabs.create).toHaveBeenCalledWith({ url: viewA.helpdeskUrl, active: true });
    const other = await openConversation(targetOf('conv-b', refB, viewB.helpdeskUrl), { hub: t.background.hub, tabs, permissions: fakePermissions() });
    expect(other).toEqual({ ok: true, value: { tabId: 101, reused: false } });
  });

  it('says why when no tab shows it and no helpdesk URL is known', async () => {
    const tabs = fakeTabs();
    const result = await openConversation(targetOf('conv-x', null, null), { hub: t.background.hub, tabs, permissions: fakePermissions() });
    expect(result).toMatchObject({ ok: false, code: NO_HELPDESK_URL, message: expect.stringContaining('open it once in your helpdesk') });
    expect(tabs.tabs.create).not.toHaveBeenCalled();
  });

  it.each(['javascript:alert(1)', 'chrome://settings', 'not a url'])('never opens a stored address that is not a web page: %s', async (url) => {
    const tabs = fakeTabs();
    const result = await openConversation(targetOf('conv-x', null, url), { hub: t.background.hub, tabs, permissions: fakePermissions() });
    expect(result).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
    expect(tabs.tabs.create).not.toHaveBeenCalled();
  });

  it('refuses to open a stored address on an origin this browser never granted (a lure recorded by some page)', async () => {
    const tabs = fakeTabs();
    const permissions = fakePermissions(['https://desk.example.com']);
    const lure = 'https://desk.example.com.evil.test/login?next=ticket-1';

    const refused = await openConversation(targetOf('conv-x', null, lure), { hub: t.background.hub, tabs, permissions });

    expect(refused).toMatchObject({ ok: false, code: HELPDESK_URL_NOT_GRANTED, message: expect.stringContaining(lure) });
    expect(permissions.contains).toHaveBeenCalledWith({ origins: ['https://desk.example.com.evil.test/*'] });
    expect(tabs.tabs.create).not.toHaveBeenCalled();

    const granted = await openConversation(targetOf('conv-y', null, 'https://desk.example.com/tickets/7'), { hub: t.background.hub, tabs, permissions });
    expect(granted).toEqual({ ok: true, value: { tabId: 100, reused: false } });
    expect(tabs.tabs.create).toHaveBeenCalledWith({ url: 'https://desk.example.com/tickets/7', active: true });
  });

  it('a tab already showing the thread is focused whatever its origin (no permission asked)', async () => {
    await tabShowing(refA, { tab: { id: 5, windowId: 2 } });
    const tabs = fakeTabs([5]);
    const permissions = fakePermissions();
    const result = await openConversation(targetOf('conv-a', refA, 'https://elsewhere.example/ticket'), { hub: t.background.hub, tabs, permissions });
    expect(result).toEqual({ ok: true, value: { tabId: 5, reused: true } });
    expect(permissions.contains).not.toHaveBeenCalled();
  });

  it('answers a failure when the browser refuses to open a tab', async () => {
    const tabs = fakeTabs();
    tabs.tabs.create.mockRejectedValueOnce(new Error('Tabs cannot be edited right now'));
    const result = await openConversation(targetOf('conv-a', null, viewA.helpdeskUrl), { hub: t.background.hub, tabs, permissions: fakePermissions() });
    expect(result).toMatchObject({ ok: false, code: 'INTERNAL', message: expect.stringContaining('Tabs cannot be edited right now') });
  });
});
