// The toolbar badge: its text and tooltip per count, drawn through browser.action (the fake browser's).
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { BADGE_COLOR, badgeText, badgeTitle, createBadge } from './badge';

describe('badge text and title', () => {
  it.each([
    [0, '', 'Baton — no open escalations for your teams'],
    [1, '1', 'Baton — 1 open escalation for your teams'],
    [12, '12', 'Baton — 12 open escalations for your teams'],
    [99, '99', 'Baton — 99 open escalations for your teams'],
    [100, '99+', 'Baton — More than 99 open escalations for your teams'],
  ])('%i open → %j', (count, text, title) => {
    expect(badgeText(count)).toBe(text);
    expect(badgeTitle(count)).toBe(title);
  });
});

describe('createBadge', () => {
  beforeEach(() => fakeBrowser.reset());

  it('draws the count in escalation red with a tooltip, and clears it', async () => {
    const badge = createBadge(fakeBrowser.action as never);
    await badge.showOpenEscalations(3);
    expect(await fakeBrowser.action.getBadgeText({})).toBe('3');
    expect(await fakeBrowser.action.getTitle({})).toBe('Baton — 3 open escalations for your teams');
    expect(await fakeBrowser.action.getBadgeBackgroundColor({})).toEqual([0xc6, 0x28, 0x28, 255]);
    expect(BADGE_COLOR).toBe('#c62828');
    await badge.clear();
    expect(await fakeBrowser.action.getBadgeText({})).toBe('');
  });

  it('never throws when the browser has no action API', async () => {
    const broken = { setBadgeText: () => Promise.reject(new Error('no action')), setBadgeBackgroundColor: () => Promise.reject(new Error('no action')), setTitle: () => Promise.reject(new Error('no action')) };
    await expect(createBadge(broken).showOpenEscalations(2)).resolves.toBeUndefined();
  });
});
