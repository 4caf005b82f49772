// Decides which unread notifications to show now and what the ledger remembers (pure: tested table-style).
import type { BatonNotification } from './notifications-feed';
import type { LedgerEntry, NotificationLedger } from './notifications-ledger';

/** Bounds of the ledger and of one check. */
export interface SelectionLimits {
  /** At most this many entries are remembered (the oldest go, and the watermark rises past them). */
  maxEntries: number;
  /** Entries older than the newest minus this go (the watermark rises past them). */
  retentionMs: number;
  /** A check shows at most this many (the newest); the rest are recorded quietly. */
  maxShownPerCheck: number;
}

export const DEFAULT_SELECTION_LIMITS: SelectionLimits = { maxEntries: 500, retentionMs: 24 * 60 * 60_000, maxShownPerCheck: 5 };

/** What a check does. */
export interface Selection {
  /** The ledger to save before showing anything. */
  ledger: NotificationLedger;
  /** To show now, oldest first. */
  show: BatonNotification[];
  /** New but not shown (muted, or beyond `maxShownPerCheck`), recorded as seen. */
  quiet: BatonNotification[];
  /** True when the ledger started afresh: everything unread was recorded as old, nothing shown. */
  baseline: boolean;
}

/**
 * Compares the unread notifications with the ledger. The first check for an account (a fresh install,
 * or another agent signing in) shows nothing: what is unread then is old news, and the watermark is
 * set at its newest `createdAt` — no flood of backlog. After that, a notification is new when the
 * ledger does not list it and it is not older than the watermark; new ones are recorded whether shown
 * or not (muted), so unmuting or a restart shows nothing twice.
 *
 * @example
 * const { ledger: next, show } = selectNotifications(ledger, account, items, { muted: false });
 * await saveNotificationLedger(next);
 * for (const item of show) await display(item);
 */
export function selectNotifications(
  ledger: NotificationLedger | null,
  account: string,
  unread: readonly BatonNotification[],
  options: { muted: boolean },
  limits: SelectionLimits = DEFAULT_SELECTION_LIMITS,
): Selection {
  if (!ledger || ledger.account !== account) {
    const newest = unread.length > 0 ? Math.max(...unread.map((item) => item.createdAtMs)) : null;
    const fresh: NotificationLedger = { account, watermarkMs: newest, entries: unread.map((item) => entryOf(item, false)) };
    return { ledger: pruned(fresh, limits), show: [], quiet: [], baseline: true };
  }

  const known = new Set(ledger.entries.map((entry) => entry.id));
  const arrivals = unread
    .filter((item) => !known.has(item.id) && (ledger.watermarkMs === null || item.createdAtMs >= ledger.watermarkMs))
    .sort((a, b) => a.createdAtMs - b.createdAtMs);
  const show = options.muted ? [] : arrivals.slice(-limits.maxShownPerCheck);
  const shown = new Set(show.map((item) => item.id));
  const quiet = arrivals.filter((item) => !shown.has(item.id));
  const entries = [...ledger.entries, ...arrivals.map((item) => entryOf(item, shown.has(item.id)))];
  return { ledger: pruned({ ...ledger, entries }, limits), show, quiet, baseline: false };
}

function entryOf(item: BatonNotification, shown: boolean): LedgerEntry {
  return { id: item.id, createdAtMs: item.createdAtMs, target: shown ? item.target : null };
}

/** Drops entries past the retention or the count, raising the watermark so the invariant holds. */
function pruned(ledger: NotificationLedger, limits: SelectionLimits): NotificationLedger {
  const entries = [...ledger.entries].sort((a, b) => b.createdAtMs - a.createdAtMs);
  if (entries.length === 0) return { ...ledger, entries };
  let cutoff = entries[0]!.createdAtMs - limits.retentionMs;
  if (entries.length > limits.maxEntries) cutoff = Math.max(cutoff, entries[limits.maxEntries - 1]!.createdAtMs);
  // Ties at the cutoff stay: everything at or after the new watermark is still listed.
  const kept = entries.filter((entry) => entry.createdAtMs >= cutoff);
  if (kept.length === entries.length) return { ...ledger, entries };
  return { ...ledger, entries: kept, watermarkMs: Math.max(ledger.watermarkMs ?? cutoff, cutoff) };
}

/**
 * Shown notifications that no longer need attention: read elsewhere (no longer unread), or about an
 * escalation that is no longer open (resolved). A list read only in part judges nothing: a
 * notification beyond a full page may still be unread, an escalation beyond it still open.
 *
 * @example
 * for (const id of settledNotificationIds(displayed, { items: unread, complete: true }, { ids: openIds, complete: true })) clear(id);
 */
export function settledNotificationIds(
  displayed: readonly string[],
  unread: { items: readonly BatonNotification[]; complete: boolean },
  open: { ids: ReadonlySet<string>; complete: boolean },
): string[] {
  const unreadById = new Map(unread.items.map((item) => [item.id, item]));
  return displayed.filter((id) => {
    const item = unreadById.get(id);
    if (!item) return unread.complete;
    return open.complete && item.escalationId !== null && !open.ids.has(item.escalationId);
  });
}
