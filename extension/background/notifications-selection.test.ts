// Which notifications a check shows: the first-check baseline (no backlog flood), dedup by id, the
// watermark, mute, the per-check cap, pruning, and a new account starting afresh.
import { describe, expect, it } from 'vitest';
import type { BatonNotification } from './notifications-feed';
import type { NotificationLedger } from './notifications-ledger';
import { selectNotifications, type SelectionLimits } from './notifications-selection';

const ACCOUNT = 'http://127.0.0.1:8787 0123456789abcdef';
const T0 = Date.parse('2026-01-05T14:00:00.000Z');

function item(id: string, secondsAfterT0: number): BatonNotification {
  return {
    id,
    escalationId: `esc-${id}`,
    kind: 'escalation',
    count: 1,
    createdAtMs: T0 + secondsAfterT0 * 1_000,
    title: `Title ${id}`,
    body: `Body ${id}`,
    target: { conversationId: `conv-${id}`, connector: 'demo', externalId: `DEMO-${id}`, helpdeskUrl: null },
  };
}

const ids = (items: readonly { id: string }[]) => items.map((entry) => entry.id);
const ledgerWith = (watermarkSeconds: number | null, seen: BatonNotification[]): NotificationLedger => ({
  account: ACCOUNT,
  watermarkMs: watermarkSeconds === null ? null : T0 + watermarkSeconds * 1_000,
  entries: seen.map((entry) => ({ id: entry.id, createdAtMs: entry.createdAtMs, target: null })),
});

describe('selectNotifications', () => {
  it.each([
    ['no ledger yet', null],
    ['a ledger of another account', { ...ledgerWith(null, []), account: 'http://127.0.0.1:8787 ffffffffffffffff' }],
  ])('first check (%s): shows nothing, remembers what is unread, watermark at its newest', (_, ledger) => {
    const unread = [item('b', 20), item('a', 10)];
    const selection = selectNotifications(ledger, ACCOUNT, unread, { muted: false });
    expect(selection.baseline).toBe(true);
    expect(selection.show).toEqual([]);
    expect(selection.ledger).toEqual({ account: ACCOUNT, watermarkMs: T0 + 20_000, entries: [expect.objectContaining({ id: 'b' }), expect.objectContaining({ id: 'a' })] });
  });

  it('first check with nothing unread: no watermark, so the next notification is new', () => {
    const first = selectNotifications(null, ACCOUNT, [], { muted: false });
    expect(first.ledger.watermarkMs).toBeNull();
    const second = selectNotifications(first.ledger, ACCOUNT, [item('a', -3600)], { muted: false });
    expect(ids(second.show)).toEqual(['a']);
  });

  it.each<[string, number | null, BatonNotification[], BatonNotification[], string[]]>([
    ['a new one is shown', 10, [item('a', 10)], [item('n', 30), item('a', 10)], ['n']],
    ['one already seen is not', 10, [item('a', 10), item('n', 30)], [item('n', 30), item('a', 10)], []],
    ['one older than the watermark is old news', 10, [item('a', 10)], [item('a', 10), item('old', 5)], []],
    ['one at the watermark that was not seen is new (same millisecond)', 10, [item('a', 10)], [item('twin', 10), item('a', 10)], ['twin']],
    ['several are shown oldest first', 10, [], [item('c', 40), item('b', 30), item('a', 20)], ['a', 'b', 'c']],
  ])('%s', (_, watermark, seen, unread, shown) => {
    const selection = selectNotifications(ledgerWith(watermark, seen), ACCOUNT, unread, { muted: false });
    expect(selection.baseline).toBe(false);
    expect(ids(selection.show)).toEqual(shown);
  });

  it('records shown ones with their target (a click after a worker restart needs it), and the next check shows them no more', () => {
    const selection = selectNotifications(ledgerWith(0, []), ACCOUNT, [item('n', 30)], { muted: false });
    expect(selection.ledger.entries).toEqual([{ id: 'n', createdAtMs: T0 + 30_000, target: item('n', 30).target }]);
    expect(selectNotifications(selection.ledger, ACCOUNT, [item('n', 30)], { muted: false }).show).toEqual([]);
  });

  it('muted: records new ones without showing them, so unmuting shows no backlog', () => {
    const muted = selectNotifications(ledgerWith(0, []), ACCOUNT, [item('n', 30)], { muted: true });
    expect(muted.show).toEqual([]);
    expect(ids(muted.quiet)).toEqual(['n']);
    expect(selectNotifications(muted.ledger, ACCOUNT, [item('n', 30)], { muted: false }).show).toEqual([]);
  });

  it('shows at most maxShownPerCheck (the newest) and records the rest quietly', () => {
    const limits: SelectionLimits = { maxEntries: 100, retentionMs: 86_400_000, maxShownPerCheck: 2 };
    const unread = [item('d', 40), item('c', 30), item('b', 20), item('a', 10)];
    const selection = selectNotifications(ledgerWith(0, []), ACCOUNT, unread, { muted: false }, limits);
    expect(ids(selection.show)).toEqual(['c', 'd']);
    expect(ids(selection.quiet)).toEqual(['a', 'b']);
    expect(selection.ledger.entries).toHaveLength(4);
  });

  it('prunes beyond maxEntries and raises the watermark, so a pruned id never comes back as new', () => {
    const limits: SelectionLimits = { maxEntries: 2, retentionMs: 86_400_000, maxShownPerCheck: 5 };
    const selection = selectNotifications(ledgerWith(0, []), ACCOUNT, [item('c', 30), item('b', 20), item('a', 10)], { muted: false }, limits);
    expect(ids(selection.ledger.entries)).toEqual(['c', 'b']);
    expect(selection.ledger.watermarkMs).toBe(T0 + 20_000);
    expect(selectNotifications(selection.ledger, ACCOUNT, [item('c', 30), item('b', 20), item('a', 10)], { muted: false }, limits).show).toEqual([]);
  });

  it('prunes entries older than the retention behind the newest', () => {
    const limits: SelectionLimits = { maxEntries: 100, retentionMs: 60_000, maxShownPerCheck: 5 };
    const selection = selectNotifications(ledgerWith(0, [item('a', 0)]), ACCOUNT, [item('b', 120)], { muted: false }, limits);
    expect(ids(selection.ledger.entries)).toEqual(['b']);
    expect(selection.ledger.watermarkMs).toBe(T0 + 60_000);
  });
});
