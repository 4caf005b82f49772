// Which tab the popup is about: the active tab in the toolbar popup; `?tab=<id>` only when opened as a page in a tab.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { browser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { popupTargetTabId } from './popup-client';

describe('popupTargetTabId', () => {
  let helpdeskTabId: number;

  beforeEach(async () => {
    fakeBrowser.reset();
    await fakeBrowser.windows.create({ focused: true });
    helpdeskTabId = (await fakeBrowser.tabs.create({ url: 'http://127.0.0.1:8787/demo/acme/c/DEMO-1', active: true })).id!;
  });

  it('is the active tab in the toolbar popup, whatever `?tab=` says', async () => {
    vi.spyOn(browser.tabs, 'getCurrent').mockResolvedValue(undefined as never);
    expect(await popupTargetTabId('')).toBe(helpdeskTabId);
    expect(await popupTargetTabId('?tab=424242')).toBe(helpdeskTabId);
  });

  it('honours `?tab=<id>` when the popup page runs in a tab of its own, and is null without one', async () => {
    const ownTab = await fakeBrowser.tabs.create({ url: 'chrome-extension://baton/popup.html', active: true });
    vi.spyOn(browser.tabs, 'getCurrent').mockResolvedValue(ownTab as never);
    expect(await popupTargetTabId(`?tab=${helpdeskTabId}`)).toBe(helpdeskTabId);
    expect(await popupTargetTabId('')).toBeNull(); // its own tab is the active one: not a helpdesk
    expect(await popupTargetTabId('?tab=not-a-number')).toBeNull();
  });
});
