// Which helpdesk threads the open tabs watch (or left moments ago), through which ports, and what the background last knew of each.
import type { ThreadState } from '../messaging';
import type { ConversationRef } from '../overlay/overlay-model';
import type { WatchedThreadSummary } from './event-routing';
import { refKey, type OverlayPort } from './overlay-port';

/** One watched thread: its reference, the ports showing it (none while kept), the last state pushed. */
export interface WatchedThread {
  readonly key: string;
  readonly ref: ConversationRef;
  readonly ports: Set<OverlayPort>;
  /** The last state pushed; null until the first read answered. */
  thread: ThreadState | null;
  /** From the last view (kept while the thread is unavailable); null while unknown. */
  conversationId: string | null;
  leadId: string | null;
}

/** What changed when a port watched or stopped watching. */
export interface WatchChange {
  /** The thread the port now watches (null for unwatch). */
  watched: WatchedThread | null;
  /** True when that thread was not watched before. */
  created: boolean;
  /** A thread no port watches any more: kept (still routed events) until {@link WatchedThreads.forget}. */
  left: WatchedThread | null;
}

/**
 * The registry of watched threads. A port watches at most one thread at a time. A thread whose last
 * port left stays (kept, with no port) until `forget`, so a reloaded tab finds its state at once.
 */
export class WatchedThreads {
  readonly #threads = new Map<string, WatchedThread>();
  readonly #portKeys = new Map<OverlayPort, string>();

  /** Number of threads some port watches (kept ones not counted). */
  get size(): number {
    let watched = 0;
    for (const thread of this.#threads.values()) if (thread.ports.size > 0) watched += 1;
    return watched;
  }

  /** `port` now watches `ref` (and stops watching whatever it watched before). */
  watch(port: OverlayPort, ref: ConversationRef): WatchChange {
    const key = refKey(ref);
    const left = this.#portKeys.get(port) === key ? null : this.unwatch(port).left;
    let watched = this.#threads.get(key);
    const created = !watched;
    if (!watched) {
      watched = { key, ref, ports: new Set(), thread: null, conversationId: null, leadId: null };
      this.#threads.set(key, watched);
    }
    watched.ports.add(port);
    this.#portKeys.set(port, key);
    return { watched, created, left };
  }

  /** `port` stops watching (unwatch, or the port is gone). */
  unwatch(port: OverlayPort): WatchChange {
    const key = this.#portKeys.get(port);
    this.#portKeys.delete(port);
    const thread = key === undefined ? undefined : this.#threads.get(key);
    if (!thread) return { watched: null, created: false, left: null };
    thread.ports.delete(port);
    return { watched: null, created: false, left: thread.ports.size > 0 ? null : thread };
  }

  /** Drops `thread` if no port came back to it; true when it was dropped. */
  forget(thread: WatchedThread): boolean {
    if (!this.isCurrent(thread) || thread.ports.size > 0) return false;
    this.#threads.delete(thread.key);
    return true;
  }

  /** The thread with this key, if still watched or kept. */
  get(key: string): WatchedThread | undefined {
    return this.#threads.get(key);
  }

  /** True when `thread` is still the watched entry for its key (not forgotten meanwhile). */
  isCurrent(thread: WatchedThread): boolean {
    return this.#threads.get(thread.key) === thread;
  }

  /** Every watched or kept thread. */
  all(): WatchedThread[] {
    return [...this.#threads.values()];
  }

  /** The watched threads showing this conversation. */
  withConversation(conversationId: string): WatchedThread[] {
    return this.all().filter((thread) => thread.conversationId === conversationId);
  }

  /** What event routing needs. */
  summaries(): WatchedThreadSummary[] {
    return this.all().map(({ key, conversationId, leadId }) => ({ key, conversationId, leadId }));
  }

  /** Records the state pushed for `thread`, and which conversation and lead it is. */
  remember(thread: WatchedThread, state: ThreadState): void {
    thread.thread = state;
    if (state.kind === 'view') {
      thread.conversationId = state.view.id;
      thread.leadId = state.view.lead?.id ?? state.view.escalation?.leadId ?? null;
    } else if (state.kind === 'unknown') {
      thread.conversationId = null;
      thread.leadId = null;
    }
  }
}
