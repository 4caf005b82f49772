// Follows which thread the host page shows and keeps the overlay's UIs placed at the adapter's anchors.
import type { HelpdeskAdapter, MountPoint } from '../adapters/adapter';
import type { ConversationRef } from '../overlay/overlay-model';

/** The three overlay UIs of a thread (issue 9, "Overlay DOM contract"). */
export type SlotName = 'header' | 'banners' | 'reply';

/** Where each UI goes, from the adapter: header controls in the header slot, banners at the mount point, reply before the composer. */
const SLOT_LOCATORS: Record<SlotName, (adapter: HelpdeskAdapter, document: Document) => MountPoint | null> = {
  header: (adapter, document) => anchoredAt(adapter.headerSlot(document), 'last'),
  banners: (adapter, document) => adapter.mountPoint(document),
  reply: (adapter, document) => anchoredAt(adapter.composer(document), 'before'),
};

const SLOT_NAMES = Object.keys(SLOT_LOCATORS) as SlotName[];
const VALIDITY_CHECK_EVERY_MS = 1_000;

/**
 * One overlay UI the watcher places. `place` mounts it the first time and afterwards only moves its
 * host element (so a host-page re-render does not reset what the agent was typing); `remove` unmounts.
 * While its anchor is missing the watcher detaches `host` from the page without unmounting it.
 */
export interface SlotUi {
  place(at: MountPoint): void;
  remove(): void;
  /** The element in the page while mounted (connected or not); null while not mounted. */
  readonly host: Element | null;
}

export interface ThreadWatcherOptions {
  document: Document;
  adapter: HelpdeskAdapter;
  /** The page's URL now (single-page apps change it without a reload). */
  currentUrl: () => URL;
  slots: Record<SlotName, SlotUi>;
  /** The shown thread changed (null: none any more). Called before the UIs are placed for the new thread. */
  onThreadChange: (ref: ConversationRef | null) => void;
  /** Aborting stops observing and removes the UIs (pass the content script's `ctx.signal`). */
  signal: AbortSignal;
  /**
   * Asked before a check (at most once a second): true once the extension was reloaded or removed
   * under this page (`() => ctx.isInvalid`, which also aborts `signal`). Then nothing more is done.
   */
  isInvalid?: () => boolean;
  /** At most one check per this many ms under DOM churn (default 100). */
  throttleMs?: number;
  now?: () => number;
}

/** Handle on a running watcher. */
export interface ThreadWatcher {
  /** Asks for a check soon (throttled), e.g. after a URL change. */
  schedule(): void;
  /** The thread shown as of the last check. */
  readonly current: ConversationRef | null;
}

/**
 * Watches `document` with ONE MutationObserver. A mutation only schedules a check (and the observer
 * is disconnected until that check ran, so bursts cost nothing); a check re-parses the thread ref and
 * re-locates only the anchors that are missing or were removed — a handful of `querySelector` calls.
 * Once every UI is placed it observes only the anchors' and hosts' ancestor chains, so the thread id
 * attribute (`observedAttributes`) must sit on an anchor or one of their ancestors. Checks once right away.
 *
 * @example
 * watchThread({ document, adapter, currentUrl: () => new URL(location.href), slots, signal: ctx.signal,
 *   onThreadChange: (ref) => (ref ? port.watch(ref) : port.unwatch()) });
 */
export function watchThread(options: ThreadWatcherOptions): ThreadWatcher {
  const { document, adapter, slots, signal } = options;
  const throttleMs = options.throttleMs ?? 100;
  const now = options.now ?? (() => Date.now());
  const placements: Record<SlotName, MountPoint | null> = { header: null, banners: null, reply: null };
  let current: ConversationRef | null = null;
  let pendingCheck: ReturnType<typeof setTimeout> | null = null;
  let lastCheckAt = Number.NEGATIVE_INFINITY;
  let lastValidityCheckAt = Number.NEGATIVE_INFINITY;

  const observer = new MutationObserver(() => {
    // Nothing per mutation but this: stop listening until the scheduled check has looked at the page.
    observer.disconnect();
    schedule();
  });

  /**
   * While the thread's UIs are all placed, observes only the ancestor chains of the anchors and of our
   * hosts (child lists, no subtree, plus the adapter's attributes): removing or replacing any of them
   * changes one of those child lists, while appends deeper down (new messages, sidebar) wake nothing.
   * With no thread or an anchor missing, observes the whole body until the page settles.
   */
  function observe(): void {
    const attributes = adapter.observedAttributes ?? [];
    const attributeOptions = attributes.length > 0 ? { attributes: true, attributeFilter: [...attributes] } : {};
    const roots = placedRoots();
    if (!roots) {
      observer.observe(document.documentElement, { childList: true, subtree: true, ...attributeOptions });
      return;
    }
    const observed = new Set<Node>();
    for (const root of roots) {
      for (let node: Node | null = root; node && !observed.has(node); node = node.parentNode) {
        observed.add(node);
        observer.observe(node, { childList: true, ...attributeOptions });
      }
    }
  }

  /** The anchors and our hosts' parents while a thread shows with every UI in the page; null otherwise. */
  function placedRoots(): Node[] | null {
    if (!current) return null;
    const roots: Node[] = [];
    for (const name of SLOT_NAMES) {
      const anchor = placements[name]?.anchor;
      const hostParent = slots[name].host?.parentNode;
      if (!anchor?.isConnected || !hostParent?.isConnected) return null;
      roots.push(anchor, hostParent);
    }
    return roots;
  }

  function schedule(): void {
    if (pendingCheck !== null || signal.aborted) return;
    pendingCheck = setTimeout(runCheck, Math.max(0, lastCheckAt + throttleMs - now()));
  }

  function runCheck(): void {
    pendingCheck = null;
    if (signal.aborted || extensionGone()) return;
    lastCheckAt = now();
    try {
      check();
    } finally {
      // Our own placements happened while disconnected: they do not trigger another check.
      if (!signal.aborted) observe();
    }
  }

  /** Asks `isInvalid` at most once a second: it is a browser API call, not free under churn. */
  function extensionGone(): boolean {
    if (!options.isInvalid || now() - lastValidityCheckAt < VALIDITY_CHECK_EVERY_MS) return false;
    lastValidityCheckAt = now();
    return options.isInvalid();
  }

  function check(): void {
    const url = options.currentUrl();
    const ref = adapter.matches(url) ? adapter.conversationRef(document, url) : null;
    if (!sameRef(ref, current)) {
      removeAll();
      current = ref;
      options.onThreadChange(ref);
    }
    if (current) for (const name of SLOT_NAMES) keepPlaced(name);
  }

  /** O(1) while the UI and its anchor are still in the page; looks the anchor up again otherwise. */
  function keepPlaced(name: SlotName): void {
    const slot = slots[name];
    const placed = placements[name];
    if (placed && placed.anchor.isConnected && slot.host?.isConnected) return;
    const at = SLOT_LOCATORS[name](adapter, document);
    placements[name] = at;
    if (!at) {
      // Anchor gone for now (a re-render in progress): take the UI out of the page but keep it mounted.
      slot.host?.remove();
      return;
    }
    // The anchor was replaced in place but our host is still right beside it: nothing to move.
    if (slot.host?.isConnected && isPlacedAt(slot.host, at)) return;
    slot.place(at);
  }

  function removeAll(): void {
    for (const name of SLOT_NAMES) {
      slots[name].remove();
      placements[name] = null;
    }
  }

  signal.addEventListener(
    'abort',
    () => {
      observer.disconnect();
      if (pendingCheck !== null) clearTimeout(pendingCheck);
      pendingCheck = null;
      removeAll();
    },
    { once: true },
  );

  if (!signal.aborted) runCheck();

  return {
    schedule,
    get current() {
      return current;
    },
  };
}

/** Two refs name the same thread (null = no thread). */
export function sameRef(a: ConversationRef | null, b: ConversationRef | null): boolean {
  return a === b || (a !== null && b !== null && a.connector === b.connector && a.externalId === b.externalId);
}

/**
 * Puts `element` at `at` (the same positions as WXT's `append` option).
 *
 * @example
 * placeElement(shadowHost, { anchor: header, append: 'after' });
 */
export function placeElement(element: Element, at: MountPoint): void {
  switch (at.append) {
    case 'first':
      at.anchor.prepend(element);
      break;
    case 'last':
      at.anchor.append(element);
      break;
    case 'before':
      at.anchor.before(element);
      break;
    case 'after':
      at.anchor.after(element);
      break;
  }
}

function isPlacedAt(element: Element, at: MountPoint): boolean {
  switch (at.append) {
    case 'first':
    case 'last':
      return element.parentElement === at.anchor;
    case 'before':
      return at.anchor.previousElementSibling === element;
    case 'after':
      return at.anchor.nextElementSibling === element;
  }
}

function anchoredAt(anchor: Element | null, append: MountPoint['append']): MountPoint | null {
  return anchor ? { anchor, append } : null;
}
