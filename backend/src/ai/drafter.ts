// AI drafting goes through one interface (SPEC §7): the built-in responder or an OpenAI-compatible API.

export interface ThreadMessage {
  author: 'customer' | 'agent' | 'ai';
  body: string;
}

export interface Drafter {
  name: string;
  /** Drafts a reply to the thread (oldest first; the last message is the customer's). */
  draft(thread: ThreadMessage[]): Promise<string>;
}
