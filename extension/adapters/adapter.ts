// The contract every helpdesk adapter fulfils: a pure parser of one page family (STYLE.md habit 10).
import type { AgentSend, ConversationRef } from '../overlay/overlay-model';

/** Where the banner stack goes: relative to `anchor`, as WXT's `createShadowRootUi` `append` option. */
export interface MountPoint {
  anchor: Element;
  append: 'first' | 'last' | 'before' | 'after';
}

/**
 * One helpdesk page family. Every method takes the document (and URL) as parameters and has no side
 * effects except `onAgentSend`, which listens and returns its own teardown.
 *
 * @example
 * const adapter = adapters.find((candidate) => candidate.matches(new URL(location.href)));
 * const ref = adapter?.conversationRef(document, new URL(location.href));
 */
export interface HelpdeskAdapter {
  /** Short name for logs (`demo`, `request-tracker`). */
  name: string;
  /** This adapter serves pages at `url`. */
  matches(url: URL): boolean;
  /** The thread shown, or null when the page shows no thread (or its id is not valid). */
  conversationRef(document: Document, url: URL): ConversationRef | null;
  /** Where the banner stack mounts (top of the thread); null while the thread is not rendered. */
  mountPoint(document: Document): MountPoint | null;
  /** The thread header element the Take Over button is appended to; null when absent. */
  headerSlot(document: Document): Element | null;
  /** The compose area; the scheduled-reply banner mounts right before it. Null when absent. */
  composer(document: Document): Element | null;
  /**
   * Attributes whose change in place can change what the page shows (e.g. the thread id on a reused
   * element). The content script observes only these attributes (plus added/removed nodes), which keeps
   * it cheap on busy pages. Omitted: none.
   */
  observedAttributes?: readonly string[];
  /** Calls `onSend` for each agent send from the host's composer; returns a function that stops listening. */
  onAgentSend(document: Document, onSend: (send: AgentSend) => void): () => void;
}
